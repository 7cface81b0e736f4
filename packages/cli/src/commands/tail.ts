/** `hive tail <stream>`: print entries; with --follow, keep printing new ones (XREAD BLOCK). */
import { compareEntryIds, parseStreamReads, xinfoStream, xrange, xrevrange, type StreamEntry } from '@hive/bus/admin';
import { type RedisDriver } from '@hive/bus';
import { boolFlag, parsePosition, positiveInt, startId, stringFlag, type StreamPosition } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { NotFoundError } from '../errors.js';
import { entryLine, entryView, streamArg } from './shared.js';

export const DEFAULT_TAIL_COUNT = 10;
/** How long one XREAD blocks; the loop re-checks for interruption between reads. */
export const FOLLOW_BLOCK_MS = 5_000;
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
    let cursor = history.at(-1)?.id ?? (info?.lastGeneratedId || '0-0');
    if (from?.kind === 'at') {
      const before = idBefore(from);
      if (compareEntryIds(before, cursor) > 0) cursor = before;
    }
    return followStream(ctx, redis, key, cursor);
  },
};

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
