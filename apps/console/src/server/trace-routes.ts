/**
 * Trace: find a conversation (by message id or corr, by words, by chat), then its timeline across
 * streams and agents. Recent hops come from Redis (with each group's state: acked, pending, unread,
 * dead-lettered), through @hive/inspect's traceConversation (every stream key, a partitioned stream's
 * shards too: a hop names its shard); hops Redis no longer holds come from
 * archivist's history, marked as such. Every scan is bounded: Redis by a time window, the archive by
 * its indexes and a row limit.
 */
import { decodeEntry, errorMessage } from '@hive/agent';
import { logicalStream, streamShards, xrevrange, type StreamPartitions } from '@hive/bus/admin';
import { normalizeChat, openHistory, searchHistory, traceConversation, ulidTime, type Hop, type HistoryRecord } from '@hive/inspect';
import type { Found, TraceHop } from '../wire.js';
import { RequestError, type ConsoleApp, type RouteContext } from './context.js';

/** Without a ULID to go by, Redis is scanned this far back by default. */
export const DEFAULT_TRACE_WINDOW_MS = 24 * 60 * 60_000;
/** Most archived rows one trace reads. */
const ARCHIVE_ROWS = 1_000;
/** The search looks at this many of the newest entries of each chat stream in Redis. */
export const SEARCH_RECENT = 2_000;
const SEARCH_STREAMS = ['wa.inbound', 'wa.outbound'] as const;
const MAX_RESULTS = 50;

export type { Found, TraceHop } from '../wire.js';

const WINDOW = /^(\d+)\s*(m|h|d)$/;

