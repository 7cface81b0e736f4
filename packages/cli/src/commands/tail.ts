/**
 * `hive tail <stream>`: print entries; with --follow, keep printing new ones (XREAD BLOCK). A
 * partitioned stream's shards are merged in entry id order, each entry naming its shard.
 */
import { compareEntryIds, parseStreamReads, xinfoStream, xrange, xrevrange, type StreamEntry } from '@hive/bus/admin';
import { type RedisDriver } from '@hive/bus';
import { boolFlag, parsePosition, positiveInt, startId, stringFlag, type StreamPosition } from '../args.js';
import { shardsOf } from '../catalogue.js';
import type { Command, CommandContext } from '../command.js';
import { NotFoundError } from '../errors.js';
import { entryLine, entryView, requireShards, streamArg } from './shared.js';

export const DEFAULT_TAIL_COUNT = 10;
/** How long one XREAD blocks; the loop re-checks for interruption between reads. */
export const FOLLOW_BLOCK_MS = 5_000;
/** Following a partitioned stream: how long to wait when no shard had anything new. */
export const FOLLOW_POLL_MS = 250;
const PAGE = 500;

export const command: Command = {
  async run(ctx) {
    const stream = streamArg(ctx);
    const follow = boolFlag(ctx.args.values, 'follow');
    const countText = stringFlag(ctx.args.values, 'count');
    const count = countText === undefined ? undefined : positiveInt('--count', countText, ctx.verb);
    const fromText = stringFlag(ctx.args.values, 'from');
    const from = fromText === undefined ? undefined : parsePosition('--from', fromText, ctx.now(), ctx.verb);

    const redis = await ctx.redis();
    const shards = shardsOf(ctx, stream);
    if (shards.length > 1) return tailShards(ctx, redis, stream, shards, { follow, count, from });
    const key = ctx.keys.stream(stream);
    const info = await xinfoStream(redis, key);
    if (!info && !follow) throw new NotFoundError(`stream "${stream}" not found (no stream at key ${key})`);
    if (!info) ctx.note(`stream "${stream}" does not exist yet; waiting for its first entry (Ctrl-C to stop)`);

    const history = info ? await readHistory(redis, key, from, count) : [];
    // JSON lines while following (a document per entry as it comes); one array otherwise.
    if (ctx.json && !follow) return void ctx.printJson(history.map(entryView));
    for (const e of history) show(ctx, e);
    if (!follow) return;

    // Resume after what was printed, else after the last entry that existed when we looked, but
    // never before --from: XREAD returns what comes after the cursor.
    return followStream(ctx, redis, key, resumeAt(history.at(-1)?.id ?? (info?.lastGeneratedId || '0-0'), from));
  },
};

/** The XREAD cursor to follow from: after `cursor`, but never before --from. */
function resumeAt(cursor: string, from: StreamPosition | undefined): string {
  if (from?.kind !== 'at') return cursor;
  const before = idBefore(from);
  return compareEntryIds(before, cursor) > 0 ? before : cursor;
}

/**
 * A partitioned stream: every shard's history merged in entry id order (ids are times), each entry
 * naming its shard; following polls each shard in turn (one blocking XREAD cannot span the shards'
 * slots on a cluster), at most FOLLOW_POLL_MS behind.
 */
