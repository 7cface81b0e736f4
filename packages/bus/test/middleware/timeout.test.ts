/**
 * The handler timeout: as a step (fails the call, aborts the signal, discards a late result), and
 * through a subscription on both drivers (retried like a throw, then dead-lettered; overridable;
 * switched off with `false`).
 */
import { describe, expect, it } from 'vitest';
import type { Handle } from '../../src/delivery.js';
import { HandlerTimeoutError } from '../../src/errors.js';
import { handlerTimeout } from '../../src/middleware/timeout.js';
import { subscriptionSettings } from '../../src/subscribe-options.js';
import { listDeadLetters } from '../../src/admin.js';
import { DEFAULT_HANDLER_TIMEOUT_MS, DRIVER_KINDS } from '../../src/index.js';
import { sleep, useBuses, useRedis, waitUntil } from '../helpers.js';
import { delivery, message } from './deliveries.js';

describe('handler timeout, as a step', () => {
  it('passes a result that comes in time through', async () => {
    const t = delivery([]);
    const handle: Handle = async () => [{ stream: 'out', type: 'o', data: 1 }];
    await expect(handlerTimeout(1_000)(handle)(message('in'), t.d)).resolves.toEqual([{ stream: 'out', type: 'o', data: 1 }]);
    expect(t.d.signal.aborted).toBe(false);
  });

  it('passes a failure that comes in time through', async () => {
    const handle: Handle = async () => {
      throw new Error('own failure');
    };
    await expect(handlerTimeout(1_000)(handle)(message('in'), delivery([]).d)).rejects.toThrow('own failure');
  });

  it('fails a handler past its time with HANDLER_TIMEOUT and aborts its signal with the same error', async () => {
    const t = delivery([]);
    let signal: AbortSignal | undefined;
    let finishedLate = false;
    const handle: Handle = async (_m, d) => {
      signal = d.signal; // taken before the timeout, as a handler passing it to fetch() would
      await sleep(300);
      finishedLate = true;
      return [{ stream: 'out', type: 'late', data: {} }];
    };
    const err = await handlerTimeout(50)(handle)(message('in'), t.d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandlerTimeoutError);
    expect(err).toMatchObject({ code: 'HANDLER_TIMEOUT', message: 'handler did not finish within 50 ms' });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(err);
    // Asked for after the timeout, the signal is aborted too.
    expect(t.d.signal.aborted).toBe(true);
    await sleep(350);
    expect(finishedLate).toBe(true); // it ran on, but its result went nowhere: the call had already failed
  });
});

describe('handler timeout, many calls under one timer', () => {
  it('times out each call at its own deadline, whichever finished before it', async () => {
    const step = handlerTimeout(100);
    const started = performance.now();
    const ended: Record<string, number> = {};
    const call = (name: string, runMs: number, startAfterMs: number) =>
      sleep(startAfterMs).then(() =>
        step(async () => (await sleep(runMs), []))(message('in'), delivery([]).d).then(
          () => (ended[name] = -1),
          (err: unknown) => (ended[name] = err instanceof HandlerTimeoutError ? performance.now() - started : -2),
        ),
      );
    // a: quick, the oldest; b and c hang, started 40 and 60 ms later: each times out 100 ms after its own start.
    await Promise.all([call('a', 10, 0), call('b', 1_000, 40), call('c', 1_000, 60)]);
    expect(ended.a).toBe(-1);
    expect(ended.b).toBeGreaterThanOrEqual(139);
    expect(ended.c).toBeGreaterThanOrEqual(159);
    expect(ended.c).toBeGreaterThan(ended.b!);
  });
});

const redis = useRedis();

