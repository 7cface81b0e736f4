/**
 * What hermes remembers besides the BullMQ jobs: each chat's reminders (for "list" and "cancel 2")
 * and the last one that fired (for "snooze"). One hash and one string per chat, under hermes's own
 * state (`keys.data('hermes', …)`), so they share Redis's persistence with the jobs that fire them.
 */
import type { Keys } from '@hive/agent';
import type { Redis } from 'ioredis';
import type { Reminder } from './domain/reminders.js';

/** The reminder a "snooze" brings back. */
export interface FiredReminder {
  readonly reminderId: string;
  readonly text: string;
  readonly firedAt: string;
}

/** Key names for hermes's records, from the bus's key builder (e.g. "hive:data:{hermes}:reminders:<chat>"). */
export function reminderKeys(keys: Keys) {
  return {
    reminders: (chatId: string) => keys.data('hermes', 'reminders', chatId),
    lastFired: (chatId: string) => keys.data('hermes', 'last-fired', chatId),
  };
}

/** How long "snooze" can still reach back to the last reminder. */
const LAST_FIRED_TTL_S = 7 * 24 * 3600;

export interface ReminderStore {
  list(chatId: string): Promise<Reminder[]>;
  get(chatId: string, reminderId: string): Promise<Reminder | undefined>;
  save(reminder: Reminder): Promise<void>;
  remove(chatId: string, reminderIds: readonly string[]): Promise<void>;
  lastFired(chatId: string): Promise<FiredReminder | undefined>;
  setLastFired(chatId: string, fired: FiredReminder): Promise<void>;
}

function parse<T>(json: string | null | undefined): T | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}

/** The store on an ioredis connection. */
export function createReminderStore(redis: Redis, busKeys: Keys): ReminderStore {
  const keys = reminderKeys(busKeys);
  return {
    async list(chatId) {
      const all = await redis.hvals(keys.reminders(chatId));
      return all.map((j) => parse<Reminder>(j)).filter((r): r is Reminder => r !== undefined);
    },
    async get(chatId, reminderId) {
      return parse<Reminder>(await redis.hget(keys.reminders(chatId), reminderId));
    },
    async save(reminder) {
      await redis.hset(keys.reminders(reminder.chatId), reminder.id, JSON.stringify(reminder));
    },
    async remove(chatId, reminderIds) {
      if (reminderIds.length > 0) await redis.hdel(keys.reminders(chatId), ...reminderIds);
    },
    async lastFired(chatId) {
      return parse<FiredReminder>(await redis.get(keys.lastFired(chatId)));
    },
    async setLastFired(chatId, fired) {
      await redis.set(keys.lastFired(chatId), JSON.stringify(fired), 'EX', LAST_FIRED_TTL_S);
    },
  };
}
