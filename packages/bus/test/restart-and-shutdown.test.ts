/**
 * Conformance: a restarted consumer with the same (stable) name drains its own pending entries
 * before new ones; graceful shutdown with work in flight loses nothing and handles nothing twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_KINDS, type Bus } from '../src/index.js';
import { startConsumerChild, type Child } from './child.js';
import { makeBus, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('restart and shutdown on %s', (kind) => {
  const open: Bus[] = [];
  const children: Child[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const child = (env: Record<string, string>) => {
    const c = startConsumerChild({ REDIS_URL: redis().url, DRIVER: kind, ...env });
    children.push(c);
    return c;
  };

  it('a restarted consumer with the same name handles its own pending entries first', async () => {
    const prefix = randomPrefix();
    const b = await makeBus(kind, redis(), prefix);
    open.push(b);
    const first = child({ PREFIX: prefix, STREAM: 'q', GROUP: 'g', CONSUMER: 'box@host#0', CONCURRENCY: '5', HANDLER_MS: '60000' });
    await first.waitFor((l) => l === 'ready', 20_000, 'ready');
    const old = (await b.publishBatch(Array.from({ length: 5 }, (_, i) => ({ stream: 'q', type: 'demo.n', data: { old: i } })))).map((r) => r.id);
    await waitUntil(() => first.lines.filter((l) => l.startsWith('start ')).length === 5, 10_000, '5 started');
    first.proc.kill('SIGKILL');
    await first.exited;
    const fresh = (await b.publishBatch(Array.from({ length: 5 }, (_, i) => ({ stream: 'q', type: 'demo.n', data: { fresh: i } })))).map((r) => r.id);

    const order: string[] = [];
    const again = b.subscribe({ stream: 'q', group: 'g', consumer: 'box@host#0', concurrency: 1, handler: (m) => void order.push(m.id) });
    await again.ready;
    await waitUntil(() => order.length === 10, 10_000, 'all 10');
    expect(order.slice(0, 5)).toEqual(old);
    expect(order.slice(5)).toEqual(fresh);
  }, 40_000);

  it('shutdown with 50 messages in flight: none lost, none handled twice, exits within its bound', async () => {
    const prefix = randomPrefix();
    const b = await makeBus(kind, redis(), prefix);
    open.push(b);
    const c = child({ PREFIX: prefix, STREAM: 'sd', GROUP: 'g', CONSUMER: 'a', CONCURRENCY: '50', HANDLER_MS: '800', SHUTDOWN_TIMEOUT_MS: '10000' });
    await c.waitFor((l) => l === 'ready', 20_000, 'ready');
    const sent = (await b.publishBatch(Array.from({ length: 80 }, (_, i) => ({ stream: 'sd', type: 'demo.n', data: { i } })))).map((r) => r.id);
    await waitUntil(() => c.lines.filter((l) => l.startsWith('start ')).length >= 50, 10_000, '50 in flight');
    c.proc.kill('SIGTERM');
    const exit = await c.exited;
    expect(exit.code).toBe(0);
    const closedIn = Number(c.lines.find((l) => l.startsWith('closed '))!.split(' ')[1]);
    const started = c.lines.filter((l) => l.startsWith('start ')).length;
    const done = c.lines.filter((l) => l.startsWith('done ')).length;
    console.log(`[${kind}] shutdown: ${started} started, ${done} finished, closed in ${closedIn} ms (bound 10000)`);
    expect(done).toBe(started); // every running handler finished and was acked
    expect(started).toBe(50); // nothing new was read after the stop began
    expect(closedIn).toBeLessThan(10_000);

    // A second consumer takes the rest; every message is handled exactly once across both.
    const c2 = child({ PREFIX: prefix, STREAM: 'sd', GROUP: 'g', CONSUMER: 'b', CONCURRENCY: '50', HANDLER_MS: '0' });
    await c2.waitFor((l) => l === 'ready', 20_000, 'second ready');
    // The fixture records each in two keys, by two commands: on a cluster they sit in two slots and
    // are sent apart, so the set may be full before the last counts land. Wait for both.
    const recorded = async (cmd: string, key: string) => Number(await b.driver.call([cmd, `${prefix}${key}`]));
    await waitUntil(async () => (await recorded('SCARD', 'handled:g')) === 80 && (await recorded('HLEN', 'count:g')) === 80, 20_000, 'all 80 handled');
    const counts = (await b.driver.call(['HGETALL', `${prefix}count:g`])) as string[];
    const perId = new Map<string, number>();
    for (let i = 0; i < counts.length; i += 2) perId.set(counts[i]!, Number(counts[i + 1]));
    expect(new Set(perId.keys())).toEqual(new Set(sent));
    expect([...perId.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  it('shutdown that times out leaves unfinished entries pending; another consumer handles them', async () => {
    const prefix = randomPrefix();
    const b = await makeBus(kind, redis(), prefix);
    open.push(b);
    const c = child({ PREFIX: prefix, STREAM: 'to', GROUP: 'g', CONSUMER: 'slow', CONCURRENCY: '5', HANDLER_MS: '30000', SHUTDOWN_TIMEOUT_MS: '300', CLAIM_IDLE_MS: '800' });
    await c.waitFor((l) => l === 'ready', 20_000, 'ready');
    const sent = (await b.publishBatch(Array.from({ length: 5 }, (_, i) => ({ stream: 'to', type: 'demo.n', data: { i } })))).map((r) => r.id);
    await waitUntil(() => c.lines.filter((l) => l.startsWith('start ')).length === 5, 10_000, '5 in flight');
    c.proc.kill('SIGTERM');
    const exit = await c.exited;
    expect(exit.code).toBe(0);
    expect(c.lines.filter((l) => l.startsWith('done ')).length).toBe(0);
    const pending = (await b.driver.call(['XPENDING', b.keys.stream('to'), 'g'])) as unknown[];
    expect(pending[0]).toBe(5); // handed back, not acked, not lost
    const got: string[] = [];
    const s = b.subscribe({ stream: 'to', group: 'g', consumer: 'rescuer', claimIdleMs: 800, concurrency: 5, handler: (m) => void got.push(m.id) });
    await s.ready;
    await waitUntil(() => got.length === 5, 10_000, 'rescued');
    expect(new Set(got)).toEqual(new Set(sent));
  }, 40_000);
});