async function tailShards(
  ctx: CommandContext,
  redis: RedisDriver,
  stream: string,
  shards: readonly string[],
  opts: { follow: boolean; count: number | undefined; from: StreamPosition | undefined },
): Promise<number | void> {
  const keys = shards.map((s) => ctx.keys.stream(s));
  const infos = await requireShards(redis, ctx.keys, stream, shards, !opts.follow);
  const pages = await Promise.all(keys.map(async (k, i) => (infos[i] ? (await readHistory(redis, k, opts.from, opts.count)).map((e) => ({ e, shard: shards[i]! })) : [])));
  const merged = pages.flat().sort((a, b) => compareEntryIds(a.e.id, b.e.id));
  const history = opts.from === undefined ? merged.slice(-(opts.count ?? DEFAULT_TAIL_COUNT)) : merged.slice(0, opts.count ?? merged.length);
  if (ctx.json && !opts.follow) return void ctx.printJson(history.map(({ e, shard }) => ({ ...entryView(e), shard })));
  for (const h of history) showShard(ctx, h.e, h.shard);
  if (!opts.follow) return;

  // Each shard's cursor: after what was printed from it; else from --from (start, or just before the
  // time: what the count left out comes next), else after its last entry when we looked.
  const printed = new Map(history.map((h) => [h.shard, h.e.id]));
  const cursors = shards.map((s, i) => {
    const last = printed.get(s);
    if (last !== undefined) return last;
    if (opts.from?.kind === 'start') return '0-0';
    if (opts.from?.kind === 'at') return resumeAt('0-0', opts.from);
    return infos[i]?.lastGeneratedId || '0-0';
  });
  while (!ctx.signal.aborted) {
    const batch: { e: StreamEntry; shard: string }[] = [];
    for (const [i, key] of keys.entries()) {
      let reply;
      try {
        reply = await redis.call(['XREAD', 'COUNT', PAGE, 'STREAMS', key, cursors[i]!]);
      } catch (err) {
        if (ctx.signal.aborted) return 0;
        throw err;
      }
      for (const read of parseStreamReads(reply)) {
        for (const e of read.entries) batch.push({ e, shard: shards[i]! });
        if (read.entries.length > 0) cursors[i] = read.entries.at(-1)!.id;
      }
    }
    for (const b of batch.sort((x, y) => compareEntryIds(x.e.id, y.e.id))) showShard(ctx, b.e, b.shard);
    if (batch.length === 0) await abortableSleep(FOLLOW_POLL_MS, ctx.signal);
  }
  return 0;
}

function showShard(ctx: CommandContext, e: StreamEntry, shard: string): void {
  const v = entryView(e);
  if (ctx.json) ctx.printJsonLine({ ...v, shard });
  else ctx.print(`${shard}  ${entryLine(v)}`);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function show(ctx: CommandContext, e: StreamEntry): void {
  const v = entryView(e);
  if (ctx.json) ctx.printJsonLine(v);
  else ctx.print(entryLine(v));
}

/** The entries to print before following: the last `count` (default 10), or all from `from` (capped by `count`). */
async function readHistory(redis: RedisDriver, key: string, from: StreamPosition | undefined, count: number | undefined): Promise<StreamEntry[]> {
  if (from === undefined) return (await xrevrange(redis, key, '+', '-', count ?? DEFAULT_TAIL_COUNT)).reverse();
  if (from.kind === 'end') return [];
  const out: StreamEntry[] = [];
  let start = startId(from);
  for (;;) {
    const want = count === undefined ? PAGE : Math.min(PAGE, count - out.length);
    if (want <= 0) break;
    const page = await xrange(redis, key, start, '+', want);
    out.push(...page);
    if (page.length < want) break;
    start = `(${page.at(-1)!.id}`;
  }
  return out;
}

/** The id just before a position, so that an exclusive XREAD cursor includes the position itself. */
function idBefore(p: { ms: number; seq: number | undefined }): string {
  if (p.seq !== undefined && p.seq > 0) return `${p.ms}-${p.seq - 1}`;
  return p.ms > 0 ? `${p.ms - 1}-18446744073709551615` : '0-0';
}

/** Block for new entries until interrupted; an interruption is a normal end (exit 0). */
async function followStream(ctx: CommandContext, redis: RedisDriver, key: string, cursor: string): Promise<number> {
  let last = cursor;
  while (!ctx.signal.aborted) {
    let reply;
    try {
      reply = await redis.call(['XREAD', 'COUNT', PAGE, 'BLOCK', FOLLOW_BLOCK_MS, 'STREAMS', key, last]);
    } catch (err) {
      if (ctx.signal.aborted) break;
      throw err;
    }
    for (const read of parseStreamReads(reply)) {
      for (const e of read.entries) {
        show(ctx, e);
        last = e.id;
      }
    }
  }
  return 0;
}
