/**
 * The registry reading iris routes by, on a real Redis: a message waits for the registry only before
 * the first reading; after that a stale reading is used at once while the next is read in the
 * background, one read at a time. The reads are the real listAgents, counted and held at will; the
 * clock is the test's, so "stale" needs no sleeping.
 */
import { READ_AHEAD_DELAY_MS } from '@hive/agent';
import { createTestAgent, heldRegistryReads, type TestAgent, within } from '@hive/agent/testing';
import { startHeartbeat, type Heartbeat } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { iris } from '../src/agent.js';
import type { DeclaredIntent } from '../src/domain/declared.js';
import { createLiveIntents, LIVE_INTENTS_MAX_STALE_MS, LIVE_INTENTS_TTL_MS, liveIntentsOf } from '../src/live-intents.js';

const TTL_MS = LIVE_INTENTS_TTL_MS;
/** Between TTL_MS and the age at which a reading is no longer used. */
const LATER_MS = (LIVE_INTENTS_MAX_STALE_MS - LIVE_INTENTS_TTL_MS) / 2;
let redis: RedisServer;
let t: TestAgent | undefined;
let beat: Heartbeat | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await beat?.stop();
  beat = undefined;
  await t?.stop();
  t = undefined;
});

const names = (intents: readonly DeclaredIntent[]) => intents.map((i) => i.name);

