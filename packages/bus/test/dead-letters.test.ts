/**
 * Dead letters: list, show, drop, retry. A retry redelivers to the failing group only; the other
 * groups on the stream never see the message twice; the history goes along.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deadLetterStreams, dropDeadLetters, getDeadLetter, listDeadLetters, retryDeadLetters } from '../src/admin.js';
import { DRIVER_KINDS, UnrecoverableError, type Bus } from '../src/index.js';
import { makeBus, randomPrefix, sleep, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const fast = { maxDeliveries: 2, retry: { baseMs: 20, maxMs: 50, jitter: 0 } };

describe.each(DRIVER_KINDS)('dead letters on %s', (kind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const bus = async () => {
    const b = await makeBus(kind, redis(), randomPrefix());
    open.push(b);
    return b;
  };

  it('redrive: after the fix, a retry makes the failing group handle it once; the other two groups see nothing new', async () => {
    const b = await bus();
    const handled: Record<string, string[]> = { billing: [], shipping: [], audit: [] };
    let fixed = false;
    const subs = Object.keys(handled).map((group) =>
      b.subscribe<{ n: number }>({
        stream: 'orders',
        group,
        ...fast,
        handler: (m) => {
          if (group === 'shipping' && m.data.n === 2 && !fixed) throw new Error('no courier for order 2');
          handled[group]!.push(`${m.id}:${m.data.n}`);
        },
      }),
    );
    await Promise.all(subs.map((s) => s.ready));
    const sent = await b.publishBatch([1, 2, 3].map((n) => ({ stream: 'orders', type: 'order.placed', data: { n } })));
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'orders')).length === 1, 10_000, 'the dead letter');
    await waitUntil(() => handled.billing!.length === 3 && handled.audit!.length === 3 && handled.shipping!.length === 2, 5_000, 'the rest');

    const [dl] = await listDeadLetters(b.driver, b.keys, 'orders');
    expect(dl).toMatchObject({
      stream: 'orders',
      entryId: sent[1]!.entryId,
      group: 'shipping',
      deliveryCount: 2,
      reason: 'MAX_DELIVERIES',
      retries: 0,
      history: [],
      message: { id: sent[1]!.id, type: 'order.placed', data: { n: 2 } },
      decodeError: undefined,
    });
    expect(dl!.error).toMatch(/no courier for order 2/);
    expect(await deadLetterStreams(b.driver, b.keys)).toEqual([{ stream: 'orders', count: 1 }]);
    expect(await getDeadLetter(b.driver, b.keys, 'orders', dl!.id)).toEqual(dl);

    fixed = true;
    const before = { billing: handled.billing!.length, audit: handled.audit!.length };
    const [outcome] = await retryDeadLetters(b.driver, b.keys, 'orders', [dl!.id]);
    expect(outcome).toMatchObject({ id: dl!.id, status: 'retried', group: 'shipping' });
    await waitUntil(() => handled.shipping!.length === 3, 5_000, 'shipping to handle the retried order');
    // Give a wrong delivery to the other groups every chance to show up.
    await sleep(1_500);
    expect(handled.shipping!.filter((h) => h === `${sent[1]!.id}:2`)).toHaveLength(1);
    expect({ billing: handled.billing!.length, audit: handled.audit!.length }).toEqual(before);
    expect(await listDeadLetters(b.driver, b.keys, 'orders')).toEqual([]);
    expect(await deadLetterStreams(b.driver, b.keys)).toEqual([]);
    // Acked and deleted from the redrive stream; nothing pending anywhere.
    expect(Number(await b.driver.call(['XLEN', b.keys.redrive('orders', 'shipping')]))).toBe(0);
    for (const g of Object.keys(handled)) expect(((await b.driver.call(['XPENDING', b.keys.stream('orders'), g])) as unknown[])[0]).toBe(0);
  });

  it('a retried entry that fails again goes back to the dead letters with its history', async () => {
    const b = await bus();
    let failures = 0;
    let done = 0;
    const sub = b.subscribe<{ n: number }>({
      stream: 'notes',
      group: 'scribe',
      ...fast,
      handler: () => {
        if (failures < 2) {
          failures++;
          throw new UnrecoverableError(`disk full #${failures}`);
        }
        done++;
      },
    });
    await sub.ready;
    const sent = await b.publish('notes', 'note.add', { n: 1 });
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'notes')).length === 1, 5_000, 'first dead letter');
    const [first] = await listDeadLetters(b.driver, b.keys, 'notes');
    await retryDeadLetters(b.driver, b.keys, 'notes', [first!.id]);
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'notes')).length === 1 && failures === 2, 5_000, 'second dead letter');
    const [second] = await listDeadLetters(b.driver, b.keys, 'notes');
    expect(second!.id).not.toBe(first!.id);
    expect(second).toMatchObject({
      entryId: sent.entryId,
      group: 'scribe',
      reason: 'UNRECOVERABLE',
      error: 'disk full #2',
      retries: 1,
      history: [{ group: 'scribe', reason: 'UNRECOVERABLE', error: 'disk full #1', deliveryCount: 1, at: first!.at }],
      message: { id: sent.id, data: { n: 1 } },
    });
    // No redrive bookkeeping leaks into the original fields.
    expect(second!.original.filter((f, i) => i % 2 === 0)).toEqual(['type', 'v', 'id', 'src', 'ts', 'corr', 'cause', 'data']);

    await retryDeadLetters(b.driver, b.keys, 'notes', [second!.id]);
    await waitUntil(() => done === 1, 5_000, 'the third try to succeed');
    expect(await listDeadLetters(b.driver, b.keys, 'notes')).toEqual([]);
  });

  it('drops, pages, and retries each dead letter at most once; undecodable entries are shown with why', async () => {
    const b = await bus();
    const sub = b.subscribe({ stream: 'in', group: 'g', ...fast, handler: () => Promise.reject(new UnrecoverableError('no')) });
    await sub.ready;
    await b.publishBatch([1, 2, 3].map((n) => ({ stream: 'in', type: 'demo.n', data: { n } })));
    await b.driver.call(['XADD', b.keys.stream('in'), '*', 'type', 'demo.n', 'data', '{oops', 'dl.stream', 'spoofed']);
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'in')).length === 4, 5_000, '4 dead letters');
    const all = await listDeadLetters(b.driver, b.keys, 'in');
    const page1 = await listDeadLetters(b.driver, b.keys, 'in', { count: 2 });
    const page2 = await listDeadLetters(b.driver, b.keys, 'in', { count: 2, start: `(${page1[1]!.id}` });
    expect([...page1, ...page2].map((d) => d.id)).toEqual(all.map((d) => d.id));

    const foreign = all[3]!;
    expect(foreign.message).toBeUndefined();
    expect(foreign.decodeError).toMatchObject({ code: 'DECODE_MISSING_FIELD', field: 'v' });
    expect(foreign.reason).toBe('DECODE_MISSING_FIELD');
    // Its own "dl.stream" field is kept as an original field, not mistaken for ours.
    expect(foreign.stream).toBe('in');
    expect(foreign.original).toEqual(['type', 'demo.n', 'data', '{oops', 'dl.stream', 'spoofed']);

    expect(await dropDeadLetters(b.driver, b.keys, 'in', [all[0]!.id, all[0]!.id, '1-1'])).toEqual([
      { id: all[0]!.id, status: 'dropped' },
      { id: all[0]!.id, status: 'missing' },
      { id: '1-1', status: 'missing' },
    ]);
    await sub.stop();
    const [r1, r2] = await Promise.all([
      retryDeadLetters(b.driver, b.keys, 'in', [all[1]!.id]),
      retryDeadLetters(b.driver, b.keys, 'in', [all[1]!.id]),
    ]);
    expect([r1![0]!.status, r2![0]!.status].sort()).toEqual(['missing', 'retried']);
    expect(Number(await b.driver.call(['XLEN', b.keys.redrive('in', 'g')]))).toBe(1);
    expect(await getDeadLetter(b.driver, b.keys, 'in', all[1]!.id)).toBeUndefined();
    expect(await deadLetterStreams(b.driver, b.keys)).toEqual([{ stream: 'in', count: 2 }]);
  });

  it('a redriven entry left pending by a stopped consumer is handled when it comes back', async () => {
    const b = await bus();
    let fail = true;
    const got: number[] = [];
    const opts = { stream: 'jobs', group: 'worker', consumer: 'w1', ...fast, shutdownTimeoutMs: 50 };
    let sub = b.subscribe<{ n: number }>({ ...opts, handler: () => Promise.reject(new UnrecoverableError('bad')) });
    await sub.ready;
    await b.publish('jobs', 'demo.n', { n: 7 });
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'jobs')).length === 1, 5_000, 'dead letter');
    await sub.stop();
    // This consumer hangs on the redriven entry and is stopped: it stays pending on the redrive stream.
    let entered = false;
    sub = b.subscribe<{ n: number }>({ ...opts, handler: () => ((entered = true), new Promise(() => undefined)) });
    const [dl] = await listDeadLetters(b.driver, b.keys, 'jobs');
    await retryDeadLetters(b.driver, b.keys, 'jobs', [dl!.id]);
    await waitUntil(() => entered, 5_000, 'the redriven entry to be delivered');
    await sub.stop();
    expect(((await b.driver.call(['XPENDING', b.keys.redrive('jobs', 'worker'), 'worker'])) as unknown[])[0]).toBe(1);
    fail = false;
    sub = b.subscribe<{ n: number }>({ ...opts, handler: (m) => void (fail || got.push(m.data.n)) });
    await waitUntil(() => got.length === 1, 5_000, 'the restarted consumer to handle it');
    expect(got).toEqual([7]);
  });
});
