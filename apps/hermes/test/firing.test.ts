import { describe, expect, it } from 'vitest';
import { fire, firingMessageId } from '../src/firing.js';
import type { FiredReminder, ReminderStore } from '../src/reminder-store.js';
import type { Firing } from '../src/timers.js';

function memoryStore(failLastFiredOnce = false) {
  const removed: string[] = [];
  let last: FiredReminder | undefined;
  let fail = failLastFiredOnce;
  const store: ReminderStore = {
    list: async () => [],
    get: async () => undefined,
    save: async () => undefined,
    remove: async (_chat, ids) => void removed.push(...ids),
    lastFired: async () => last,
    setLastFired: async (_chat, f) => {
      if (fail) {
        fail = false;
        throw new Error('Redis went away');
      }
      last = f;
    },
  };
  return { store, removed, last: () => last };
}

const firing: Firing = {
  data: { chatId: 'c@c.us', reminderId: 'rem_1', text: 'call mom', kind: 'reminder', timeZone: 'Europe/Berlin', corr: 'conv-1' },
  dueAt: new Date('2025-03-15T08:00:00.000Z'),
  occurrenceId: 'rem_1',
};

describe('fire', () => {
  it('publishes reminder.due and the chat text with ids that survive a retry', async () => {
    const calls: { stream: string; type: string; data: unknown; options: Record<string, unknown> | undefined }[] = [];
    const publish = (async (stream: string, type: string, data: unknown, options?: Record<string, unknown>) => {
      calls.push({ stream, type, data, options });
      return { id: String(options?.id), entryId: '0-1' };
    }) as never;
    const mem = memoryStore(true);
    const now = () => new Date('2025-03-15T08:00:00.250Z');

    // The first attempt dies after publishing (Redis blipped); BullMQ runs it again.
    await expect(fire(firing, { publish, store: mem.store, now })).rejects.toThrow('Redis went away');
    await fire(firing, { publish, store: mem.store, now });

    expect(calls).toHaveLength(4);
    const [due, text, due2, text2] = calls;
    expect(due).toMatchObject({
      stream: 'schedule.due',
      type: 'reminder.due',
      data: { chatId: 'c@c.us', reminderId: 'rem_1', text: 'call mom', dueAt: '2025-03-15T09:00:00.000+01:00', firedAt: '2025-03-15T08:00:00.250Z' },
      options: { idempotent: true, corr: 'conv-1' },
    });
    expect(text).toMatchObject({ stream: 'wa.outbound', data: { chatId: 'c@c.us', text: expect.stringContaining('⏰ Reminder: call mom') } });
    // Same ids on the retry: the bus's idempotent publish appends nothing the second time.
    expect(due2!.options!.id).toBe(due!.options!.id);
    expect(text2!.options!.id).toBe(text!.options!.id);
    expect(due!.options!.id).not.toBe(text!.options!.id);
    expect(mem.last()).toMatchObject({ reminderId: 'rem_1', text: 'call mom' });
    expect(mem.removed).toEqual(['rem_1']);
  });

  it('gives each occurrence of a recurring reminder its own ids, and keeps the reminder', async () => {
    expect(firingMessageId('repeat:rem_1:1000', 'wa.send')).not.toBe(firingMessageId('repeat:rem_1:2000', 'wa.send'));
    const calls: unknown[] = [];
    const publish = (async (...args: unknown[]) => void calls.push(args)) as never;
    const mem = memoryStore();
    const weekly = { ...firing, data: { ...firing.data, recurrence: { kind: 'weekly' as const, weekdays: [1], hour: 8, minute: 0 } } };
    await fire(weekly, { publish, store: mem.store, now: () => new Date() });
    expect(calls[0]).toMatchObject(['schedule.due', 'reminder.due', { recurrence: 'every Monday at 08:00' }, { idempotent: true }]);
    expect(mem.removed).toEqual([]);
  });

  it('publishes briefing.due for a briefing, with the day in the owner\'s zone', async () => {
    const calls: unknown[] = [];
    const publish = (async (...args: unknown[]) => void calls.push(args)) as never;
    const briefing = { ...firing, data: { ...firing.data, kind: 'briefing' as const }, dueAt: new Date('2025-03-14T23:30:00.000Z') };
    await fire(briefing, { publish, store: memoryStore().store, now: () => new Date() });
    expect(calls).toEqual([
      ['schedule.due', 'briefing.due', { chatId: 'c@c.us', day: '2025-03-15', timezone: 'Europe/Berlin', dueAt: '2025-03-15T00:30:00.000+01:00' }, expect.objectContaining({ idempotent: true })],
    ]);
  });
});
