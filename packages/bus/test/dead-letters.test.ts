/**
 * Dead letters: list, show, drop, retry. A retry redelivers to the failing group only; the other
 * groups on the stream never see the message twice; the history goes along.
 */
import { describe, expect, it } from 'vitest';
import { deadLetterStreams, dropDeadLetters, getDeadLetter, listDeadLetters, retryDeadLetters } from '../src/admin.js';
import { DRIVER_KINDS, encodeFields, HEADER_FIELD, UnrecoverableError } from '../src/index.js';
import { makeBus, memoryLogger, randomPrefix, sleep, useBuses, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const fast = { maxDeliveries: 2, retry: { baseMs: 20, maxMs: 50, jitter: 0 } };

describe.each(DRIVER_KINDS)('dead letters on %s', (kind) => {
  const { bus, keep } = useBuses(kind, redis);

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
    expect(second!.original.filter((f, i) => i % 2 === 0)).toEqual([HEADER_FIELD, 'data']);

    await retryDeadLetters(b.driver, b.keys, 'notes', [second!.id]);
    await waitUntil(() => done === 1, 5_000, 'the third try to succeed');
    expect(await listDeadLetters(b.driver, b.keys, 'notes')).toEqual([]);
  });

  it("hands the handler the entry's fields as read (ctx.entryFields): a retried dead letter's are the original entry's", async () => {
    const b = await bus();
    const seen: { entryId: string; entryFields: readonly string[] }[] = [];
    const sub = b.subscribe<{ n: number }>({
      stream: 'notes',
      group: 'archive',
      ...fast,
      handler: (_m, ctx) => {
        seen.push({ entryId: ctx.entryId, entryFields: ctx.entryFields });
        if (seen.length === 1) throw new UnrecoverableError('fails once, on purpose');
      },
    });
    await sub.ready;
    // A v1-style flat entry, written as is: what the handler gets must be these fields, not a re-encoding.
    const fields = ['type', 'note.add', 'v', '1', 'id', 'm-1', 'src', 'old', 'ts', '1700000000000', 'data', '{"n":1,"legacy":true}'];
    const entryId = String(await b.driver.call(['XADD', b.keys.stream('notes'), '*', ...fields]));
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'notes')).length === 1, 5_000, 'the dead letter');
    const [dl] = await listDeadLetters(b.driver, b.keys, 'notes');
    const [retried] = await retryDeadLetters(b.driver, b.keys, 'notes', [dl!.id]);
    await waitUntil(() => seen.length === 2, 5_000, 'the retry');
    expect(seen[0]).toEqual({ entryId, entryFields: fields });
    // Read from the group's redrive stream, under its own entry id, with the original entry's fields
    // (then the retry's bookkeeping, which a second dead letter carries on).
    expect(seen[1]!.entryId).toBe(retried!.redriveEntryId);
    expect(seen[1]!.entryFields.slice(0, fields.length)).toEqual(fields);
    expect(seen[1]!.entryFields.slice(fields.length).filter((_, i) => i % 2 === 0)).toEqual(['dl.entry', 'dl.retries', 'dl.history']);
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

  it('an entry of 10,000 fields is dead-lettered, retried and dead-lettered again intact (the original is one field)', async () => {
    const b = await bus();
    const got: string[] = [];
    let failures = 0;
    const sub = b.subscribe({
      stream: 'wide',
      group: 'g',
      ...fast,
      handler: (m) => {
        if (failures++ < 2) throw new UnrecoverableError(`not yet #${failures}`);
        got.push(m.id);
      },
    });
    await sub.ready;
    const envelope = encodeFields({ type: 'demo.wide', v: 1, id: 'wide-1', src: 'raw', ts: Date.now(), corr: 'c', cause: '', data: '{}' });
    const extra = Array.from({ length: 10_000 - envelope.length / 2 }, (_, i) => [`x${i}`, `value ${i}`]).flat();
    const original = [...envelope.map(String), ...extra];
    expect(original).toHaveLength(20_000);
    const entryId = String(await b.driver.call(['XADD', b.keys.stream('wide'), '*', ...original]));

    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'wide')).length === 1, 10_000, 'the first dead letter');
    const [first] = await listDeadLetters(b.driver, b.keys, 'wide');
    expect(first).toMatchObject({ entryId, group: 'g', reason: 'UNRECOVERABLE', message: { id: 'wide-1', type: 'demo.wide' } });
    expect(first!.original).toEqual(original);
    expect(((await b.driver.call(['XPENDING', b.keys.stream('wide'), 'g'])) as unknown[])[0]).toBe(0);

    expect((await retryDeadLetters(b.driver, b.keys, 'wide', [first!.id]))[0]).toMatchObject({ status: 'retried', group: 'g' });
    await waitUntil(async () => failures === 2 && (await listDeadLetters(b.driver, b.keys, 'wide')).length === 1, 10_000, 'the second dead letter');
    const [second] = await listDeadLetters(b.driver, b.keys, 'wide');
    expect(second).toMatchObject({ entryId, retries: 1, error: 'not yet #2' });
    expect(second!.original).toEqual(original);

    await retryDeadLetters(b.driver, b.keys, 'wide', [second!.id]);
    await waitUntil(() => got.length === 1, 10_000, 'the third try to succeed');
    expect(got).toEqual(['wide-1']);
    expect(await listDeadLetters(b.driver, b.keys, 'wide')).toEqual([]);
    expect(Number(await b.driver.call(['XLEN', b.keys.redrive('wide', 'g')]))).toBe(0);
  });

  it('acks only once the dead letter is written: when it cannot be written, the entry stays pending, and is dead-lettered later', async () => {
    const log = memoryLogger();
    const b = await makeBus(kind, redis(), randomPrefix(), { logger: log });
    keep(b);
    let calls = 0;
    // The group's dead-letter key holds a string: the dead letter's XADD fails (WRONGTYPE).
    await b.driver.call(['SET', b.keys.deadLetters('fragile', 'g'), 'in the way']);
    const sub = b.subscribe({
      stream: 'fragile',
      group: 'g',
      ...fast,
      claimIdleMs: 300,
      handler: () => {
        calls++;
        throw new UnrecoverableError('cannot');
      },
    });
    await sub.ready;
    const sent = await b.publish('fragile', 'demo.n', { n: 1 });
    await waitUntil(() => log.lines.some((l) => l.msg === 'could not record the failure; the entry stays pending'), 10_000, 'the failed dead-lettering');
    const pending = (await b.driver.call(['XPENDING', b.keys.stream('fragile'), 'g', '-', '+', 10])) as [string, ...unknown[]][];
    expect(pending.map((p) => p[0])).toEqual([sent.entryId]);
    expect(String(await b.driver.call(['TYPE', b.keys.deadLetters('fragile', 'g')]))).toBe('string');

    await b.driver.call(['DEL', b.keys.deadLetters('fragile', 'g')]);
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'fragile')).length === 1, 15_000, 'the dead letter once it can be written');
    expect((await listDeadLetters(b.driver, b.keys, 'fragile'))[0]).toMatchObject({ entryId: sent.entryId, reason: 'UNRECOVERABLE' });
    expect(((await b.driver.call(['XPENDING', b.keys.stream('fragile'), 'g'])) as unknown[])[0]).toBe(0);
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('each group has its own dead letters; an id two groups hold needs the group; the shared dead letters of earlier versions are still listed and retried', async () => {
    const b = await bus();
    const fields = encodeFields({ type: 'demo.n', v: 1, id: 'm-1', src: 'raw', ts: 1, corr: 'c', cause: '', data: '{"n":1}' }).map(String);
    const dl = (group: string) => ['dl.stream', 'mixed', 'dl.entry', '5-0', 'dl.group', group, 'dl.consumer', 'c', 'dl.deliveries', '1', 'dl.reason', 'UNRECOVERABLE', 'dl.error', `failed in ${group}`, 'dl.at', '1'];
    // Two groups' dead letters with the same id, and one in the shared stream, as earlier versions wrote it (originals inline).
    for (const g of ['a', 'b']) {
      await b.driver.call(['XADD', b.keys.deadLetters('mixed', g), '7-0', ...dl(g), 'dl.original', JSON.stringify(fields)]);
      await b.driver.call(['HSET', b.keys.deadLetterGroups('mixed'), g, '7-0']);
    }
    await b.driver.call(['XADD', b.keys.sharedDeadLetters('mixed'), '3-0', ...dl('a'), ...fields]);

    const all = await listDeadLetters(b.driver, b.keys, 'mixed');
    expect(all.map((d) => [d.id, d.group, d.message?.id])).toEqual([['3-0', 'a', 'm-1'], ['7-0', 'a', 'm-1'], ['7-0', 'b', 'm-1']]);
    expect((await listDeadLetters(b.driver, b.keys, 'mixed', { group: 'b' })).map((d) => d.id)).toEqual(['7-0']);
    expect(await deadLetterStreams(b.driver, b.keys)).toEqual([{ stream: 'mixed', count: 3 }]);
    expect(await deadLetterStreams(b.driver, b.keys, ['mixed', 'other'])).toEqual([{ stream: 'mixed', count: 3 }]);

    await expect(getDeadLetter(b.driver, b.keys, 'mixed', '7-0')).rejects.toMatchObject({ code: 'DEAD_LETTER_AMBIGUOUS' });
    await expect(dropDeadLetters(b.driver, b.keys, 'mixed', ['7-0'])).rejects.toMatchObject({ code: 'DEAD_LETTER_AMBIGUOUS' });
    expect((await getDeadLetter(b.driver, b.keys, 'mixed', '7-0', 'b'))?.error).toBe('failed in b');
    expect(await dropDeadLetters(b.driver, b.keys, 'mixed', ['7-0'], 'b')).toEqual([{ id: '7-0', status: 'dropped' }]);

    // The shared one of earlier versions goes back to its group like any other.
    const got: number[] = [];
    const sub = b.subscribe<{ n: number }>({ stream: 'mixed', group: 'a', ...fast, handler: (m) => void got.push(m.data.n) });
    await sub.ready;
    expect(await retryDeadLetters(b.driver, b.keys, 'mixed', ['3-0'])).toMatchObject([{ id: '3-0', status: 'retried', group: 'a' }]);
    await waitUntil(() => got.length === 1, 5_000, 'the retried shared dead letter');
    expect(Number(await b.driver.call(['XLEN', b.keys.sharedDeadLetters('mixed')]))).toBe(0);
    expect((await listDeadLetters(b.driver, b.keys, 'mixed')).map((d) => [d.id, d.group])).toEqual([['7-0', 'a']]);
  });

  it('an entry every group dead-letters at once gets a distinct dead-letter id in each group', async () => {
    const b = await bus();
    const groups = ['a', 'b', 'c', 'd'];
    const subs = groups.map((group) => b.subscribe({ stream: 'garbage', group, handler: () => undefined }));
    await Promise.all(subs.map((s) => s.ready));
    for (let i = 0; i < 5; i++) await b.driver.call(['XADD', b.keys.stream('garbage'), '*', 'hello', `world ${i}`]);
    await waitUntil(async () => (await listDeadLetters(b.driver, b.keys, 'garbage')).length === 20, 10_000, '20 dead letters');
    const all = await listDeadLetters(b.driver, b.keys, 'garbage');
    expect(new Set(all.map((d) => d.id)).size).toBe(20);
    expect(all.map((d) => d.group).sort()).toEqual(groups.flatMap((g) => Array(5).fill(g)).sort());
    // Each is found, shown and dropped by its id alone.
    expect(await dropDeadLetters(b.driver, b.keys, 'garbage', all.map((d) => d.id))).toEqual(all.map((d) => ({ id: d.id, status: 'dropped' })));
  });
});
