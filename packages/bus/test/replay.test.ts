/**
 * Replay: into a new group, by resetting a group, or to a handler without any group.
 */
import { describe, expect, it } from 'vitest';
import { DRIVER_KINDS, encodeFields, type Bus, type ContractRegistry, type Message } from '../src/index.js';
import { entryIdBefore, positionToEntryId } from '../src/replay.js';
import { replayIntoGroup, replayToHandler } from '../src/admin.js';
import { xreadgroup } from '../src/commands.js';
import { useBuses, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe('positions', () => {
  it('turns times into entry ids and finds the id just before', () => {
    expect(positionToEntryId(1700)).toBe('1700-0');
    expect(positionToEntryId(new Date(1700))).toBe('1700-0');
    expect(positionToEntryId('1700')).toBe('1700-0');
    expect(positionToEntryId('1700-3')).toBe('1700-3');
    expect(() => positionToEntryId('yesterday')).toThrow(/not an entry id/);
    expect(() => positionToEntryId(-1)).toThrow(/not a time/);
    expect(entryIdBefore('1700-3')).toBe('1700-2');
    expect(entryIdBefore('1700-0')).toBe('1699-18446744073709551615');
    expect(entryIdBefore('0-0')).toBe('0-0');
  });
});

describe.each(DRIVER_KINDS)('replay on %s', (kind) => {
  const { bus } = useBuses(kind, redis);
  /** Entries at chosen entry ids, so that times are exact. */
  const addAt = async (b: Bus, stream: string, ids: string[], first = 0) => {
    for (const [j, id] of ids.entries()) {
      const i = first + j;
      await b.driver.call(['XADD', b.keys.stream(stream), id, ...encodeFields({ type: 'demo.n', v: 1, id: `m${i}`, src: 't', ts: 1, corr: `m${i}`, cause: '', data: JSON.stringify({ i }) })]);
    }
  };
  const readGroup = async (b: Bus, stream: string, group: string) => {
    const reads = await xreadgroup(b.driver, group, 'c', [b.keys.stream(stream)], ['>'], { count: 100 });
    return (reads[0]?.entries ?? []).map((e) => e.id);
  };

  it('creates a new group at an entry id or a time; the live group is not touched', async () => {
    const b = await bus();
    await addAt(b, 'ev', ['1000-0', '2000-0', '2000-1', '3000-0', '4000-0']);
    await b.driver.call(['XGROUP', 'CREATE', b.keys.stream('ev'), 'live', '0']);
    expect(await readGroup(b, 'ev', 'live')).toHaveLength(5);

    const byId = await replayIntoGroup(b.driver, b.keys, { stream: 'ev', group: 'dev-id', from: '2000-1', mode: 'create' });
    expect(byId).toMatchObject({ lastDeliveredId: '2000-0', entries: 3, mode: 'create' });
    expect(await readGroup(b, 'ev', 'dev-id')).toEqual(['2000-1', '3000-0', '4000-0']);

    await replayIntoGroup(b.driver, b.keys, { stream: 'ev', group: 'dev-time', from: new Date(2000), mode: 'create' });
    expect(await readGroup(b, 'ev', 'dev-time')).toEqual(['2000-0', '2000-1', '3000-0', '4000-0']);
    await replayIntoGroup(b.driver, b.keys, { stream: 'ev', group: 'dev-between', from: 2500, mode: 'create' });
    expect(await readGroup(b, 'ev', 'dev-between')).toEqual(['3000-0', '4000-0']);

    // The live group still has its 5 pending and nothing new to read.
    const live = ((await b.driver.call(['XPENDING', b.keys.stream('ev'), 'live'])) as unknown[])[0];
    expect(live).toBe(5);
    expect(await readGroup(b, 'ev', 'live')).toEqual([]);
    await expect(replayIntoGroup(b.driver, b.keys, { stream: 'ev', group: 'live', from: 0, mode: 'create' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: { reason: 'GROUP_EXISTS' },
    });
    await expect(replayIntoGroup(b.driver, b.keys, { stream: 'ev', group: 'nobody', from: 0, mode: 'reset' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('resets a group (refused while it has pending entries unless forced); its subscription handles the history again', async () => {
    const b = await bus();
    const handled: number[] = [];
    let sub = b.subscribe<{ i: number }>({ stream: 'ev', group: 'g', startAt: 'all', handler: (m) => void handled.push(m.data.i) });
    await sub.ready;
    const sent = await b.publishBatch(Array.from({ length: 5 }, (_, i) => ({ stream: 'ev', type: 'demo.n', data: { i } })));
    await waitUntil(() => handled.length === 5, 5_000, 'first pass');
    await sub.stop();

    // An entry read but not acked: the reset is refused, then forced.
    await b.publish('ev', 'demo.n', { i: 5 });
    await b.driver.call(['XREADGROUP', 'GROUP', 'g', 'other', 'COUNT', 1, 'STREAMS', b.keys.stream('ev'), '>']);
    await expect(replayIntoGroup(b.driver, b.keys, { stream: 'ev', group: 'g', from: sent[2]!.entryId, mode: 'reset' })).rejects.toMatchObject({
      details: { reason: 'GROUP_HAS_PENDING', pending: 1 },
    });
    const r = await replayIntoGroup(b.driver, b.keys, { stream: 'ev', group: 'g', from: sent[2]!.entryId, mode: 'reset', force: true });
    expect(r).toMatchObject({ pending: 1, entries: 4 });
    expect(r.previousLastDeliveredId).not.toBe(r.lastDeliveredId);

    sub = b.subscribe<{ i: number }>({ stream: 'ev', group: 'g', consumer: 'other', handler: (m) => void handled.push(m.data.i) });
    // "other" first finishes what it had pending (5), then reads the replayed history (2..5).
    await waitUntil(() => handled.length === 10, 5_000, 'the replayed entries');
    expect(handled).toEqual([0, 1, 2, 3, 4, 5, 2, 3, 4, 5]);
  });

  it('replays to a handler in pages, between two positions, without creating any group', async () => {
    const b = await bus();
    await addAt(b, 'ev', ['1000-0', '2000-0', '2000-1', '3000-0']);
    await b.driver.call(['XADD', b.keys.stream('ev'), '3500-0', 'foreign', 'entry']);
    await addAt(b, 'ev', ['4000-0', '5000-0', '6000-0'], 4);
    const seen: [number, string][] = [];
    const invalid: string[] = [];
    const r = await replayToHandler<{ i: number }>(b.driver, b.keys, {
      stream: 'ev',
      from: 2000,
      to: new Date(5000),
      pageSize: 2,
      handler: (m: Message<{ i: number }>, ctx) => void seen.push([m.data.i, ctx.entryId]),
      onInvalid: (id, err) => invalid.push(`${id} ${err.code}`),
    });
    expect(r).toEqual({ read: 6, handled: 5, invalid: 1, lastEntryId: '5000-0' });
    expect(seen.map((s) => s[1])).toEqual(['2000-0', '2000-1', '3000-0', '4000-0', '5000-0']);
    expect(invalid).toEqual(['3500-0 DECODE_MISSING_FIELD']);
    expect(await b.driver.call(['XINFO', 'GROUPS', b.keys.stream('ev')])).toEqual([]);

    const limited = await replayToHandler(b.driver, b.keys, { stream: 'ev', count: 3, pageSize: 2, handler: () => undefined });
    expect(limited).toMatchObject({ read: 3, lastEntryId: '2000-1' });

    // With contracts, a payload that fails its schema counts as invalid, and data arrives upcast.
    const contracts: ContractRegistry = {
      find: (_s, type) =>
        type === 'demo.n'
          ? { stream: 'ev', type, version: 2, decode: (d) => ((d as { i: number }).i === 4 ? { ok: false, issues: 'i must not be 4' } : { ok: true, data: { ...(d as object), up: true } }) }
          : undefined,
    };
    const up: unknown[] = [];
    const r2 = await replayToHandler(b.driver, b.keys, { stream: 'ev', from: '4000-0', contracts, handler: (m) => void up.push([m.v, m.data]) });
    expect(r2).toMatchObject({ read: 3, handled: 2, invalid: 1 });
    expect(up).toEqual([[2, { i: 5, up: true }], [2, { i: 6, up: true }]]);

    await expect(replayToHandler(b.driver, b.keys, { stream: 'ev', handler: () => Promise.reject(new Error('boom')) })).rejects.toThrow('boom');
  });
});
