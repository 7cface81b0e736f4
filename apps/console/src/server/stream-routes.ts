/**
 * A stream's entries, groups and pending lists, a page at a time. Every read is bounded: entries by
 * XREVRANGE with COUNT from a cursor (O(log N) to find the start), so a stream of 100,000 entries
 * pages as fast as one of 100; the page size is capped. A partitioned stream's name reads all its
 * shards: entries merged newest first (each says its shard), groups and pending entries per shard.
 */
import { decodeEntry, envelopeFields } from '@hive/agent';
import { compareEntryIds, type StreamEntry, streamShards, xinfoConsumers, xinfoGroups, xinfoStream, xpending, xrevrange } from '@hive/bus/admin';
import { checkedEntryId, checkedName, pageSize, RequestError, type ConsoleApp, type RouteContext } from './context.js';

export const DEFAULT_ENTRY_PAGE = 50;
export const MAX_ENTRY_PAGE = 500;

/** One entry as the page shows it: the message, or why it is not one. */
export type EntryView =
  | { entryId: string; ok: true; type: string; v: number; id: string; src: string; ts: number; corr: string; cause: string; data: unknown }
  | { entryId: string; ok: false; error: { code: string; message: string }; fields: Record<string, string> };

/** Decode an entry for display. */
export function entryView(e: StreamEntry): EntryView {
  const d = decodeEntry(e.fields);
  if (d.ok) {
    const m = d.message;
    return { entryId: e.id, ok: true, type: m.type, v: m.v, id: m.id, src: m.src, ts: m.ts, corr: m.corr, cause: m.cause, data: m.data };
  }
  return { entryId: e.id, ok: false, error: { code: d.error.code, message: d.error.message }, fields: envelopeFields(e.fields) };
}

/** Register the stream routes. */
export function streamRoutes(app: ConsoleApp, ctx: RouteContext): void {
  /** The physical streams of a name, with their keys: a partitioned stream's shards, else the stream. */
  const shardsOf = (stream: string) => streamShards(ctx.partitions, stream).map((shard) => ({ shard, key: ctx.keys.stream(shard) }));

  // Newest first; `before` (exclusive) pages back in time. Over shards: each shard's newest `count`
  // before the cursor, merged (entry ids are times, comparable across shards).
  app.get('/api/streams/:stream/entries', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const before = c.req.query('before');
    const count = pageSize(c.req.query('count'), DEFAULT_ENTRY_PAGE, MAX_ENTRY_PAGE);
    const shards = shardsOf(stream);
    const infos = await Promise.all(shards.map((s) => xinfoStream(ctx.redis, s.key)));
    if (infos.every((i) => !i)) throw new RequestError(404, `stream "${stream}" not found (no stream at key ${shards.map((s) => s.key).join(', ')})`);
    const end = before === undefined ? '+' : `(${checkedEntryId('before', before)}`;
    const pages = await Promise.all(shards.map(async (s, i) => (infos[i] ? (await xrevrange(ctx.redis, s.key, end, '-', count + 1)).map((e) => ({ e, shard: s.shard })) : [])));
    const page = pages.flat().sort((a, b) => compareEntryIds(b.e.id, a.e.id));
    const more = page.length > count;
    const entries = page.slice(0, count).map(({ e, shard }) => (shards.length > 1 ? { ...entryView(e), shard } : entryView(e)));
    const length = infos.reduce((n, i) => n + (i?.length ?? 0), 0);
    return c.json({ stream, length, entries, next: more ? entries.at(-1)!.entryId : null });
  });

  app.get('/api/streams/:stream/groups', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const shards = shardsOf(stream);
    const out = [];
    for (const s of shards) {
      for (const g of await xinfoGroups(ctx.redis, s.key)) {
        const consumerList = await xinfoConsumers(ctx.redis, s.key, g.name);
        out.push(shards.length > 1 ? { ...g, shard: s.shard, consumerList } : { ...g, consumerList });
      }
    }
    return c.json({ stream, groups: out });
  });

  app.get('/api/streams/:stream/groups/:group/pending', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const group = checkedName('group', c.req.param('group'));
    const count = pageSize(c.req.query('count'), DEFAULT_ENTRY_PAGE, MAX_ENTRY_PAGE);
    const shards = [];
    for (const s of shardsOf(stream)) if ((await xinfoGroups(ctx.redis, s.key)).some((g) => g.name === group)) shards.push(s);
    if (shards.length === 0) throw new RequestError(404, `group "${group}" not found on stream "${stream}"`);
    const split = streamShards(ctx.partitions, stream).length > 1;
    const pages = await Promise.all(shards.map(async (s) => (await xpending(ctx.redis, s.key, group, { count })).map((p) => (split ? { ...p, shard: s.shard } : p))));
    const entries = pages.flat().sort((a, b) => compareEntryIds(a.id, b.id)).slice(0, count);
    return c.json({ stream, group, entries });
  });
}
