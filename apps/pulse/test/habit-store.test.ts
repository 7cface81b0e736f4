/** The store on both bus drivers: idempotent records and undos, day ranges, the days behind a streak, goals. */
import { createDriver, createKeys, DRIVER_KINDS, type RedisDriver } from '@hive/bus';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HabitEntry } from '../src/domain/habits.js';
import { createHabitStore, pulseKeys, type HabitStore } from '../src/habit-store.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const CHAT = 'c1@c.us';
const water = (logId: string, day: string, ml = 250): HabitEntry => ({ logId, kind: 'water', ml, day, loggedAt: `${day}T10:00:00.000Z` });

describe.each(DRIVER_KINDS)('habit store on %s', (kind) => {
  let driver: RedisDriver;
  let store: HabitStore;
  let prefix: string;
  beforeEach(async () => {
    driver = createDriver(kind, { url: redis.url });
    await driver.connect();
    prefix = randomPrefix('pulse');
    store = createHabitStore(driver, createKeys(prefix));
  });
  afterEach(async () => {
    await driver.close();
  });

  it('records a log id once, however often it is delivered', async () => {
    expect(await store.record(CHAT, water('l1', '2025-03-14'))).toBe(true);
    expect(await store.record(CHAT, water('l1', '2025-03-14', 9999))).toBe(false);
    expect(await store.between(CHAT, '2025-03-14', '2025-03-14')).toEqual([water('l1', '2025-03-14')]);
    expect(await driver.call(['ZCARD', pulseKeys(createKeys(prefix), CHAT).byDay])).toBe(1);
  });

  it('reads a range of days, inclusive, and only that chat', async () => {
    await store.record(CHAT, water('a', '2025-03-07'));
    await store.record(CHAT, water('b', '2025-03-08'));
    await store.record(CHAT, water('c', '2025-03-14'));
    await store.record(CHAT, water('d', '2025-03-15'));
    await store.record('other@c.us', water('e', '2025-03-10'));
    expect((await store.between(CHAT, '2025-03-08', '2025-03-14')).map((e) => e.logId)).toEqual(['b', 'c']);
  });

  it('keeps each habit\'s days once, newest first', async () => {
    await store.record(CHAT, water('a', '2025-03-12'));
    await store.record(CHAT, water('b', '2025-03-14'));
    await store.record(CHAT, water('c', '2025-03-14'));
    await store.record(CHAT, { logId: 'd', kind: 'sleep', hours: 7, day: '2025-03-13', loggedAt: '2025-03-13T07:00:00.000Z' });
    expect(await store.days(CHAT, 'water')).toEqual(['2025-03-14', '2025-03-12']);
    expect(await store.days(CHAT, 'sleep')).toEqual(['2025-03-13']);
    expect(await store.days(CHAT, 'workout')).toEqual([]);
  });

  it('keeps the chat\'s goals, and ignores junk in the hash', async () => {
    expect(await store.goals(CHAT)).toEqual({});
    await store.setGoal(CHAT, 'waterMl', 2500);
    await store.setGoal(CHAT, 'sleepHours', 7.5);
    await driver.call(['HSET', pulseKeys(createKeys(prefix), CHAT).goals, 'nonsense', '3', 'steps', 'many']);
    expect(await store.goals(CHAT)).toEqual({ waterMl: 2500, sleepHours: 7.5 });
  });

  it('keeps its keys under the bus\'s data keys for pulse', () => {
    expect(pulseKeys(createKeys('hive:'), CHAT).entries).toBe('hive:data:{pulse}:c1@c.us:entries');
    expect(pulseKeys(createKeys('hive:'), CHAT).days('water')).toBe('hive:data:{pulse}:c1@c.us:days:water');
  });

  it('undoes the newest entry once per message, and its day leaves the streak only when no other entry holds it', async () => {
    await store.record(CHAT, water('a', '2025-03-13'));
    await store.record(CHAT, water('b', '2025-03-14'));
    await store.record(CHAT, water('c', '2025-03-14'));
    await store.record(CHAT, { logId: 'd', kind: 'sleep', hours: 7, day: '2025-03-14', loggedAt: '2025-03-14T07:00:00.000Z' });
    expect((await store.undoLast(CHAT, 'u1'))?.logId).toBe('d');
    expect((await store.undoLast(CHAT, 'u1'))?.logId).toBe('d'); // a redelivery removes nothing more
    expect(await store.days(CHAT, 'sleep')).toEqual([]);
    expect((await store.undoLast(CHAT, 'u2'))?.logId).toBe('c');
    expect(await store.days(CHAT, 'water')).toEqual(['2025-03-14', '2025-03-13']); // "b" still holds the 14th
    expect((await store.undoLast(CHAT, 'u3'))?.logId).toBe('b');
    expect(await store.days(CHAT, 'water')).toEqual(['2025-03-13']);
    expect((await store.between(CHAT, '2025-03-01', '2025-03-31')).map((e) => e.logId)).toEqual(['a']);
    expect((await store.undoLast(CHAT, 'u4'))?.logId).toBe('a');
    expect(await store.undoLast(CHAT, 'u5')).toBeUndefined();
  });

  it('skips an entry whose JSON was damaged by hand', async () => {
    await store.record(CHAT, water('ok', '2025-03-14'));
    await store.record(CHAT, water('bad', '2025-03-14'));
    await driver.call(['HSET', pulseKeys(createKeys(prefix), CHAT).entries, 'bad', '{not json']);
    expect((await store.between(CHAT, '2025-03-14', '2025-03-14')).map((e) => e.logId)).toEqual(['ok']);
  });
});