describe.each(DRIVER_KINDS)('handler timeout through a subscription on %s', (kind) => {
  const { bus } = useBuses(kind, redis);

  it('applies the default of 5 minutes to a subscription that sets none', () => {
    expect(DEFAULT_HANDLER_TIMEOUT_MS).toBe(300_000);
    expect(subscriptionSettings({ stream: 'jobs', group: 'g', handler: () => undefined }).handlerTimeoutMs).toBe(DEFAULT_HANDLER_TIMEOUT_MS);
  });

  it('retries a hung handler like one that threw, then dead-letters it after maxDeliveries with the timeout as its last error', async () => {
    const b = await bus();
    const deliveries: number[] = [];
    const aborted: string[] = [];
    const sub = b.subscribe({
      stream: 'jobs',
      group: 'worker',
      handlerTimeoutMs: 100,
      maxDeliveries: 3,
      retry: { baseMs: 50, maxMs: 100, jitter: 0 },
      handler: (_m, ctx) =>
        new Promise<void>((resolve) => {
          deliveries.push(ctx.deliveryCount ?? -1);
          // Hangs until told to stop; the timeout is what tells it.
          ctx.signal.addEventListener('abort', () => {
            aborted.push((ctx.signal.reason as Error).message);
            resolve();
          });
        }),
    });
    await sub.ready;
    await b.publish('jobs', 'job.run', { n: 1 });
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'jobs')).length === 1, 15_000, 'a dead letter');
    const [dl] = await listDeadLetters(b.driver, b.keys, 'jobs');
    expect(dl).toMatchObject({ group: 'worker', reason: 'MAX_DELIVERIES', deliveryCount: 3 });
    expect(dl!.error).toContain('handler did not finish within 100 ms');
    expect(deliveries).toEqual([1, 2, 3]);
    expect(aborted).toEqual(Array(3).fill('handler did not finish within 100 ms'));
    const pending = (await b.driver.call(['XPENDING', b.keys.stream('jobs'), 'worker'])) as unknown[];
    expect(pending[0]).toBe(0);
  });

  it('does not publish or ack what a timed-out handler returns late, and a later delivery that is in time succeeds', async () => {
    const b = await bus();
    let calls = 0;
    const sub = b.subscribe({
      stream: 'jobs',
      group: 'worker',
      handlerTimeoutMs: 100,
      retry: { baseMs: 50, maxMs: 100, jitter: 0 },
      handler: async () => {
        calls++;
        // The first delivery ignores its signal and answers after its time; the second is quick.
        if (calls === 1) await sleep(400);
        return { stream: 'results', type: 'job.done', data: { attempt: calls } };
      },
    });
    await sub.ready;
    await b.publish('jobs', 'job.run', {});
    await waitUntil(async () => Number(await b.driver.call(['XLEN', b.keys.stream('results')])) >= 1, 10_000, 'a result');
    await sleep(600); // the first call has long returned by now
    const results = (await b.driver.call(['XRANGE', b.keys.stream('results'), '-', '+'])) as [string, string[]][];
    expect(results).toHaveLength(1);
    expect(results[0]![1]).toContain('{"attempt":2}');
    expect(calls).toBe(2);
    expect(await listDeadLetters(b.driver, b.keys, 'jobs')).toEqual([]);
  });

  it('lets a subscription set its own limit, or none with false', async () => {
    const b = await bus();
    const outcomes: Record<string, number> = {};
    b.observe({ handled: (e) => void (outcomes[`${e.group}:${e.outcome}`] = (outcomes[`${e.group}:${e.outcome}`] ?? 0) + 1) });
    const slow = () => sleep(300);
    const subs = [
      b.subscribe({ stream: 'jobs', group: 'strict', handlerTimeoutMs: 100, retry: { baseMs: 5_000 }, handler: slow }),
      b.subscribe({ stream: 'jobs', group: 'patient', handlerTimeoutMs: 2_000, handler: slow }),
      b.subscribe({ stream: 'jobs', group: 'unbounded', handlerTimeoutMs: false, handler: slow }),
    ];
    await Promise.all(subs.map((s) => s.ready));
    await b.publish('jobs', 'job.run', {});
    await waitUntil(() => Object.keys(outcomes).length === 3, 10_000, 'each group to settle once');
    expect(outcomes).toEqual({ 'strict:retried': 1, 'patient:acked': 1, 'unbounded:acked': 1 });
  });

  it('refuses a limit that is not a positive number of ms a timer can hold', async () => {
    const b = await bus();
    for (const bad of [0, -1, 1.5, 2 ** 31]) {
      expect(() => b.subscribe({ stream: 'jobs', group: 'g', handlerTimeoutMs: bad, handler: () => undefined })).toThrow(/handlerTimeoutMs must be a positive integer/);
    }
  });
});
