/**
 * Conformance: retries with growing backoff, maxDeliveries to the dead letters, UnrecoverableError.
 */
import { describe, expect, it } from 'vitest';
import { DRIVER_KINDS, UnrecoverableError, envelopeFields, fieldsToObject } from '../src/index.js';
import { xrange } from '../src/admin.js';
import { sleep, useBuses, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('retries on %s', (kind) => {
  const { bus } = useBuses(kind, redis);

  it('retries a failing handler; it succeeds on the 3rd delivery and the gaps grow', async () => {
    const b = await bus();
    const attempts: { at: number; deliveryCount: number | undefined }[] = [];
    let handled = 0;
    const sub = b.subscribe({
      stream: 'r',
      group: 'g',
      retry: { baseMs: 200, maxMs: 5_000, jitter: 0 },
      handler: (_m, ctx) => {
        attempts.push({ at: Date.now(), deliveryCount: ctx.deliveryCount });
        if (attempts.length < 3) throw new Error(`boom ${attempts.length}`);
        handled++;
      },
    });
    await sub.ready;
    await b.publish('r', 'demo.n', { n: 1 });
    await waitUntil(() => handled === 1, 10_000, 'handled on the 3rd delivery');
    expect(attempts.map((a) => a.deliveryCount)).toEqual([1, 2, 3]);
    const gap1 = attempts[1]!.at - attempts[0]!.at;
    const gap2 = attempts[2]!.at - attempts[1]!.at;
    console.log(`[${kind}] retry gaps: ${gap1} ms, ${gap2} ms`);
    // backoff 200 ms then 400 ms (jitter 0): each gap is at least its delay, and the second is longer
    expect(gap1).toBeGreaterThanOrEqual(200);
    expect(gap2).toBeGreaterThanOrEqual(400);
    expect(gap2).toBeGreaterThan(gap1);
    const pending = (await b.driver.call(['XPENDING', b.keys.stream('r'), 'g'])) as unknown[];
    expect(pending[0]).toBe(0);
  });

  it('an idle subscription does not poll for retries; one that failed does until the retry is handled', async () => {
    const b = await bus();
    let attempts = 0;
    // baseMs 100: while retries are watched the pass runs every 25 ms.
    const sub = b.subscribe({
      stream: 'r',
      group: 'g',
      retry: { baseMs: 100, maxMs: 200, jitter: 0 },
      handler: () => {
        if (++attempts === 1) throw new Error('once');
      },
    });
    await sub.ready;
    const xpendingCalls = async () => {
      const info = String(await b.driver.call(['INFO', 'commandstats']));
      return Number(/cmdstat_xpending:calls=(\d+)/.exec(info)?.[1] ?? 0);
    };
    await sleep(300); // past the passes every new subscription runs once
    await b.driver.call(['CONFIG', 'RESETSTAT']);
    await sleep(5_500);
    // First the retry pass asked every 25 ms (about 200 XPENDING here) and the redrive pass once a
    // second; then an idle retry pass asked every 4-5 s (2 or 4 here). Now nothing of ours is owed: none.
    expect(await xpendingCalls()).toBe(0);
    await b.publish('r', 'demo.n', { n: 1 });
    await waitUntil(() => attempts === 2, 5_000, 'the failed delivery retried');
  });

  it('an ack Redis did not take: the entry comes back after its backoff, at the loop\'s next turn (the retry pass watches for it), not after claimIdleMs', async () => {
    const b = await bus();
    const seen = b.keys.seen('ackfail', 'g');
    const wrongType = async () => Number(/errorstat_WRONGTYPE:count=(\d+)/.exec(String(await b.driver.call(['INFO', 'errorstats'])))?.[1] ?? 0);
    const before = await wrongType();
    let attempts = 0;
    const sub = b.subscribe({
      stream: 'ackfail',
      group: 'g',
      idempotent: true, // the handled mark goes with the ack, in one script: when the mark fails, so does the ack
      claimIdleMs: 60_000, // the reclaim pass would take a minute: it is not what brings the entry back
      blockMs: 500, // the ack fails while the loop waits in its next read: it sees the watch when that read ends
      retry: { baseMs: 100, maxMs: 200, jitter: 0 },
      handler: async () => {
        // After the duplicate check, before the mark: a string where the marks' sorted set belongs.
        if (++attempts === 1) await b.driver.call(['SET', seen, 'not a sorted set']);
      },
    });
    await sub.ready;
    await b.publish('ackfail', 'demo.n', { n: 1 });
    await waitUntil(async () => (await wrongType()) > before, 5_000, 'the mark and its ack refused (WRONGTYPE)');
    expect(attempts).toBe(1);
    await b.driver.call(['DEL', seen]);
    // Its mark was not written either: delivered again, its handler runs again, and this time both are written.
    await waitUntil(() => attempts === 2, 3_000, 'handled again after its backoff');
    await waitUntil(async () => ((await b.driver.call(['XPENDING', b.keys.stream('ackfail'), 'g'])) as unknown[])[0] === 0, 3_000, 'acked');
  });

  it('dead-letters after maxDeliveries with its reason; later messages keep flowing', async () => {
    const b = await bus();
    const ok: number[] = [];
    let poisonAttempts = 0;
    const sub = b.subscribe<{ n: number }>({
      stream: 'm',
      group: 'g',
      maxDeliveries: 3,
      retry: { baseMs: 50, maxMs: 200, jitter: 0 },
      handler: (m) => {
        if (m.data.n === 0) {
          poisonAttempts++;
          throw new Error('cannot handle zero');
        }
        ok.push(m.data.n);
      },
    });
    await sub.ready;
    const poison = await b.publish('m', 'demo.n', { n: 0 });
    for (let n = 1; n <= 20; n++) await b.publish('m', 'demo.n', { n });
    await waitUntil(() => ok.length === 20, 10_000, 'the 20 good messages');
    await waitUntil(async () => Number(await b.driver.call(['XLEN', b.keys.deadLetters('m', 'g')])) === 1, 10_000, 'one dead letter');
    expect(poisonAttempts).toBe(3);
    const [dl] = await xrange(b.driver, b.keys.deadLetters('m', 'g'), '-', '+');
    const f = fieldsToObject(dl!.fields);
    expect(f).toMatchObject({
      'dl.stream': 'm',
      'dl.entry': poison.entryId,
      'dl.group': 'g',
      'dl.deliveries': '3',
      'dl.reason': 'MAX_DELIVERIES',
    });
    // The original entry, as one field.
    expect(envelopeFields(JSON.parse(f['dl.original']!) as string[])).toMatchObject({ id: poison.id, type: 'demo.n', data: '{"n":0}' });
    expect(f['dl.error']).toContain('cannot handle zero');
    expect(f['dl.consumer']).toBe(sub.consumer);
    expect(Number(f['dl.at'])).toBeGreaterThan(0);
    const pending = (await b.driver.call(['XPENDING', b.keys.stream('m'), 'g'])) as unknown[];
    expect(pending[0]).toBe(0);
  });

  it('dead-letters an UnrecoverableError at once, without retries', async () => {
    const b = await bus();
    let calls = 0;
    const sub = b.subscribe({
      stream: 'u',
      group: 'g',
      retry: { baseMs: 50, maxMs: 100, jitter: 0 },
      handler: () => {
        calls++;
        throw new UnrecoverableError('this order cannot exist');
      },
    });
    await sub.ready;
    await b.publish('u', 'demo.n', {});
    await waitUntil(async () => Number(await b.driver.call(['XLEN', b.keys.deadLetters('u', 'g')])) === 1, 5_000, 'dead letter');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(1);
    const [dl] = await xrange(b.driver, b.keys.deadLetters('u', 'g'), '-', '+');
    expect(fieldsToObject(dl!.fields)).toMatchObject({ 'dl.reason': 'UNRECOVERABLE', 'dl.deliveries': '1', 'dl.error': 'this order cannot exist' });
  });
});
