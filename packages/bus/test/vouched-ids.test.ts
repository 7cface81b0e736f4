/**
 * Vouched ids (middleware/idempotency.ts): an entry whose publisher promised its id is unique in the
 * stream for a day (the header's `uniq` "*") is handled on its first delivery to a group without
 * asking the group's handled marks; everything that can bring an id the group already handled back
 * to it is still asked: a redelivery (this consumer's own pending entries, a reclaim, a retry), a
 * group moved back with `replayIntoGroup` (`hive replay --reset`), a group created again over its
 * stream, a promise shorter than the marks live.
 *
 * A promise is taken at its word: two entries that both vouch for one id are both handled. That is
 * what shows the marks were not asked, and why only the bus (a generated id, an idempotent publish's
 * window) and the agent runtime (ids derived on a first delivery) make the promise.
 */
import { describe, expect, it } from 'vitest';
import { replayIntoGroup } from '../src/admin.js';
import { DRIVER_KINDS, encodeFields, type Bus, type DriverKind, type HandleOutcome } from '../src/index.js';
import { UNIQUE_FOR_MS } from '../src/envelope.js';
import { makeBus, memoryLogger, useBuses, useRedis, waitUntil, type LogLine } from './helpers.js';

const redis = useRedis();
const DAY = UNIQUE_FOR_MS;

