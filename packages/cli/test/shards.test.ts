/**
 * The operator's verbs on a partitioned stream: wa.inbound split into 3 shards (`wa.inbound.0` …),
 * written and read by the real bus. `hive streams` sums the shards under the stream, each shard on
 * its own row; `hive trace` follows a message into whichever shard holds it, also with `--stream
 * wa.inbound`; `hive groups`, `pending` and `tail` (and `tail --follow`) given the stream's name read
 * every shard. On both drivers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBus, DRIVER_KINDS, shardOf, silentLogger, type Bus, type ContractRegistry, type DriverKind } from '@hive/bus';
import { createCatalogue, intentClassified, waInbound } from '@hive/contracts';
import { hive, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const SHARDS = 3;
const catalogue = createCatalogue([{ ...waInbound, partitions: { shards: SHARDS, key: 'chatId', why: 'test' } }, intentClassified]);
/** Any payload goes; the shards are the catalogue's. */
const contracts: ContractRegistry = {
  find: (stream, type) => ({ stream, type, version: 1, decode: (data) => ({ ok: true, data }) }),
  partitioning: (s) => catalogue.partitioning(s),
};
const chats = Array.from({ length: 12 }, (_, i) => `chat-${i}@c.us`);

describe.each(DRIVER_KINDS)('a partitioned stream, on %s', (driver: DriverKind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const bus = async (prefix: string) => {
    const b = await createBus({ url: redis().url, driver, prefix, source: 'kami', contracts, logger: silentLogger });
    open.push(b);
    return b;
  };
  const run = (argv: string[], prefix: string) => hive([...argv, '--driver', driver], { url: redis().url, prefix, catalogue });

  /** 12 chats over the 3 shards, all handled by iris's group; then 5 more it has not read. */
  async function seed(prefix: string) {
    const b = await bus(prefix);
    let handled = 0;
    const sub = b.subscribe({ stream: 'wa.inbound', group: 'iris', handler: () => void handled++ });
    await sub.ready;
    await b.publishBatch(chats.map((chatId) => ({ stream: 'wa.inbound', type: 'wa.message', data: { chatId } })));
    await waitUntil(() => handled === 12, 10_000, '12 handled');
    await sub.stop();
    const unread = await b.publishBatch(chats.slice(0, 5).map((chatId) => ({ stream: 'wa.inbound', type: 'wa.message', data: { chatId } })));
    return { b, unread };
  }

  it('hive streams: one row summing the shards, each shard under it, with the stream\'s retention', async () => {
    const prefix = randomPrefix();
    await seed(prefix);
    const perShard = [0, 1, 2].map((i) => chats.filter((c) => shardOf(c, SHARDS) === i).length + chats.slice(0, 5).filter((c) => shardOf(c, SHARDS) === i).length);
    const lagPerShard = [0, 1, 2].map((i) => chats.slice(0, 5).filter((c) => shardOf(c, SHARDS) === i).length);
    const r = await run(['streams', '--json'], prefix);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.json();
    expect(rows.map((s: { stream: string }) => s.stream)).toEqual(['wa.inbound']);
    const [row] = rows;
    expect(row).toMatchObject({ stream: 'wa.inbound', length: 17, consumers: 1, pending: 0, lag: 5, deadLetters: 0, retention: { maxAgeMs: waInbound.retention.maxAgeMs } });
    expect(row.groups).toEqual([expect.objectContaining({ name: 'iris', consumers: 1, pending: 0, lag: 5 })]);
    expect(row.shards.map((s: { stream: string; length: number; lag: number }) => [s.stream, s.length, s.lag])).toEqual([0, 1, 2].map((i) => [`wa.inbound.${i}`, perShard[i], lagPerShard[i]]));

    const text = (await run(['streams'], prefix)).stdout.split('\n');
    expect(text[1]).toMatch(/^wa\.inbound\s+17\s+1\s+1\s+0\s+5\s+0\s+\S.* each$/);
    expect(text.slice(2, 5).map((l) => l.trim().split(/\s+/)[0])).toEqual(['wa.inbound.0', 'wa.inbound.1', 'wa.inbound.2']);
  });

  it('hive groups and hive pending: the group on every shard, its pending entries over all of them', async () => {
    const prefix = randomPrefix();
    const { b } = await seed(prefix);
    // One entry of each shard delivered to iris and not acked.
    for (let i = 0; i < SHARDS; i++) await b.driver.call(['XREADGROUP', 'GROUP', 'iris', 'stuck', 'COUNT', '1', 'STREAMS', b.keys.stream(`wa.inbound.${i}`), '>']);
    const groups = await run(['groups', 'wa.inbound', '--json'], prefix);
    expect(groups.code, groups.stderr).toBe(0);
    expect(groups.json()).toMatchObject({ stream: 'wa.inbound', length: 17 });
    expect(groups.json().groups.map((g: { name: string; shard: string; pending: number }) => [g.name, g.shard, g.pending])).toEqual([0, 1, 2].map((i) => ['iris', `wa.inbound.${i}`, 1]));
    expect((await run(['groups', 'wa.inbound'], prefix)).stdout).toMatch(/^GROUP\s+SHARD\s+CONSUMERS/);

    const pending = await run(['pending', 'wa.inbound', 'iris', '--json'], prefix);
    expect(pending.code, pending.stderr).toBe(0);
    expect(pending.json()).toMatchObject({ stream: 'wa.inbound', group: 'iris', count: SHARDS, consumers: [{ name: 'stuck', pending: SHARDS }] });
    expect(pending.json().entries.map((e: { shard: string; type: string }) => [e.shard, e.type]).sort()).toEqual([0, 1, 2].map((i) => [`wa.inbound.${i}`, 'wa.message']));
    expect((await run(['pending', 'wa.inbound', 'nobody'], prefix)).stderr).toMatch(/group "nobody" not found on stream "wa.inbound"/);
  });

  it('hive tail: every shard\'s entries in time order, each naming its shard; --follow sees new ones on any shard', async () => {
    const prefix = randomPrefix();
    const b = await bus(prefix);
    const sent = [];
    for (const chatId of chats) {
      sent.push(await b.publish('wa.inbound', 'wa.message', { chatId }));
      await new Promise((r) => setTimeout(r, 2)); // distinct times: one order across shards
    }
    const r = await run(['tail', 'wa.inbound', '--count', '5', '--json'], prefix);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().map((e: { id: string; shard: string }) => [e.id, e.shard])).toEqual(sent.slice(-5).map((m) => [m.id, m.stream]));
    const all = await run(['tail', 'wa.inbound', '--from', 'start', '--json'], prefix);
    expect(all.json().map((e: { id: string }) => e.id)).toEqual(sent.map((m) => m.id));

    const stop = new AbortController();
    let out = '';
    const following = hive(['tail', 'wa.inbound', '--follow', '--json', '--count', '1', '--driver', driver], { url: redis().url, prefix, catalogue, signal: stop.signal, onStdout: (s) => (out += s) });
    await waitUntil(() => out.split('\n').length > 1, 10_000, 'the history line');
    const later = await b.publishBatch(chats.slice(0, 6).map((chatId) => ({ stream: 'wa.inbound', type: 'wa.message', data: { chatId } })));
    await waitUntil(() => out.trimEnd().split('\n').length >= 7, 10_000, 'six followed entries');
    stop.abort();
    const done = await following;
    expect(done.code).toBe(0);
    const lines = done.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; shard: string });
    expect(lines[0]!.id).toBe(sent.at(-1)!.id);
    expect(new Set(lines.slice(1).map((l) => l.id))).toEqual(new Set(later.map((m) => m.id)));
    expect(new Set(lines.slice(1).map((l) => l.shard)).size).toBeGreaterThan(1);
  });

  it('hive trace: follows a conversation into the shard holding each message, with or without --stream', async () => {
    const prefix = randomPrefix();
    const { b } = await seed(prefix);
    const chat = chats[7]!;
    const first = await b.publish('wa.inbound', 'wa.message', { chatId: chat }, { corr: 'conv-42' });
    await new Promise((r) => setTimeout(r, 5));
    // intent.classified (the real contract) is split by intent: the expense lands on its intent's shard.
    const next = await b.publish('intent.classified', 'intent', { chatId: chat, intent: 'expense' }, { corr: 'conv-42', cause: first.id });
    expect(first.stream).toBe(`wa.inbound.${shardOf(chat, SHARDS)}`);
    const intentShards = catalogue.partitioning('intent.classified')!.shards;
    expect(next.stream).toBe(`intent.classified.${shardOf('expense', intentShards)}`);

    const all = await run(['trace', 'conv-42', '--json'], prefix);
    expect(all.code, all.stderr).toBe(0);
    expect(all.json().hops.map((h: { id: string; stream: string }) => [h.id, h.stream])).toEqual([[first.id, first.stream], [next.id, next.stream]]);

    const classified = await run(['trace', 'conv-42', '--stream', 'intent.classified', '--json'], prefix);
    expect(classified.code, classified.stderr).toBe(0);
    expect(classified.json().streamsScanned.filter((s: string) => !s.startsWith('dlq:'))).toEqual(Array.from({ length: intentShards }, (_, i) => `intent.classified.${i}`));
    expect(classified.json().hops.map((h: { id: string; stream: string }) => [h.id, h.stream])).toEqual([[next.id, next.stream]]);

    const only = await run(['trace', 'conv-42', '--stream', 'wa.inbound', '--json'], prefix);
    expect(only.code, only.stderr).toBe(0);
    expect(only.json().streamsScanned.filter((s: string) => !s.startsWith('dlq:'))).toEqual(['wa.inbound.0', 'wa.inbound.1', 'wa.inbound.2']);
    expect(only.json().hops.map((h: { id: string; stream: string }) => [h.id, h.stream])).toEqual([[first.id, first.stream]]);
    const hop = only.json().hops[0];
    expect(hop.groups).toEqual([expect.objectContaining({ group: 'iris', state: 'unread' })]);
  });
});
