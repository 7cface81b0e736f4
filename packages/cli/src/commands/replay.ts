/**
 * `hive replay <stream>`: history again, disturbing no one. Into a group (a new one, or an existing
 * one moved with --reset), or printed with --to-stdout through XRANGE, touching no group at all.
 */
import { HiveError } from '@hive/bus';
import { nextEntryId, replayIntoGroup, replayToHandler, type ReplayPosition, type ReplayToHandlerOptions, type StreamInfo } from '@hive/bus/admin';
import { boolFlag, parsePosition, positiveInt, stringFlag, type StreamPosition } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { OperationError, UsageError } from '../errors.js';
import { plural } from '../format.js';
import { checkName, entryLine, requireStream, type EntryView, streamArg } from './shared.js';

export const command: Command = {
  async run(ctx) {
    const stream = streamArg(ctx);
    const v = ctx.args.values;
    const group = stringFlag(v, 'group');
    const toStdout = boolFlag(v, 'to-stdout');
    if (group !== undefined && toStdout) throw new UsageError('give --group or --to-stdout, not both', ctx.verb);
    if (group === undefined && !toStdout) throw new UsageError('give --group GROUP (replay into a group) or --to-stdout (print)', ctx.verb);
    const fromText = stringFlag(v, 'from');
    const from = fromText === undefined ? undefined : parsePosition('--from', fromText, ctx.now(), ctx.verb);
    if (group !== undefined) {
      checkName(ctx, 'group', group);
      for (const flag of ['to', 'count']) if (v[flag] !== undefined) throw new UsageError(`--${flag} goes with --to-stdout, not --group`, ctx.verb);
      if (from === undefined) throw new UsageError('--group needs --from POSITION (where the group starts reading)', ctx.verb);
      return intoGroup(ctx, stream, group, from);
    }
    for (const flag of ['reset', 'force']) if (v[flag] !== undefined) throw new UsageError(`--${flag} goes with --group, not --to-stdout`, ctx.verb);
    const toText = stringFlag(v, 'to');
    const countText = stringFlag(v, 'count');
    const opts: Omit<ReplayToHandlerOptions, 'handler'> = { stream: stream };
    if (toText !== undefined) {
      const to = parsePosition('--to', toText, ctx.now(), ctx.verb);
      // A time as the end includes its whole millisecond; an explicit entry id is exact.
      if (to.kind === 'at') opts.to = to.seq === undefined ? to.ms : `${to.ms}-${to.seq}`;
      else if (to.kind === 'start') opts.to = '0-0';
    }
    if (countText !== undefined) opts.count = positiveInt('--count', countText, ctx.verb);
    return toStdoutReplay(ctx, opts, from);
  },
};

async function intoGroup(ctx: CommandContext, stream: string, group: string, from: StreamPosition): Promise<void> {
  const redis = await ctx.redis();
  // Creating a group would create a missing stream (MKSTREAM): a typo should not do that.
  const info = await requireStream(redis, ctx.keys, stream);
  const reset = boolFlag(ctx.args.values, 'reset');
  const first = groupStart(from, info);
  let result;
  try {
    result = await replayIntoGroup(redis, ctx.keys, {
      stream,
      group,
      from: first,
      mode: reset ? 'reset' : 'create',
      force: boolFlag(ctx.args.values, 'force'),
    });
  } catch (err) {
    const reason = err instanceof HiveError ? err.details?.reason : undefined;
    if (reason === 'GROUP_EXISTS') throw new OperationError(`group "${group}" already exists on stream "${stream}": add --reset to move it`, 'GROUP_EXISTS');
    if (reason === 'GROUP_HAS_PENDING') {
      const pending = (err as HiveError).details?.pending;
      throw new OperationError(`group "${group}" on stream "${stream}" has ${pending} pending entries: add --force to reset anyway (they stay pending)`, 'GROUP_HAS_PENDING');
    }
    if (err instanceof HiveError && err.code === 'NOT_FOUND') throw new OperationError(`group "${group}" not found on stream "${stream}": drop --reset to create it`, 'NOT_FOUND');
    throw err;
  }
  if (ctx.json) return void ctx.printJson(result);
  const reads = `it reads ${plural(result.entries, 'entry', 'entries')}, from ${first} on`;
  if (result.mode === 'create') ctx.print(`created group "${group}" on ${stream}: ${reads}`);
  else {
    ctx.print(`moved group "${group}" on ${stream} (it had read up to ${result.previousLastDeliveredId}): ${reads}`);
    if (result.pending > 0) ctx.print(`${plural(result.pending, 'pending entry', 'pending entries')} stay pending`);
  }
}

/** The first entry to read: "end" means the one after the last entry there is now. */
function groupStart(from: StreamPosition, info: StreamInfo): ReplayPosition {
  if (from.kind === 'start') return '0-0';
  if (from.kind === 'end') return nextEntryId(info.lastGeneratedId || '0-0');
  return `${from.ms}-${from.seq ?? 0}`;
}

async function toStdoutReplay(ctx: CommandContext, opts: Omit<ReplayToHandlerOptions, 'handler'>, from: StreamPosition | undefined): Promise<void> {
  const redis = await ctx.redis();
  const info = await requireStream(redis, ctx.keys, opts.stream);
  if (from) opts.from = groupStart(from, info);
  const entries: EntryView[] = [];
  const emit = (view: EntryView) => (ctx.json ? entries.push(view) : ctx.print(entryLine(view)));
  const result = await replayToHandler(redis, ctx.keys, {
    ...opts,
    signal: ctx.signal,
    handler: (message, at) => emit({ entryId: at.entryId, ...message }),
    onInvalid: (entryId, error) => emit({ entryId, invalid: { code: error.code, message: error.message }, fields: {} }),
  });
  if (ctx.json) return void ctx.printJson({ stream: opts.stream, ...result, entries });
  ctx.note(`${plural(result.read, 'entry', 'entries')} read${result.invalid ? `, ${result.invalid} not hive messages` : ''}; no group was touched`);
}
