/**
 * Redis frozen (SIGSTOP) past the stalled-loop limit, then woken (SIGCONT): the agent's read loops
 * waited on Redis, not on a fault of their own, so the agent keeps its place in the registry.
 *
 * The chaos run's `redis-pause` found the opposite (CHAOS.md, finding 5): the liveness check whose
 * PING was in flight when Redis woke saw the PING answered and the loop not yet turned, withheld the
 * heartbeat (its record deleted), and atlas, reading the registry a moment later, answered "nothing
 * handles *schedule* is running" for the reminders hermes was answering: two answers to one message.
 * Here the probe timeout is longer than the freeze, so that check straddles the wake every time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, type Bus } from '@hive/bus';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { startAgent, type AgentHandle } from '../src/index.js';
import { memoryLogger } from '../src/testing.js';
import { echo } from './fixtures/agents.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('an agent while Redis is frozen and after', () => {
  let redis: RedisServer;
  let agent: AgentHandle | undefined;
  let watcher: Bus;
  const prefix = randomPrefix('frz');
  const logs = memoryLogger();

  beforeAll(async () => {
    redis = await startRedis();
    watcher = await createBus({ url: redis.url, prefix, source: 'watcher', logger: memoryLogger() });
    agent = await startAgent(echo, {
      env: { REDIS_URL: redis.url, HIVE_PREFIX: prefix, HIVE_HTTP_PORT: '0', HIVE_HTTP_HOST: '127.0.0.1', HIVE_INSTANCE: 'frozen' },
      logger: logs,
      // The record outlives the freeze by TTL: only a withheld heartbeat can remove it.
      heartbeat: { intervalMs: 200, ttlMs: 600_000 },
      liveness: { stalledLoopMs: 1_000, checkEveryMs: 250 },
      probeTimeoutMs: 10_000,
      streamDefaults: { blockMs: 100 },
    });
  });
  afterAll(async () => {
    if (redis?.pid !== undefined) process.kill(redis.pid, 'SIGCONT');
    await agent?.stop();
    await watcher?.close();
    await redis?.stop();
  });

  it('keeps its registry record through a freeze longer than the stalled-loop limit', async () => {
    const key = watcher.keys.agent('echo', 'frozen');
    expect(await watcher.driver.call(['GET', key])).not.toBeNull();

    const pid = redis.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      await sleep(2_500); // 2.5 × the stalled-loop limit: every loop looks dead by then
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    // Eight check intervals after the wake: the record is there at every look.
    let looks = 0;
    let missing = 0;
    for (const until = Date.now() + 2_000; Date.now() < until; looks++) {
      if ((await watcher.driver.call(['GET', key])) === null) missing++;
      await sleep(25);
    }
    expect(looks).toBeGreaterThan(0);
    expect(missing).toBe(0);
    expect(logs.lines.filter((l) => l.msg?.includes('withholding its heartbeat'))).toEqual([]);
    expect(agent!.liveness().live).toBe(true);
  });
});
