/**
 * What happens when a timer fires: schedule.due for whoever listens (herald's briefing, the
 * archivist), the reminder text to the chat, and hermes's records brought up to date. Message ids
 * derive from the BullMQ job id, and publishes are idempotent, so a firing retried after a crash
 * (a stalled job, a failed publish) reaches the chat once.
 */
import type { Publish } from '@hive/agent';
import { derivedId } from '@hive/agent';
import { describeRecurrence } from './domain/recurrence.js';
import { dueText } from './domain/reminders.js';
import { isoWithOffset, wallClock } from './domain/time-zone.js';
import type { ReminderStore } from './reminder-store.js';
import type { Firing } from './timers.js';

/** A bus message id for one output of one occurrence: the same on every retry. */
export function firingMessageId(occurrenceId: string, output: string): string {
  return derivedId('', ['hermes', occurrenceId, output], 26);
}

export interface FiringDeps {
  readonly publish: Publish<'schedule.due' | 'wa.outbound'>;
  readonly store: ReminderStore;
  readonly now: () => Date;
  /** How long a firing's message ids are remembered by the idempotent publish. @defaultValue the bus's (24 h) */
  readonly publishWindowMs?: number;
}

/** Publish one firing and update the records. Throws (so BullMQ retries) when Redis fails. */
export async function fire(f: Firing, deps: FiringDeps): Promise<void> {
  const { data, dueAt, occurrenceId } = f;
  const idempotent = deps.publishWindowMs !== undefined ? { windowMs: deps.publishWindowMs } : true;
  const once = (output: string) => ({ id: firingMessageId(occurrenceId, output), idempotent, ...(data.corr ? { corr: data.corr } : {}) });
  if (data.kind === 'briefing') {
    const w = wallClock(dueAt, data.timeZone);
    const day = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
    await deps.publish('schedule.due', 'briefing.due', { chatId: data.chatId, day, timezone: data.timeZone, dueAt: isoWithOffset(dueAt, data.timeZone) }, once('briefing.due'));
    if (!data.recurrence) await deps.store.remove(data.chatId, [data.reminderId]);
    return;
  }
  const firedAt = deps.now();
  await deps.publish(
    'schedule.due',
    'reminder.due',
    {
      chatId: data.chatId,
      reminderId: data.reminderId,
      text: data.text,
      dueAt: isoWithOffset(dueAt, data.timeZone),
      firedAt: firedAt.toISOString(),
      ...(data.recurrence ? { recurrence: describeRecurrence(data.recurrence) } : {}),
    },
    once('reminder.due'),
  );
  await deps.publish('wa.outbound', 'wa.send', { chatId: data.chatId, text: dueText(data.text, data.recurrence) }, once('wa.send'));
  await deps.store.setLastFired(data.chatId, { reminderId: data.reminderId, text: data.text, firedAt: firedAt.toISOString() });
  if (!data.recurrence) await deps.store.remove(data.chatId, [data.reminderId]);
}
