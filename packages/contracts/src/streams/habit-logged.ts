/** habit.logged: workouts, water, sleep and other habits pulse has logged, with the streak. */
import { z } from 'zod';
import { chatId, isoDay, isoTime, recordId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

export const habitLogged = defineStream({
  name: 'habit.logged',
  description: 'Habit entries logged by pulse, each with the habit\'s current streak.',
  startAt: 'all',
  retention: { maxAgeMs: DAY_MS, maxLen: 30_000, why: 'facts a new listener may rebuild state from (new groups start at the history): the last day is in Redis, the full history in archivist (`hive history --export` to replay older facts); Redis is the buffer, not the record.' },
  messages: {
    'habit.logged': defineMessage({
      version: 1,
      description: 'One habit entry logged.',
      schema: z.object({
        chatId,
        logId: recordId,
        habit: z.enum(['workout', 'water', 'sleep', 'other']),
        name: z.string().optional().describe('what exactly, e.g. "run" for a workout, or the habit\'s name for "other"'),
        quantity: z.number().nonnegative().optional(),
        unit: z.string().optional().describe('e.g. "min", "km", "ml", "h"'),
        day: isoDay,
        streakDays: z.number().int().nonnegative().describe('consecutive days with this habit, today included'),
        loggedAt: isoTime,
      }),
      example: {
        chatId: '491701234567@c.us',
        logId: 'habit_01JPAC3D4E5F6G7H8J9K0M1N2P',
        habit: 'workout',
        name: 'run',
        quantity: 5,
        unit: 'km',
        day: '2025-03-14',
        streakDays: 4,
        loggedAt: '2025-03-14T06:40:00.000Z',
      },
    }),
  },
});
