/**
 * Memory near maxmemory, on a real Redis: above 80% sentinel alerts once, naming the key families
 * that take the most memory (measured with MEMORY USAGE, grouped by the bus's key families), and
 * resolves once memory is back under the ratio.
 */
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSentinel } from '../src/agent.js';
import { familyUsage } from '../src/memory-families.js';

let redis: RedisServer;
const running: TestAgent[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
});
afterAll(async () => {
  await redis?.stop();
});

async function waitFor<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Alert = { alertId: string; status: string; summary: string; details: Record<string, number> };

describe('memory near maxmemory', () => {
  it('alerts above 80% naming the largest key families, and resolves when memory is back under', async () => {
    const prefix = randomPrefix('mem');
    const t = await createTestAgent(createSentinel({ catalogue: { streams: [] } }), { redis, prefix, env: { SENTINEL_POLL_MS: '100' } });
    running.push(t);
    const d = t.bus.driver;
    const k = t.bus.keys;
    // Three families of clearly different sizes: ledger's state, handled marks, one stream.
    const big = 'x'.repeat(2_000);
    for (let i = 0; i < 400; i++) await d.call(['HSET', k.data('ledger', `chat${i % 4}`, 'expenses'), `e${i}`, big]);
    for (let i = 0; i < 200; i++) await d.call(['ZADD', k.seen('intent.classified', 'box'), i, `m${i}-${'y'.repeat(200)}`]);
    // 20 kB: clearly above a stream of one alert (both 4.7 kB at 100 bytes an entry: a tie SCAN's order decided).
    for (let i = 0; i < 20; i++) await d.call(['XADD', k.stream('wa.inbound'), '*', 'data', 'z'.repeat(1_000)]);

    const report = await familyUsage(t.bus);
    expect(report.families.map((f) => f.family).slice(0, 3)).toEqual([k.dataPattern('ledger'), `${k.prefix}seen:{intent.classified}:*`, k.stream('wa.inbound')]);
    expect(report.families[0]).toMatchObject({ keys: 4 });
    expect(report.families[0]!.bytes).toBeGreaterThan(800_000);

    const used = Number(/used_memory:(\d+)/.exec(String(await d.call(['INFO', 'memory'])))![1]);
    await d.call(['CONFIG', 'SET', 'maxmemory', String(Math.round(used / 0.85))]);
    try {
      const firing = await waitFor('the memory alert', async () =>
        (await t.messages('ops.alert')).map((m) => m.data as Alert).find((a) => a.alertId === 'redis:memory' && a.status === 'firing'),
      );
      expect(firing.summary).toMatch(/^Redis uses 8\d% of its maxmemory \(.* MB of .* MB\); at 100% every write fails\. Largest: /);
      expect(firing.summary).toContain(`${k.dataPattern('ledger')} `);
      expect(firing.summary.indexOf(k.dataPattern('ledger'))).toBeLessThan(firing.summary.indexOf(`${k.prefix}seen:{intent.classified}:*`));
      expect(firing.details[`family:${k.dataPattern('ledger')}`]).toBeGreaterThan(800_000);
    } finally {
      await d.call(['CONFIG', 'SET', 'maxmemory', '0']);
    }
    await waitFor('the resolved notice', async () =>
      (await t.messages('ops.alert')).map((m) => m.data as Alert).find((a) => a.alertId === 'redis:memory' && a.status === 'resolved'),
    );
    expect((await t.messages('ops.alert')).filter((m) => (m.data as Alert).alertId === 'redis:memory')).toHaveLength(2);
  });
});