describe.each(DRIVER_KINDS)('vouched ids on %s', (kind: DriverKind) => {
  const { bus, keep } = useBuses(kind, redis);
  /** An entry as a producer writes it: `uniq` "*" when `vouched`. */
  const entry = (id: string, n: number, vouched: boolean) =>
    encodeFields({ type: 'demo.n', v: 1, id, src: 'shop', ts: Date.now(), corr: id, cause: '', uniqueForMs: vouched ? DAY : undefined, data: JSON.stringify({ n }) });
  /** A group `group` on `stream` recording what it handled and how each entry settled. */
  const consume = (b: Bus, stream: string, group: string, extra: { ttlMs?: number; consumer?: string; startAt?: 'all' } = {}) => {
    const handled: string[] = [];
    const outcomes: HandleOutcome[] = [];
    b.observe({ handled: (e) => e.group === group && e.stream === stream && outcomes.push(e.outcome) });
    const sub = b.subscribe<{ n: number }>({
      stream,
      group,
      idempotent: { ttlMs: extra.ttlMs ?? DAY },
      ...(extra.consumer ? { consumer: extra.consumer } : {}),
      ...(extra.startAt ? { startAt: extra.startAt } : {}),
      handler: (m) => void handled.push(`${m.id}/${m.data.n}`),
    });
    return { sub, handled, outcomes };
  };

  it('a generated id is vouched for, and its first delivery is handled without asking: two entries that vouch for one id are both handled', async () => {
    const b = await bus();
    const { sub, handled, outcomes } = consume(b, 'in', 'g');
    await sub.ready;
    const sent = await b.publish('in', 'demo.n', { n: 0 });
    const raw = (await b.driver.call(['XRANGE', b.keys.stream('in'), '-', '+'])) as [string, string[]][];
    expect(raw[0]![1][1]).toMatch(/ \*$/);
    // Two entries with one id, both vouched (a false promise): the marks are not asked, both run.
    for (const n of [1, 2]) await b.driver.call(['XADD', b.keys.stream('in'), '*', ...entry('dup-1', n, true)]);
    await waitUntil(() => outcomes.length === 3, 5_000, 'three entries');
    expect(handled).toEqual([`${sent.id}/0`, 'dup-1/1', 'dup-1/2']);
    expect(outcomes).toEqual(['acked', 'acked', 'acked']);
    // Still marked with their acks: what comes back later is asked about, and found.
    await waitUntil(async () => Number(await b.driver.call(['XPENDING', b.keys.stream('in'), 'g']).then((r) => (r as unknown[])[0])) === 0, 5_000, 'acked');
    expect(await b.driver.call(['ZSCORE', b.keys.seen('in', 'g'), 'dup-1'])).not.toBeNull();
    expect(await b.driver.call(['ZSCORE', b.keys.seen('in', 'g'), sent.id])).not.toBeNull();
  });

  it('the bus vouches for the ids it generates and for an idempotent publish of a day or more; a chosen id promises nothing', async () => {
    const b = await bus();
    await b.publish('in', 'demo.n', { n: 1 });
    await b.publish('in', 'demo.n', { n: 2 }, { id: 'once-day', idempotent: true });
    await b.publish('in', 'demo.n', { n: 3 }, { id: 'once-minute', idempotent: { windowMs: 60_000 } });
    await b.publish('in', 'demo.n', { n: 4 }, { id: 'chosen' });
    await b.publish('in', 'demo.n', { n: 5 }, { id: 'chosen-vouched', uniqueForMs: Number.POSITIVE_INFINITY });
    const raw = (await b.driver.call(['XRANGE', b.keys.stream('in'), '-', '+'])) as [string, string[]][];
    expect(raw.map(([, f]) => f[1]!.endsWith(' *'))).toEqual([true, true, false, false, true]);
  });

  it('refuses a promise that is not a positive number of ms, naming the option', async () => {
    const b = await bus();
    for (const uniqueForMs of [0, -1, Number.NaN]) {
      await expect(b.publish('in', 'demo.n', { n: 1 }, { id: 'x', uniqueForMs })).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { option: 'uniqueForMs' } });
    }
    expect(Number(await b.driver.call(['XLEN', b.keys.stream('in')]))).toBe(0);
  });

  it('asks anyway when the promise is shorter than the group keeps its marks, or missing', async () => {
    const b = await bus();
    // Marks kept two days: a one-day promise does not cover them.
    const long = consume(b, 'in', 'long', { ttlMs: 2 * DAY });
    const plain = consume(b, 'in', 'plain');
    await Promise.all([long.sub.ready, plain.sub.ready]);
    for (const n of [1, 2]) await b.driver.call(['XADD', b.keys.stream('in'), '*', ...entry('dup-2', n, true)]);
    for (const n of [3, 4]) await b.driver.call(['XADD', b.keys.stream('in'), '*', ...entry('dup-3', n, false)]);
    await waitUntil(() => long.outcomes.length === 4 && plain.outcomes.length === 4, 5_000, 'four entries in each group');
    expect(long.handled).toEqual(['dup-2/1', 'dup-3/3']);
    expect(long.outcomes).toEqual(['acked', 'duplicate', 'acked', 'duplicate']);
    // The day-long group trusts the promise, and asks for the unvouched id.
    expect(plain.handled).toEqual(['dup-2/1', 'dup-2/2', 'dup-3/3']);
    expect(plain.outcomes).toEqual(['acked', 'acked', 'acked', 'duplicate']);
  });

  it('a vouched entry this consumer held when it stopped is asked about when it comes back to it', async () => {
    const b = await bus();
    const key = b.keys.stream('in');
    // The group exists and has handled "m-1" (its mark), and consumer c1 read an entry carrying that id, then died.
    await b.driver.call(['XGROUP', 'CREATE', key, 'g', '0', 'MKSTREAM']);
    await b.driver.call(['ZADD', b.keys.seen('in', 'g'), Date.now() + DAY, 'm-1']);
    await b.driver.call(['XADD', key, '*', ...entry('m-1', 1, true)]);
    await b.driver.call(['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', 10, 'STREAMS', key, '>']);
    const { sub, handled, outcomes } = consume(b, 'in', 'g', { consumer: 'c1' });
    await sub.ready;
    await waitUntil(() => outcomes.length === 1, 5_000, 'the pending entry settled');
    expect(outcomes).toEqual(['duplicate']);
    expect(handled).toEqual([]);
  });

  it('a group moved back (hive replay --reset) asks about what it handled: nothing runs twice, and what is new still runs', async () => {
    const b = await bus();
    const { sub, handled, outcomes } = consume(b, 'in', 'g');
    await sub.ready;
    for (const n of [1, 2, 3]) await b.publish('in', 'demo.n', { n });
    await waitUntil(() => outcomes.length === 3, 5_000, 'three entries');
    await waitUntil(async () => Number(await b.driver.call(['XPENDING', b.keys.stream('in'), 'g']).then((r) => (r as unknown[])[0])) === 0, 5_000, 'acked');
    const reset = await replayIntoGroup(b.driver, b.keys, { stream: 'in', group: 'g', from: '0-1', mode: 'reset' });
    expect(reset.entries).toBe(3);
    // The running subscription reads the three again as new to the group: each is asked, and found.
    await b.publish('in', 'demo.n', { n: 4 });
    await waitUntil(() => outcomes.length === 7, 5_000, 'the three again, and the new one');
    expect(outcomes).toEqual(['acked', 'acked', 'acked', 'duplicate', 'duplicate', 'duplicate', 'acked']);
    expect(handled.map((h) => h.split('/')[1])).toEqual(['1', '2', '3', '4']);
  });

  it('a group deleted while it runs is created again over its stream, and asks about what it had handled', async () => {
    const b = await bus();
    const { sub, handled, outcomes } = consume(b, 'in', 'g');
    await sub.ready;
    for (const n of [1, 2]) await b.publish('in', 'demo.n', { n });
    await waitUntil(() => outcomes.length === 2, 5_000, 'two entries');
    await waitUntil(async () => Number(await b.driver.call(['XPENDING', b.keys.stream('in'), 'g']).then((r) => (r as unknown[])[0])) === 0, 5_000, 'acked');
    // An operator deletes the group; the subscription finds it gone (NOGROUP) and creates it again from "0".
    await b.driver.call(['XGROUP', 'DESTROY', b.keys.stream('in'), 'g']);
    await b.publish('in', 'demo.n', { n: 3 });
    await waitUntil(() => outcomes.length === 5, 10_000, 'the two again, and the new one');
    expect(outcomes).toEqual(['acked', 'acked', 'duplicate', 'duplicate', 'acked']);
    expect(handled.map((h) => h.split('/')[1])).toEqual(['1', '2', '3']);
  });

  it('an ACL written before the boundary (no ZRANGEBYSCORE, no EXISTS on the marks): the group says so once, and asks about every entry', async () => {
    const admin = await bus();
    const user = `old-acl-${kind}-${Math.random().toString(36).slice(2, 8)}`;
    await admin.driver.call(['ACL', 'SETUSER', user, 'on', '>pw', '~*', '&*', '+@all', '-zrangebyscore', '-exists']);
    try {
      const lines: LogLine[] = [];
      const url = redis().url.replace('redis://', `redis://${user}:pw@`);
      const b = await makeBus(kind, { ...redis(), url }, admin.keys.prefix, { logger: memoryLogger(lines) });
      keep(b);
      const { sub, handled, outcomes } = consume(b, 'in', 'g');
      await sub.ready;
      for (const n of [1, 2]) await admin.driver.call(['XADD', admin.keys.stream('in'), '*', ...entry('dup-4', n, true)]);
      await waitUntil(() => outcomes.length === 2, 5_000, 'both entries');
      expect(outcomes).toEqual(['acked', 'duplicate']);
      expect(handled).toEqual(['dup-4/1']);
      const warned = lines.filter((l) => String(l.msg).includes('check-from boundary'));
      expect(warned).toHaveLength(1);
      expect(warned[0]!.level).toBe('warn');
    } finally {
      await admin.driver.call(['ACL', 'DELUSER', user]);
    }
  });

  it('a group created over a stream its marks outlived asks about what is there (startAt "all")', async () => {
    const b = await bus();
    const first = consume(b, 'in', 'g');
    await first.sub.ready;
    for (const n of [1, 2]) await b.publish('in', 'demo.n', { n });
    await waitUntil(() => first.outcomes.length === 2, 5_000, 'two entries');
    await first.sub.stop();
    await b.driver.call(['XGROUP', 'DESTROY', b.keys.stream('in'), 'g']);
    const again = consume(b, 'in', 'g', { startAt: 'all' });
    await again.sub.ready;
    await b.publish('in', 'demo.n', { n: 3 });
    await waitUntil(() => again.outcomes.length === 3, 5_000, 'the two again, and the new one');
    expect(again.outcomes).toEqual(['duplicate', 'duplicate', 'acked']);
    expect(again.handled.map((h) => h.split('/')[1])).toEqual(['3']);
  });
});
