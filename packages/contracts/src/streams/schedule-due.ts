/** schedule.due: hermes's timers firing: reminders, and the daily briefing herald assembles. */
import { z } from 'zod';
import { chatId, isoDay, isoTime, recordId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

export const scheduleDue = defineStream({
  name: 'schedule.due',
  description: 'Timers that fired in hermes. Hermes itself tells the chat about reminders; herald answers briefing.due.',
  startAt: 'new',
  retention: { maxAgeMs: DAY_MS, maxLen: 10_000, why: 'a trigger: herald and archivist take it within seconds.' },
  messages: {
    'reminder.due': defineMessage({
      version: 1,
      description: 'A reminder (one-off or one occurrence of a recurring one) came due.',
      schema: z.object({
        chatId,
        reminderId: recordId,
        text: z.string().min(1).describe('what to remind of'),
        dueAt: isoTime,
        firedAt: isoTime,
        recurrence: z.string().optional().describe('for recurring reminders, as the owner put it, e.g. "every weekday at 8:00"'),
      }),
      example: {
        chatId: '491701234567@c.us',
        reminderId: 'rem_01JPA9C1D2E3F4G5H6J7K8M9N0',
        text: 'call the dentist',
        dueAt: '2025-03-15T09:00:00.000+01:00',
        firedAt: '2025-03-15T08:00:00.210Z',
      },
    }),
    'briefing.due': defineMessage({
      version: 1,
      description: 'Time for the daily briefing of one chat.',
      schema: z.object({
        chatId,
        day: isoDay,
        timezone: z.string().min(1).describe('IANA time zone, e.g. "Europe/Berlin"'),
        dueAt: isoTime,
      }),
      example: { chatId: '491701234567@c.us', day: '2025-03-15', timezone: 'Europe/Berlin', dueAt: '2025-03-15T07:00:00.000+01:00' },
    }),
  },
});