function windowMs(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_TRACE_WINDOW_MS;
  const m = WINDOW.exec(text.trim());
  if (!m) throw new RequestError(400, `window "${text}" is not like 30m, 12h or 7d`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

/** Archived messages of the conversation of `query`: by id or corr, then everything sharing their corrs. */
function archivedConversation(path: string, query: string): HistoryRecord[] {
  const db = openHistory(path);
  try {
    const seeds = [...searchHistory(db, { ids: [query] }, ARCHIVE_ROWS), ...searchHistory(db, { corr: query }, ARCHIVE_ROWS)];
    const corrs = [...new Set(seeds.map((r) => r.corr))];
    const all = new Map<string, HistoryRecord>();
    for (const r of seeds) all.set(`${r.stream}\u0000${r.id}`, r);
    for (const corr of corrs) for (const r of searchHistory(db, { corr }, ARCHIVE_ROWS)) all.set(`${r.stream}\u0000${r.id}`, r);
    return [...all.values()];
  } finally {
    db.close();
  }
}

/**
 * Redis hops first (they know each group's state), then archived ones Redis no longer has; timings
 * recomputed. A Redis hop names its shard (`intent.classified.3`), the archive the stream.
 */
export function mergeHops(fromRedis: readonly Hop[], archived: readonly HistoryRecord[], partitions?: StreamPartitions): TraceHop[] {
  const have = new Set(fromRedis.filter((h) => h.kind === 'message').map((h) => `${logicalStream(partitions, h.stream)}\u0000${h.id}`));
  const hops: TraceHop[] = fromRedis.map((h) => ({ ...h, source: 'redis' }));
  for (const r of archived) {
    if (have.has(`${r.stream}\u0000${r.id}`)) continue;
    hops.push({ kind: 'message', stream: r.stream, entryId: r.entryId, type: r.type, src: r.src, id: r.id, corr: r.corr, cause: r.cause, ts: r.ts, deltaMs: 0, sinceCauseMs: null, groups: [], source: 'archive' });
  }
  hops.sort((a, b) => a.ts - b.ts || a.entryId.localeCompare(b.entryId));
  const first = hops[0]?.ts ?? 0;
  const byId = new Map<string, TraceHop>();
  for (const h of hops) if (h.kind === 'message' && !byId.has(h.id)) byId.set(h.id, h);
  return hops.map((h) => {
    const cause = h.kind === 'dead-letter' ? byId.get(h.id) : h.cause ? byId.get(h.cause) : undefined;
    return { ...h, deltaMs: h.ts - first, sinceCauseMs: cause && cause !== h ? h.ts - cause.ts : null };
  });
}

/** Register the trace and search routes. */
export function traceRoutes(app: ConsoleApp, ctx: RouteContext): void {
  app.get('/api/trace', async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    if (!/^[^\s]{1,256}$/.test(query)) throw new RequestError(400, 'give a message id or correlation id: 1-256 characters without spaces');
    const window = windowMs(c.req.query('window'));
    // A ULID says when it was made; anything else (a WhatsApp id) is looked for within the window.
    const from = ulidTime(query) === undefined ? `${Math.max(0, Date.now() - window)}-0` : undefined;
    const trace = await traceConversation(ctx.redis, ctx.keys, query, from === undefined ? {} : { from });
    let archived: HistoryRecord[] = [];
    let archiveNote: string | null = null;
    if (ctx.archivistDb) {
      try {
        archived = archivedConversation(ctx.archivistDb, query);
      } catch (err) {
        archiveNote = errorMessage(err);
      }
    } else archiveNote = 'no archivist history configured';
    const hops = mergeHops(trace.hops, archived, ctx.partitions);
    return c.json({ query, from: trace.from, streamsScanned: trace.streamsScanned.length, archive: archiveNote ?? `${archived.length} archived messages`, hops });
  });

  app.get('/api/search', async (c) => {
    const text = (c.req.query('text') ?? '').trim();
    const chatText = (c.req.query('chat') ?? '').trim();
    if (text === '' && chatText === '') throw new RequestError(400, 'give words (text=) or a chat (chat=) to search for');
    const chatId = chatText === '' ? undefined : normalizeChat(chatText);
    const found = new Map<string, Found>();
    const add = (f: Found) => {
      const had = found.get(f.corr);
      if (!had || f.ts > had.ts) found.set(f.corr, f);
    };

    // The newest chat messages still in Redis: a plain substring match.
    const needle = text.toLowerCase();
    // A partitioned chat stream: each shard's newest (a chat lives on one shard).
    for (const stream of SEARCH_STREAMS.flatMap((s) => streamShards(ctx.partitions, s))) {
      for (const e of await xrevrange(ctx.redis, ctx.keys.stream(stream), '+', '-', SEARCH_RECENT)) {
        const d = decodeEntry(e.fields);
        if (!d.ok) continue;
        const data = (d.message.data ?? {}) as { text?: unknown; chatId?: unknown };
        const body = typeof data.text === 'string' ? data.text : '';
        const chat = typeof data.chatId === 'string' ? data.chatId : null;
        if (needle !== '' && !body.toLowerCase().includes(needle)) continue;
        if (chatId !== undefined && chat !== chatId) continue;
        add({ corr: d.message.corr, id: d.message.id, ts: d.message.ts, stream, chatId: chat, text: body, source: 'redis' });
      }
    }
    let archiveNote: string | null = null;
    if (ctx.archivistDb) {
      try {
        const db = openHistory(ctx.archivistDb);
        try {
          const rows = searchHistory(db, { ...(text !== '' ? { text } : {}), ...(chatId !== undefined ? { chatId } : {}) }, MAX_RESULTS);
          for (const r of rows) if (!found.has(r.corr)) add({ corr: r.corr, id: r.id, ts: r.ts, stream: r.stream, chatId: r.chatId, text: r.snippet ?? r.text, source: 'archive' });
        } finally {
          db.close();
        }
      } catch (err) {
        archiveNote = errorMessage(err);
      }
    }
    const results = [...found.values()].sort((a, b) => b.ts - a.ts).slice(0, MAX_RESULTS);
    return c.json({ text, chat: chatId ?? null, archive: archiveNote, results });
  });
}
