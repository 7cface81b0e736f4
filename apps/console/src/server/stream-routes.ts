/**
 * A stream's entries, groups and pending lists, a page at a time. Every read is bounded: entries by
 * XREVRANGE with COUNT from a cursor (O(log N) to find the start), so a stream of 100,000 entries
 * pages as fast as one of 100; the page size is capped.
 */
import { decodeEntry, envelopeFields } from '@hive/agent';
import { type StreamEntry, xinfoConsumers, xinfoGroups, xinfoStream, xpending, xrevrange } from '@hive/bus/admin';
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
  // Newest first; `before` (exclusive) pages back in time.
  app.get('/api/streams/:stream/entries', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const before = c.req.query('before');
    const count = pageSize(c.req.query('count'), DEFAULT_ENTRY_PAGE, MAX_ENTRY_PAGE);
    const key = ctx.keys.stream(stream);
    const info = await xinfoStream(ctx.redis, key);
    if (!info) throw new RequestError(404, `stream "${stream}" not found (no stream at key ${key})`);
    const end = before === undefined ? '+' : `(${checkedEntryId('before', before)}`;
    const page = await xrevrange(ctx.redis, key, end, '-', count + 1);
    const more = page.length > count;
    const entries = page.slice(0, count).map(entryView);
    return c.json({ stream, length: info.length, entries, next: more ? entries.at(-1)!.entryId : null });
  });

  app.get('/api/streams/:stream/groups', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const key = ctx.keys.stream(stream);
    const groups = await xinfoGroups(ctx.redis, key);
    const out = [];
    for (const g of groups) out.push({ ...g, consumerList: await xinfoConsumers(ctx.redis, key, g.name) });
    return c.json({ stream, groups: out });
  });

  app.get('/api/streams/:stream/groups/:group/pending', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const group = checkedName('group', c.req.param('group'));
    const count = pageSize(c.req.query('count'), DEFAULT_ENTRY_PAGE, MAX_ENTRY_PAGE);
    const key = ctx.keys.stream(stream);
    if (!(await xinfoGroups(ctx.redis, key)).some((g) => g.name === group)) throw new RequestError(404, `group "${group}" not found on stream "${stream}"`);
    return c.json({ stream, group, entries: await xpending(ctx.redis, key, group, { count }) });
  });
}
