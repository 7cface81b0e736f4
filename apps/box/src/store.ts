/**
 * box's state in the bus's Redis, under the bus's key builder for an agent's own data:
 *
 *   <prefix>data:{box}:meals:<chatId>:<YYYY-MM-DD>  HASH  entryId → meal JSON (expires after the retention)
 *   <prefix>data:{box}:goal:<chatId>                STRING kcal
 *   <prefix>data:{box}:undo:<sourceMessageId>       STRING the meal an "undo" removed (a day), so a replay removes no second one
 *
 * A meal is stored under an id derived from the WhatsApp message it came from, so a redelivered
 * message overwrites itself instead of counting twice; day totals are the sum of the hash.
 */
import type { Keys, RedisDriver } from '@hive/agent';
import type { Macros } from './domain/food-table.js';
import type { LoggedItem } from './domain/macros.js';
import type { Meal } from './domain/request.js';

/** A meal as stored. */
export interface StoredMeal {
  readonly entryId: string;
  readonly sourceMessageId: string;
  readonly description: string;
  readonly meal: Meal | undefined;
  readonly items: readonly LoggedItem[];
  readonly totals: Macros;
  readonly estimatedBy: 'llm' | 'rules';
  /** When the owner sent it: the order of the day, stable when a redelivery is logged again. */
  readonly sentAt: string;
  readonly loggedAt: string;
}

export interface NutritionStore {
  /**
   * Store (or overwrite, by entryId) a meal on a day, and return the day's meals with it, in the
   * order they were sent: one round trip (the write and the read in one pipeline, read after it).
   */
  saveMeal(chatId: string, day: string, meal: StoredMeal): Promise<StoredMeal[]>;
  /** The day's meals, in the order they were sent. */
  meals(chatId: string, day: string): Promise<StoredMeal[]>;
  /** Remove a meal from a day (no-op when it is gone). */
  removeMeal(chatId: string, day: string, entryId: string): Promise<void>;
  /**
   * Record that the "undo" message `sourceMessageId` removes `meal` (from `day`); when that undo was
   * already recorded, return what it removed then instead, so a replayed undo repeats itself.
   */
  claimUndo(sourceMessageId: string, day: string, meal: StoredMeal): Promise<{ day: string; meal: StoredMeal }>;
  /** What the "undo" message `sourceMessageId` removed, if it ran before. */
  undone(sourceMessageId: string): Promise<{ day: string; meal: StoredMeal } | undefined>;
  /** The chat's own goal, if it set one. */
  goal(chatId: string): Promise<number | undefined>;
  setGoal(chatId: string, kcal: number): Promise<void>;
}

/** box's key names, from the bus's key builder (the ACL pattern is `keys.dataPattern('box')`). */
export function boxKeys(keys: Keys) {
  return {
    meals: (chatId: string, day: string) => keys.data('box', 'meals', chatId, day),
    goal: (chatId: string) => keys.data('box', 'goal', chatId),
    undo: (sourceMessageId: string) => keys.data('box', 'undo', sourceMessageId),
  };
}

/** A store over the bus's (non-blocking) driver. */
export function createNutritionStore(driver: RedisDriver, busKeys: Keys, retentionDays: number): NutritionStore {
  const keys = boxKeys(busKeys);
  const ttlSeconds = Math.max(1, Math.round(retentionDays * 86_400));
  /** HVALS's reply as meals, in the order they were sent; a value that is not a meal is skipped. */
  const dayMeals = (reply: unknown): StoredMeal[] => {
    const out: StoredMeal[] = [];
    for (const v of Array.isArray(reply) ? reply : []) {
      try {
        out.push(JSON.parse(String(v)) as StoredMeal);
      } catch {
        // A hand-edited or foreign value: skip it rather than fail every summary of the day.
      }
    }
    const time = (iso: string | undefined) => (iso === undefined ? 0 : Date.parse(iso) || 0);
    return out.sort((a, b) => time(a.sentAt) - time(b.sentAt) || time(a.loggedAt) - time(b.loggedAt) || a.entryId.localeCompare(b.entryId));
  };
  const undone = async (sourceMessageId: string) => {
    const v = await driver.call(['GET', keys.undo(sourceMessageId)]);
    if (typeof v !== 'string') return undefined;
    try {
      return JSON.parse(v) as { day: string; meal: StoredMeal };
    } catch {
      return undefined;
    }
  };
  return {
    async saveMeal(chatId, day, meal) {
      const key = keys.meals(chatId, day);
      // One connection runs a pipeline's commands in order: HVALS sees the meal just written.
      const results = await driver.pipeline([
        ['HSET', key, meal.entryId, JSON.stringify(meal)],
        ['EXPIRE', key, ttlSeconds],
        ['HVALS', key],
      ]);
      for (const r of results) if (!r.ok) throw r.error;
      return dayMeals(results[2]!.ok ? results[2]!.value : undefined);
    },
    async meals(chatId, day) {
      return dayMeals(await driver.call(['HVALS', keys.meals(chatId, day)]));
    },
    async removeMeal(chatId, day, entryId) {
      await driver.call(['HDEL', keys.meals(chatId, day), entryId]);
    },
    async claimUndo(sourceMessageId, day, meal) {
      const set = await driver.call(['SET', keys.undo(sourceMessageId), JSON.stringify({ day, meal }), 'NX', 'EX', 86_400]);
      if (set !== null) return { day, meal };
      return (await undone(sourceMessageId)) ?? { day, meal };
    },
    undone,
    async goal(chatId) {
      const v = await driver.call(['GET', keys.goal(chatId)]);
      const n = v === null || v === undefined ? NaN : Number(v);
      return Number.isFinite(n) && n > 0 ? n : undefined;
    },
    async setGoal(chatId, kcal) {
      await driver.call(['SET', keys.goal(chatId), String(kcal)]);
    },
  };
}