function weatherAgent(agent: TestAgent): Promise<Heartbeat> {
  return startHeartbeat(agent.bus.driver, agent.bus.keys, {
    name: 'weather',
    instance: 'weather-1',
    version: '0.1.0',
    reads: ['intent.classified'],
    writes: ['wa.outbound'],
    intents: [{ name: 'weather', description: 'The weather forecast for a place', examples: ['weather in Berlin'] }],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** By default the read ahead in the stale call itself; the delay iris runs with has its own tests below. */
async function setUp(aheadDelayMs = 0) {
  t = await createTestAgent(iris, { redis });
  const reads = heldRegistryReads(t.bus);
  const clock = { now: 1_000_000 };
  const live = createLiveIntents({ read: reads.read, log: { warn: () => {} }, ttlMs: TTL_MS, aheadDelayMs, now: () => clock.now });
  return { agent: t, reads, live, clock };
}

describe('live intents', () => {
  it('makes the first call wait for the first reading, and reads once for calls made together', async () => {
    const { agent, reads, live } = await setUp();
    beat = await weatherAgent(agent);
    reads.hold();
    const first = live.get();
    const second = live.get();
    await expect(within(first, 200)).rejects.toThrow(/still waiting/);
    reads.release();
    expect(names(await first)).toContain('weather');
    expect(names(await second)).toContain('weather');
    expect(reads.started).toBe(1);
  });

  it('answers a stale call with the reading at hand without waiting, and a later call with the one read behind it', async () => {
    const { agent, reads, live, clock } = await setUp();
    expect(names(await live.get())).not.toContain('weather');
    beat = await weatherAgent(agent);
    clock.now += TTL_MS - 1;
    expect(names(await live.get())).not.toContain('weather');
    expect(reads.started).toBe(1);

    clock.now += 1;
    reads.hold();
    // Stale, and the registry now declares weather; the read is held, so a call waiting for it would not settle.
    expect(names(await within(live.get()))).not.toContain('weather');
    expect(reads.started).toBe(2);
    reads.release();
    await expect.poll(async () => names(await live.get())).toContain('weather');
    expect(reads.started).toBe(2);
  });

  it('runs one background read at a time, however many stale calls come in meanwhile', async () => {
    const { agent, reads, live, clock } = await setUp();
    await live.get();
    beat = await weatherAgent(agent);
    clock.now += TTL_MS;
    reads.hold();
    const during = await within(Promise.all(Array.from({ length: 5 }, () => live.get())));
    expect(during.map(names).every((n) => !n.includes('weather'))).toBe(true);
    clock.now += LATER_MS;
    await within(live.get());
    expect(reads.started).toBe(2);
    reads.release();
    await expect.poll(async () => names(await live.get())).toContain('weather');
    expect(reads.started).toBe(2);
    // Once that read has ended and its reading is stale in turn, the next one starts.
    clock.now += TTL_MS;
    await live.get();
    expect(reads.started).toBe(3);
  });

  it('starts the read ahead READ_AHEAD_DELAY_MS after the stale call, not on its message\'s path', async () => {
    const { agent, reads, live, clock } = await setUp(READ_AHEAD_DELAY_MS);
    await live.get();
    beat = await weatherAgent(agent);
    clock.now += TTL_MS;
    const calledAt = performance.now();
    expect(names(await live.get())).not.toContain('weather');
    expect(names(await live.get())).not.toContain('weather');
    // No timer can fire inside those two calls: nothing was read for them yet.
    expect(reads.started).toBe(1);
    await expect.poll(() => reads.started).toBe(2);
    expect(performance.now() - calledAt).toBeGreaterThanOrEqual(READ_AHEAD_DELAY_MS - 1);
    await expect.poll(async () => names(await live.get())).toContain('weather');
    // One read for the two stale calls.
    expect(reads.started).toBe(2);
  });

  it('forgets a read ahead still waiting once closed', async () => {
    const { reads, live, clock } = await setUp(READ_AHEAD_DELAY_MS);
    await live.get();
    clock.now += TTL_MS;
    await live.get();
    live.close();
    await sleep(READ_AHEAD_DELAY_MS * 2);
    expect(reads.started).toBe(1);
  });

  it('says nothing of a read ahead that came due after its bus closed', async () => {
    t = await createTestAgent(iris, { redis });
    const warnings: string[] = [];
    // A reading 1 ms old is stale: the second call leaves a read ahead due in READ_AHEAD_DELAY_MS.
    const live = liveIntentsOf(t.bus, { warn: (_: unknown, msg?: string) => warnings.push(msg ?? '') }, 1);
    await live.get();
    await sleep(5);
    await live.get();
    await t.stop();
    t = undefined;
    await sleep(READ_AHEAD_DELAY_MS * 2);
    expect(warnings).toEqual([]);
  });

  it('waits for the next reading when the one at hand is too old to trust', async () => {
    const { agent, reads, live, clock } = await setUp();
    await live.get();
    beat = await weatherAgent(agent);
    clock.now += LIVE_INTENTS_MAX_STALE_MS;
    reads.hold();
    const call = live.get();
    await expect(within(call, 200)).rejects.toThrow(/still waiting/);
    reads.release();
    expect(names(await call)).toContain('weather');
    expect(reads.started).toBe(2);
  });
});

describe('live intents when the registry cannot be read', () => {
  it('keeps the last good reading, and says so once per outage', async () => {
    const warnings: string[] = [];
    const clock = { now: 1_000_000 };
    let down = false;
    let reads = 0;
    const live = createLiveIntents({
      read: async () => {
        reads++;
        if (down) throw new Error('connection refused');
        const intents = [{ name: 'weather', description: 'Forecasts', examples: [] }];
        return [{ name: 'weather', instance: '1', version: '1', host: 'h', pid: 1, reads: [], writes: [], startedAt: 0, lastSeen: 0, status: 'running' as const, intents }];
      },
      log: { warn: (_: unknown, msg?: string) => warnings.push(msg ?? '') },
      ttlMs: TTL_MS,
      now: () => clock.now,
    });
    expect(names(await live.get())).toEqual(['weather']);
    down = true;
    for (let i = 0; i < 3; i++) {
      clock.now += TTL_MS;
      // Each stale reading starts one read, once the one before it has failed.
      await expect.poll(async () => (await live.get(), reads)).toBe(2 + i);
      expect(names(await live.get())).toEqual(['weather']);
    }
    await expect.poll(() => warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/cannot read the registry/);
  });
});
