/**
 * pulse's Redis storage, per chat, under the bus's key builder (`keys.data('pulse', …)`, so the
 * ACL pattern is `keys.dataPattern('pulse')`); with the default prefix:
 *
 *   hive:data:{pulse}:<chat>:entries      hash  log id → entry JSON
 *   hive:data:{pulse}:<chat>:by-day       zset  log id, scored by its day (days since 1970)
 *   hive:data:{pulse}:<chat>:recent       list  log ids, newest first (what "undo" takes back)
 *   hive:data:{pulse}:<chat>:days:<kind>  zset  the days a habit was logged (member = YYYY-MM-DD), for streaks
 *   hive:data:{pulse}:<chat>:goals        hash  goal name → number (the chat's own; defaults come from config)
 *   hive:data:{pulse}:<chat>:undo:<msg>   string what one "undo" message removed, so a redelivery removes nothing more
 *
 * Recording and undoing touch several keys in one Lua script each, so a crash never leaves an entry
 * that counts in the totals but not in the streak. Entries are keyed by an id derived from the
 * message, and the script adds only what is new: a redelivered message logs nothing twice.
 */
import { dayNumber, jsonReply, type Keys, loadScript, type RedisDriver, runScript, stringReplies } from '@hive/agent';
import { HABIT_KINDS, type GoalKey, type Goals, type HabitEntry, type HabitKind } from './domain/habits.js';

/** Key names for one chat's habits, from the bus's key builder. */
export function pulseKeys(keys: Keys, chatId: string) {
  const k = (...parts: string[]) => keys.data('pulse', chatId, ...parts);
  return {
    entries: k('entries'),
    byDay: k('by-day'),
    recent: k('recent'),
    days: (kind: HabitKind) => k('days', kind),
    goals: k('goals'),
    undo: (sourceMessageId: string) => k('undo', sourceMessageId),
  };
}

/** How many entries "undo" can walk back. */
const RECENT_KEPT = 200;
/** How long an undo remembers what it removed (a redelivery comes within minutes). */
const UNDO_MARK_S = 24 * 3600;

/** Writes that touch several keys: one script each (src/scripts/*.lua, each with its KEYS/ARGV header). */
const SCRIPTS = {
  record: loadScript(new URL('./scripts/record-habit-4.lua', import.meta.url)),
  // Its keys: entries, by-day, recent, undo mark, then the days of each kind in HABIT_KINDS order.
  undo: loadScript(new URL('./scripts/undo-habit-9.lua', import.meta.url)),
};

/** How far back a streak is read; a longer one shows as this many days. */
export const STREAK_LOOKBACK_DAYS = 1000;

export interface HabitStore {
  /** Store an entry; false when its log id was already stored (a redelivery). */
  record(chatId: string, entry: HabitEntry): Promise<boolean>;
  /** Take back the newest entry; the same `sourceMessageId` always gets the same answer. */
  undoLast(chatId: string, sourceMessageId: string): Promise<HabitEntry | undefined>;
  /** Entries from `from` to `to` (YYYY-MM-DD, inclusive), oldest day first. */
  between(chatId: string, from: string, to: string): Promise<HabitEntry[]>;
  /** The days `kind` was logged, at most STREAK_LOOKBACK_DAYS, newest first. */
  days(chatId: string, kind: HabitKind): Promise<string[]>;
  goals(chatId: string): Promise<Goals>;
  setGoal(chatId: string, goal: GoalKey, value: number): Promise<void>;
}

const GOAL_KEYS: readonly GoalKey[] = ['waterMl', 'sleepHours', 'steps', 'meditationMin', 'workoutsPerWeek'];

/** The store on the bus's Redis driver (ioredis or node-redis) and key builder. */
export function createHabitStore(driver: RedisDriver, busKeys: Keys): HabitStore {
  const keys = (chatId: string) => pulseKeys(busKeys, chatId);
  return {
    async record(chatId, e) {
      const k = keys(chatId);
      const added = await runScript(driver, SCRIPTS.record, [k.entries, k.byDay, k.days(e.kind), k.recent], [e.logId, JSON.stringify(e), dayNumber(e.day), e.day, RECENT_KEPT]);
      return added === 1;
    },
    async undoLast(chatId, sourceMessageId) {
      const k = keys(chatId);
      const dayKeys = HABIT_KINDS.map((kind) => k.days(kind));
      return jsonReply<HabitEntry>(await runScript(driver, SCRIPTS.undo, [k.entries, k.byDay, k.recent, k.undo(sourceMessageId), ...dayKeys], [UNDO_MARK_S, ...HABIT_KINDS]));
    },
    async between(chatId, from, to) {
      const k = keys(chatId);
      const ids = stringReplies(await driver.call(['ZRANGEBYSCORE', k.byDay, dayNumber(from), dayNumber(to)]));
      const out: HabitEntry[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const values = await driver.call(['HMGET', k.entries, ...ids.slice(i, i + 500)]);
        for (const v of Array.isArray(values) ? values : []) {
          const e = jsonReply<HabitEntry>(v);
          if (e) out.push(e);
        }
      }
      return out;
    },
    async days(chatId, kind) {
      return stringReplies(await driver.call(['ZREVRANGEBYSCORE', keys(chatId).days(kind), '+inf', '-inf', 'LIMIT', 0, STREAK_LOOKBACK_DAYS]));
    },
    async goals(chatId) {
      const flat = stringReplies(await driver.call(['HGETALL', keys(chatId).goals]));
      const out: Record<string, number> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const key = flat[i] as GoalKey;
        const value = Number(flat[i + 1]);
        if (GOAL_KEYS.includes(key) && Number.isFinite(value) && value > 0) out[key] = value;
      }
      return out as Goals;
    },
    async setGoal(chatId, goal, value) {
      await driver.call(['HSET', keys(chatId).goals, goal, String(value)]);
    },
  };
}
