/**
 * pulse's Redis storage, per chat, inside the Hive prefix:
 *
 *   <prefix>pulse:<chat>:entries      hash  log id → entry JSON
 *   <prefix>pulse:<chat>:by-day       zset  log id, scored by its day (days since 1970)
 *   <prefix>pulse:<chat>:days:<kind>  zset  the days a habit was logged (member = YYYY-MM-DD), for streaks
 *   <prefix>pulse:<chat>:goals        hash  goal name → number (the chat's own; defaults come from config)
 *
 * Recording touches three keys in one Lua script, so a crash never leaves an entry that counts in
 * the totals but not in the streak. Entries are keyed by an id derived from the message, and the
 * script adds only what is new: a redelivered message logs nothing twice.
 */
import type { RedisDriver, Reply } from '@hive/bus';
import { dayNumber } from './domain/calendar.js';
import type { GoalKey, Goals, HabitEntry, HabitKind } from './domain/habits.js';

/** Key names for one chat's habits. */
export function pulseKeys(hivePrefix: string, chatId: string) {
  const base = `${hivePrefix}pulse:${chatId}`;
  return {
    entries: `${base}:entries`,
    byDay: `${base}:by-day`,
    days: (kind: HabitKind) => `${base}:days:${kind}`,
    goals: `${base}:goals`,
  };
}

// KEYS: entries, by-day, days:<kind>. ARGV: log id, json, day score, day. Returns 1 if added, 0 if it was there.
const RECORD = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1`;

/** How far back a streak is read; a longer one shows as this many days. */
export const STREAK_LOOKBACK_DAYS = 1000;

export interface HabitStore {
  /** Store an entry; false when its log id was already stored (a redelivery). */
  record(chatId: string, entry: HabitEntry): Promise<boolean>;
  /** Entries from `from` to `to` (YYYY-MM-DD, inclusive), oldest day first. */
  between(chatId: string, from: string, to: string): Promise<HabitEntry[]>;
  /** The days `kind` was logged, at most STREAK_LOOKBACK_DAYS, newest first. */
  days(chatId: string, kind: HabitKind): Promise<string[]>;
  goals(chatId: string): Promise<Goals>;
  setGoal(chatId: string, goal: GoalKey, value: number): Promise<void>;
}

function parse<T>(json: Reply | undefined): T | undefined {
  if (typeof json !== 'string' || json === '') return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}

const strings = (r: Reply): string[] => (Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : []);

const GOAL_KEYS: readonly GoalKey[] = ['waterMl', 'sleepHours', 'steps', 'meditationMin', 'workoutsPerWeek'];

/** The store on the bus's Redis driver (ioredis or node-redis). */
export function createHabitStore(driver: RedisDriver, hivePrefix: string): HabitStore {
  const keys = (chatId: string) => pulseKeys(hivePrefix, chatId);
  return {
    async record(chatId, e) {
      const k = keys(chatId);
      const added = await driver.call(['EVAL', RECORD, 3, k.entries, k.byDay, k.days(e.kind), e.logId, JSON.stringify(e), dayNumber(e.day), e.day]);
      return added === 1;
    },
    async between(chatId, from, to) {
      const k = keys(chatId);
      const ids = strings(await driver.call(['ZRANGEBYSCORE', k.byDay, dayNumber(from), dayNumber(to)]));
      const out: HabitEntry[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const values = await driver.call(['HMGET', k.entries, ...ids.slice(i, i + 500)]);
        for (const v of Array.isArray(values) ? values : []) {
          const e = parse<HabitEntry>(v);
          if (e) out.push(e);
        }
      }
      return out;
    },
    async days(chatId, kind) {
      return strings(await driver.call(['ZREVRANGEBYSCORE', keys(chatId).days(kind), '+inf', '-inf', 'LIMIT', 0, STREAK_LOOKBACK_DAYS]));
    },
    async goals(chatId) {
      const flat = strings(await driver.call(['HGETALL', keys(chatId).goals]));
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
