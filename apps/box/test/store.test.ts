/** The nutrition store on both bus drivers: a meal saved and its day read back in one round trip. */
import { createDriver, createKeys, type DriverKind, type RedisDriver } from '@hive/agent';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNutritionStore, type NutritionStore, type StoredMeal } from '../src/store.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const CHAT = 'c1@c.us';
const DAY = '2025-03-14';
const meal = (entryId: string, sentAt: string, kcal: number): StoredMeal => ({
  entryId,
  sourceMessageId: `wamid-${entryId}`,
  description: entryId,
  meal: undefined,
  items: [],
  totals: { kcal, proteinG: 0, carbsG: 0, fatG: 0 },
  estimatedBy: 'rules',
  sentAt,
  loggedAt: sentAt,
});

describe.each(['ioredis', 'node-redis'] satisfies DriverKind[])('nutrition store on %s', (kind) => {
  let driver: RedisDriver;
  let store: NutritionStore;
  /** Each call and each pipeline the store makes: one round trip apiece. */
  let trips: string[][];
  beforeEach(async () => {
    driver = createDriver(kind, { url: redis.url });
    await driver.connect();
    trips = [];
    const counted: RedisDriver = Object.create(driver) as RedisDriver;
    Object.assign(counted, {
      call: (args: Parameters<RedisDriver['call']>[0]) => (trips.push([String(args[0])]), driver.call(args)),
      pipeline: (commands: Parameters<RedisDriver['pipeline']>[0]) => (trips.push(commands.map((c) => String(c[0]))), driver.pipeline(commands)),
    });
    store = createNutritionStore(counted, createKeys(randomPrefix('box')), 30);
  });
  afterEach(async () => {
    await driver.close();
  });

  it('saves a meal and returns the day with it, in the order sent, in one round trip', async () => {
    expect(await store.saveMeal(CHAT, DAY, meal('lunch', '2025-03-14T12:00:00.000Z', 600))).toEqual([meal('lunch', '2025-03-14T12:00:00.000Z', 600)]);
    trips = [];
    const day = await store.saveMeal(CHAT, DAY, meal('breakfast', '2025-03-14T08:00:00.000Z', 300));
    expect(day.map((m) => m.entryId)).toEqual(['breakfast', 'lunch']);
    expect(trips).toEqual([['HSET', 'EXPIRE', 'HVALS']]);
    // A redelivery overwrites its own entry: the day still counts it once.
    expect((await store.saveMeal(CHAT, DAY, meal('breakfast', '2025-03-14T08:00:00.000Z', 300))).map((m) => m.entryId)).toEqual(['breakfast', 'lunch']);
    expect((await store.meals(CHAT, DAY)).map((m) => m.entryId)).toEqual(['breakfast', 'lunch']);
  });
});
