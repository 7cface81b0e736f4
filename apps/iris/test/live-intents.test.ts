/** The registry reading iris routes by: the first one waited for, later ones refreshed behind the answer. */
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { startHeartbeat } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { iris } from '../src/agent.js';
import { liveIntentsOf } from '../src/live-intents.js';

let redis: RedisServer;
let t: TestAgent | undefined;
const quiet = { warn: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name);

describe('live intents', () => {
  it('answers a stale reading at once and fetches a fresh one behind it', async () => {
    t = await createTestAgent(iris, { redis });
    const live = liveIntentsOf(t.bus, quiet, 100);
    const first = await live.get();
    expect(names(first)).not.toContain('weather');
    const beat = await startHeartbeat(t.bus.driver, t.bus.keys, {
      name: 'weather',
      instance: 'weather-1',
      version: '0.1.0',
      reads: ['intent.classified'],
      writes: ['wa.outbound'],
      intents: [{ name: 'weather', description: 'The weather forecast for a place', examples: ['weather in Berlin'] }],
    });
    try {
      // Within the TTL: the reading is not read again.
      expect(names(await live.get())).not.toContain('weather');
      await sleep(150);
      // Past it: the old reading comes back without waiting for the registry, which already has the agent…
      expect(names(await live.get())).not.toContain('weather');
      // …and the fresh one, fetched behind it, is there for the next message.
      let seen = false;
      for (let i = 0; i < 100 && !seen; i++) {
        seen = names(await live.get()).includes('weather');
        if (!seen) await sleep(20);
      }
      expect(seen).toBe(true);
    } finally {
      await beat.stop();
    }
  });
});
