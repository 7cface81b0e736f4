/**
 * Metrics: after a test's traffic, the Prometheus text scraped from the registry shows its counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBusMetrics, DRIVER_KINDS, encodeFields, UnrecoverableError, type Bus } from '../src/index.js';
import { makeBus, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

/** Prometheus text exposition as `name{label="v",...}` (labels sorted) -> value. */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels = (m[2] ?? '').match(/\w+="(?:[^"\\]|\\.)*"/g) ?? [];
    out.set(`${m[1]}{${labels.sort().join(',')}}`, Number(m[3]));
  }
  return out;
}

/** The sample of `name` with exactly these labels. */
const sample = (metrics: Map<string, number>, name: string, labels: Record<string, string>) =>
  metrics.get(`${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',')}}`);

describe.each(DRIVER_KINDS)('metrics on %s', (kind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('counts published, handled by outcome, retried, dead-lettered, duration, and reads lag, pending and dead letters', async () => {
    const b = await makeBus(kind, redis(), randomPrefix());
    open.push(b);
    const metrics = createBusMetrics({ redis: { driver: b.driver, keys: b.keys, streams: () => ['orders'] } });
    b.observe(metrics.observer);

    let okDone = 0;
    let flakyDone = 0;
    let failedOnce = false;
    const ok = b.subscribe<{ n: number }>({ stream: 'orders', group: 'ok', startAt: 'all', idempotent: true, handler: () => void okDone++ });
    const flaky = b.subscribe<{ n: number }>({
      stream: 'orders',
      group: 'flaky',
      startAt: 'all',
      retry: { baseMs: 20, maxMs: 50, jitter: 0 },
      handler: (m) => {
        if (m.data.n === 3 && !failedOnce) {
          failedOnce = true;
          throw new Error('try again');
        }
        if (m.data.n === 7) throw new UnrecoverableError('order 7 cannot exist');
        flakyDone++;
      },
    });
    await Promise.all([ok.ready, flaky.ready]);
    await b.driver.call(['XGROUP', 'CREATE', b.keys.stream('orders'), 'idle', '0']);

    const sent = await b.publishBatch(Array.from({ length: 10 }, (_, n) => ({ stream: 'orders', type: 'order.placed', data: { n } })));
    // A second entry with the first one's message id: "ok" (idempotent) skips it as a duplicate;
    // "flaky" handles it (n = 0 again). Written raw, so it is not counted as published.
    await b.driver.call(['XADD', b.keys.stream('orders'), '*', ...encodeFields({ type: 'order.placed', v: 1, id: sent[0]!.id, src: 'x', ts: 1, corr: 'c', cause: '', data: '{"n":0}' })]);
    await b.driver.call(['XREADGROUP', 'GROUP', 'idle', 'someone', 'COUNT', 2, 'STREAMS', b.keys.stream('orders'), '>']);
    await waitUntil(() => okDone === 10 && flakyDone === 10, 10_000, 'both groups done');
    await waitUntil(async () => Number(await b.driver.call(['XLEN', b.keys.deadLetters('orders', 'flaky')])) === 1, 5_000, 'the dead letter');
    // A delivery is counted once it settles, after its handler: and "ok" skips the 11th entry (the
    // duplicate) without running one, maybe after "flaky" has handled it. Wait for the counts.
    const orders = { stream: 'orders', type: 'order.placed' };
    const settled = (m: Map<string, number>) =>
      (sample(m, 'hive_handled_total', { ...orders, group: 'ok', outcome: 'acked' }) ?? 0) + (sample(m, 'hive_handled_total', { ...orders, group: 'ok', outcome: 'duplicate' }) ?? 0) === 11 &&
      (sample(m, 'hive_handled_total', { ...orders, group: 'flaky', outcome: 'acked' }) ?? 0) === 10;
    await waitUntil(async () => settled(parseExposition(await metrics.registry.metrics())), 5_000, 'every delivery counted');

    const text = await metrics.registry.metrics();
    const m = parseExposition(text);
    expect(sample(m, 'hive_published_total', orders)).toBe(10);
    expect(sample(m, 'hive_handled_total', { ...orders, group: 'ok', outcome: 'acked' })).toBe(10);
    expect(sample(m, 'hive_handled_total', { ...orders, group: 'ok', outcome: 'duplicate' })).toBe(1);
    expect(sample(m, 'hive_handled_total', { ...orders, group: 'flaky', outcome: 'acked' })).toBe(10);
    expect(sample(m, 'hive_handled_total', { ...orders, group: 'flaky', outcome: 'retried' })).toBe(1);
    expect(sample(m, 'hive_handled_total', { ...orders, group: 'flaky', outcome: 'dead_lettered' })).toBe(1);
    expect(sample(m, 'hive_retried_total', { stream: 'orders', group: 'flaky' })).toBe(1);
    expect(sample(m, 'hive_dead_lettered_total', { stream: 'orders', group: 'flaky', reason: 'UNRECOVERABLE' })).toBe(1);
    expect(sample(m, 'hive_dead_lettered_total', { stream: 'orders', group: 'ok', reason: 'UNRECOVERABLE' })).toBeUndefined();
    // Durations of handler runs that finished (acked or retried); the duplicate never ran one.
    expect(sample(m, 'hive_handle_duration_seconds_count', { stream: 'orders', group: 'ok' })).toBe(10);
    expect(sample(m, 'hive_handle_duration_seconds_count', { stream: 'orders', group: 'flaky' })).toBe(11);
    // Read from Redis at scrape time: 11 entries; "idle" read 2 (pending) and has 9 to go.
    expect(sample(m, 'hive_group_lag', { stream: 'orders', group: 'idle' })).toBe(9);
    expect(sample(m, 'hive_group_pending', { stream: 'orders', group: 'idle' })).toBe(2);
    await waitUntil(async () => sample(parseExposition(await metrics.registry.metrics()), 'hive_group_pending', { stream: 'orders', group: 'ok' }) === 0, 2_000, 'acks flushed');
    const again = parseExposition(await metrics.registry.metrics());
    expect(sample(again, 'hive_group_lag', { stream: 'orders', group: 'ok' })).toBe(0);
    expect(sample(again, 'hive_group_pending', { stream: 'orders', group: 'flaky' })).toBe(0);
    expect(sample(again, 'hive_dead_letters', { stream: 'orders' })).toBe(1);
    expect(text).toContain('# TYPE hive_handled_total counter');
  });
});
