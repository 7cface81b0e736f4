/**
 * Whether an intent is served, on a real Redis: "served" comes from the reading at hand even when it
 * is stale, while the next is read in the background, one read at a time; "not served" is always read
 * afresh. The reads are the real listAgents, counted and held at will; the clock is the test's, so
 * "stale" needs no sleeping.
 */
import { READ_AHEAD_DELAY_MS } from '@hive/agent';
import { createTestAgent, heldRegistryReads, type TestAgent, within } from '@hive/agent/testing';
import type { AgentRecord } from '@hive/bus/admin';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAtlas } from '../src/agent.js';
import { createServedIntents, SERVED_MAX_STALE_MS, SERVED_TTL_MS } from '../src/served.js';

let redis: RedisServer;
let t: TestAgent | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await redis?.stop();
});

/** Put a record in the registry as a running agent's heartbeat would, serving `intent`. */
async function register(agent: TestAgent, name: string, intent: string) {
  const now = Date.now();
  const record: AgentRecord = { name, instance: '0', version: '1.0.0', host: 'test', pid: 1, reads: [], writes: [], startedAt: now, lastSeen: now, status: 'running', intents: [{ name: intent, description: intent, examples: [] }] };
  await agent.bus.driver.call(['SET', agent.bus.keys.agent(name, '0'), JSON.stringify(record), 'PX', 60_000]);
  await agent.bus.driver.call(['ZADD', agent.bus.keys.agentIndex(), now + 60_000, `${name}:0`]);
}

/** Take an agent's record out of the registry, as its stop does. */
async function unregister(agent: TestAgent, name: string) {
  await agent.bus.driver.call(['DEL', agent.bus.keys.agent(name, '0')]);
  await agent.bus.driver.call(['ZREM', agent.bus.keys.agentIndex(), `${name}:0`]);
}

/** By default the read ahead in the stale call itself; the delay atlas runs with has its own tests below. */
async function setUp(aheadDelayMs = 0) {
  t = await createTestAgent(createAtlas(), { redis });
  const reads = heldRegistryReads(t.bus);
  const clock = { now: 1_000_000 };
  const served = createServedIntents({ read: reads.read, log: { warn: () => {} }, aheadDelayMs, now: () => clock.now });
  return { agent: t, reads, served, clock };
}

describe('served intents', () => {
  it('answers "served" from a stale reading without waiting, and later calls from the one read behind it', async () => {
    const { agent, reads, served, clock } = await setUp();
    await register(agent, 'weather', 'weather');
    expect(await served.isServed('weather')).toBe(true);
    expect(reads.started).toBe(1);
    // The registry changes: weather stops, news starts.
    await unregister(agent, 'weather');
    await register(agent, 'news', 'news');

    clock.now += SERVED_TTL_MS;
    reads.hold();
    // The read is held: a call waiting for it would not settle.
    expect(await within(served.isServed('weather'))).toBe(true);
    expect(reads.started).toBe(2);
    reads.release();
    await expect.poll(() => reads.ended).toBe(2);
    // The reading read behind it says news is served: no read for that.
    expect(await served.isServed('news')).toBe(true);
    expect(reads.started).toBe(2);
    // ...and weather is not: read afresh, and not served.
    expect(await served.isServed('weather')).toBe(false);
    expect(reads.started).toBe(3);
  });

  it('runs one background read at a time, however many stale calls come in meanwhile', async () => {
    const { agent, reads, served, clock } = await setUp();
    await register(agent, 'weather', 'weather');
    await served.isServed('weather');
    clock.now += SERVED_TTL_MS;
    reads.hold();
    const during = await within(Promise.all(Array.from({ length: 5 }, () => served.isServed('weather'))));
    expect(during).toEqual([true, true, true, true, true]);
    // Older, still under SERVED_MAX_STALE_MS: answered at once, no second read.
    clock.now += (SERVED_MAX_STALE_MS - SERVED_TTL_MS) / 2;
    expect(await within(served.isServed('weather'))).toBe(true);
    expect(reads.started).toBe(2);
    reads.release();
    await expect.poll(() => reads.ended).toBe(2);
    // Once that read has ended and its reading is stale in turn, the next one starts.
    clock.now += SERVED_TTL_MS;
    await served.isServed('weather');
    expect(reads.started).toBe(3);
  });

  it('starts the read ahead READ_AHEAD_DELAY_MS after the stale call, not on its message\'s path', async () => {
    const { agent, reads, served, clock } = await setUp(READ_AHEAD_DELAY_MS);
    await register(agent, 'weather', 'weather');
    expect(await served.isServed('weather')).toBe(true);
    await register(agent, 'news', 'news');
    clock.now += SERVED_TTL_MS;
    const calledAt = performance.now();
    expect(await served.isServed('weather')).toBe(true);
    expect(await served.isServed('weather')).toBe(true);
    // No timer can fire inside those two calls: nothing was read for them yet.
    expect(reads.started).toBe(1);
    await expect.poll(() => reads.ended).toBe(2);
    expect(performance.now() - calledAt).toBeGreaterThanOrEqual(READ_AHEAD_DELAY_MS - 1);
    // One read for the two stale calls, and what it read answers: news is served, no read for it.
    expect(reads.started).toBe(2);
    expect(await served.isServed('news')).toBe(true);
    expect(reads.started).toBe(2);
  });

  it('forgets a read ahead still waiting once closed', async () => {
    const { agent, reads, served, clock } = await setUp(READ_AHEAD_DELAY_MS);
    await register(agent, 'weather', 'weather');
    await served.isServed('weather');
    clock.now += SERVED_TTL_MS;
    expect(await served.isServed('weather')).toBe(true);
    served.close();
    await new Promise((r) => setTimeout(r, READ_AHEAD_DELAY_MS * 2));
    expect(reads.started).toBe(1);
  });

  it('reads "not served" afresh, even with a reading just made', async () => {
    const { agent, reads, served } = await setUp();
    expect(await served.isServed('news')).toBe(false);
    await register(agent, 'news', 'news');
    reads.hold();
    const call = served.isServed('news');
    await expect(within(call, 200)).rejects.toThrow(/still waiting/);
    reads.release();
    expect(await call).toBe(true);
    expect(reads.started).toBe(2);
  });

  it('reads "served" afresh when the reading at hand is too old to trust', async () => {
    const { agent, reads, served, clock } = await setUp();
    await register(agent, 'weather', 'weather');
    await served.isServed('weather');
    await unregister(agent, 'weather');
    clock.now += SERVED_MAX_STALE_MS;
    reads.hold();
    const call = served.isServed('weather');
    await expect(within(call, 200)).rejects.toThrow(/still waiting/);
    reads.release();
    expect(await call).toBe(false);
  });
});
