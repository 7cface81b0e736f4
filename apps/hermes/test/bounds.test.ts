/**
 * BullMQ's keys stay bounded on a real Redis: finished jobs are removed beyond the count (and after
 * the age), and the queue's events stream is capped; only the owner's pending reminders remain.
 */
import { createKeys } from '@hive/bus';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, BULLMQ_BOUNDS, QUEUE_NAME, startTimers, type Firing } from '../src/timers.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('BullMQ bounds', () => {
  it('keeps at most `count` finished jobs and about `eventsMaxLen` events, whatever fired', async () => {
    const keys = createKeys(randomPrefix('hermes'));
    const fired: Firing[] = [];
    const timers = await startTimers({
      url: redis.url,
      keys,
      onDue: async (f) => void fired.push(f),
      bounds: { completed: { age: 3_600, count: 3 }, failed: { age: 3_600, count: 3 }, eventsMaxLen: 20 },
    });
    const r = new Redis(redis.url);
    try {
      for (let i = 0; i < 40; i++) {
        await timers.scheduleOnce({ chatId: 'c@c.us', reminderId: `rem_${i}`, text: `t${i}`, kind: 'reminder', timeZone: 'UTC' }, new Date());
      }
      const deadline = Date.now() + 20_000;
      while (fired.length < 40 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      expect(fired).toHaveLength(40);
      const base = `${bullPrefix(keys)}:${QUEUE_NAME}`;
      await new Promise((res) => setTimeout(res, 300));
      expect(await r.zcard(`${base}:completed`)).toBeLessThanOrEqual(3);
      const jobHashes = (await r.keys(`${base}:rem_*`)).filter((k) => !k.includes(':lock') && !k.includes(':logs'));
      expect(jobHashes.length).toBeLessThanOrEqual(3);
      // XADD … MAXLEN ~ 20: approximate, a node (100 entries by default) at most.
      expect(await r.xlen(`${base}:events`)).toBeLessThanOrEqual(20 + 100);
      expect(await r.hget(`${base}:meta`, 'opts.maxLenEvents')).toBe('20');
    } finally {
      await timers.close();
      r.disconnect();
    }
    expect(BULLMQ_BOUNDS).toMatchObject({ completed: { count: 5_000 }, failed: { count: 1_000 }, eventsMaxLen: 1_000 });
  }, 60_000);
});
