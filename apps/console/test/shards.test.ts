/**
 * The console on a partitioned stream: wa.inbound split into 3 shards by the contracts it is given,
 * written by the real bus. Its stream page reads every shard under the stream's name (entries merged
 * newest first and paged, groups and pending entries per shard), the live snapshot shows one stream
 * summing its shards, and search and trace find a message in whichever shard holds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createKeys, shardOf, shardStreams, type Bus, type ContractRegistry } from '@hive/bus';
import { createCatalogue, waInbound } from '@hive/contracts';
import { createConsole, type ConsoleHandle } from '../src/index.js';
import { capturingLogger, randomPrefix, useRedis } from './helpers.js';

const redis = useRedis();
const prefix = randomPrefix('console');
const keys = createKeys(prefix);
const SHARDS = 3;
const catalogue = createCatalogue([{ ...waInbound, partitions: { shards: SHARDS, key: 'chatId', why: 'test' } }]);
/** Any payload goes; the shards are the catalogue's. */
const contracts: ContractRegistry = {
  find: (stream, type) => ({ stream, type, version: 1, decode: (data) => ({ ok: true, data }) }),
  partitioning: (s) => catalogue.partitioning(s),
};
const chats = Array.from({ length: 12 }, (_, i) => `chat-${i}@c.us`);
let c: ConsoleHandle;
let bus: Bus;
let sent: { id: string; stream: string; entryId: string }[];

beforeAll(async () => {
  c = await createConsole({ driver: redis().driver, prefix, port: 0, kamiUrl: null, logger: capturingLogger().log, catalogue, pollMs: 200, idlePollMs: 200 });
  bus = await createBus({ url: redis().server.url, prefix, source: 'kami', contracts });
  sent = [];
  for (const chatId of chats) {
    sent.push(await bus.publish('wa.inbound', 'wa.message', { chatId, text: `hello from ${chatId}` }));
    await new Promise((r) => setTimeout(r, 2)); // distinct times: one order across shards
  }
  // iris's group on every shard, one entry of each shard read and not acked.
  const d = redis().driver;
  for (const shard of shardStreams('wa.inbound', SHARDS)) {
    await d.call(['XGROUP', 'CREATE', keys.stream(shard), 'iris', '0']);
    await d.call(['XREADGROUP', 'GROUP', 'iris', 'i1', 'COUNT', '1', 'STREAMS', keys.stream(shard), '>']);
  }
}, 60_000);

afterAll(async () => {
  await bus?.close();
  await c?.close();
});

const get = async <T>(path: string): Promise<T> => {
  const r = await fetch(`${c.url}${path}`);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};

describe('a partitioned stream in the console', () => {
  it('pages the entries of every shard under the stream\'s name, newest first, each naming its shard', async () => {
    type Page = { length: number; entries: { entryId: string; id: string; shard: string }[]; next: string | null };
    const seen: Page['entries'] = [];
    let page = await get<Page>('/api/streams/wa.inbound/entries?count=5');
    expect(page.length).toBe(12);
    for (;;) {
      seen.push(...page.entries);
      if (!page.next) break;
      page = await get<Page>(`/api/streams/wa.inbound/entries?count=5&before=${page.next}`);
    }
    const newestFirst = [...sent].reverse();
    expect(seen.map((e) => [e.id, e.shard])).toEqual(newestFirst.map((m) => [m.id, m.stream]));
    expect(new Set(seen.map((e) => e.shard)).size).toBeGreaterThan(1);
  });

  it('lists the group on each shard, and its pending entries over all of them', async () => {
    const groups = await get<{ groups: { name: string; shard: string; pending: number }[] }>('/api/streams/wa.inbound/groups');
    expect(groups.groups.map((g) => [g.name, g.shard, g.pending])).toEqual(shardStreams('wa.inbound', SHARDS).map((s) => ['iris', s, 1]));
    const pending = await get<{ entries: { id: string; shard: string; consumer: string }[] }>('/api/streams/wa.inbound/groups/iris/pending');
    expect(pending.entries).toHaveLength(SHARDS);
    expect(pending.entries.map((p) => p.shard).sort()).toEqual(shardStreams('wa.inbound', SHARDS));
  });

  it('the live snapshot shows the stream once, summing its shards', async () => {
    type Snap = { streams: { stream: string; length: number; groups: { name: string; pending: number }[] }[] };
    const ours = async () => (await get<Snap>('/api/snapshot')).streams.filter((s) => s.stream.startsWith('wa.inbound'));
    await expect.poll(async () => (await ours()).map((s) => [s.stream, s.length]), { timeout: 5_000 }).toEqual([['wa.inbound', 12]]);
    expect((await ours())[0]!.groups).toEqual([expect.objectContaining({ name: 'iris', pending: SHARDS })]);
  });

  it('search and trace find a message in the shard that holds it', async () => {
    const chat = chats[5]!;
    const m = sent[5]!;
    expect(m.stream).toBe(`wa.inbound.${shardOf(chat, SHARDS)}`);
    const found = await get<{ results: { id: string; stream: string }[] }>(`/api/search?text=${encodeURIComponent(`hello from ${chat}`)}`);
    expect(found.results.map((r) => [r.id, r.stream])).toEqual([[m.id, m.stream]]);
    const trace = await get<{ hops: { id: string; stream: string }[] }>(`/api/trace?q=${m.id}`);
    expect(trace.hops.map((h) => [h.id, h.stream])).toEqual([[m.id, m.stream]]);
  });
});
