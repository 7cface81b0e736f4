/**
 * `hive trim <stream> --maxlen N | --max-age D`: safe retention. The bus stops the trim at the
 * oldest entry some group has not acked; when it does, this also asks (dry, forced) what a forced
 * trim would drop, so the operator can decide with the numbers in front of them.
 */
import { trimStream, type TrimOptions, type TrimResult } from '@hive/bus/admin';
import { boolFlag, durationFlag, nonNegativeInt, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { plural } from '../format.js';
import { requireStream, streamArg } from './shared.js';

export const command: Command = {
  async run(ctx) {
    const stream = streamArg(ctx);
    const maxLenText = stringFlag(ctx.args.values, 'maxlen');
    const maxAgeText = stringFlag(ctx.args.values, 'max-age');
    if (maxLenText === undefined && maxAgeText === undefined) throw new UsageError('give --maxlen N or --max-age DURATION (or both)', ctx.verb);
    const opts: TrimOptions = {
      force: boolFlag(ctx.args.values, 'force'),
      dryRun: boolFlag(ctx.args.values, 'dry-run'),
      now: ctx.now(),
    };
    if (maxLenText !== undefined) opts.maxLen = nonNegativeInt('--maxlen', maxLenText, ctx.verb);
    if (maxAgeText !== undefined) opts.maxAgeMs = durationFlag('--max-age', maxAgeText, ctx.verb);

    const redis = await ctx.redis();
    await requireStream(redis, ctx.keys, stream);
    const result = await trimStream(redis, ctx.keys, stream, opts);
    const forcedWouldDrop = result.heldBackBy ? (await trimStream(redis, ctx.keys, stream, { ...opts, force: true, dryRun: true })).dropped : null;

    if (ctx.json) return void ctx.printJson({ ...result, forcedWouldDrop });
    ctx.print(describe(result));
    if (result.heldBackBy && forcedWouldDrop) {
      const h = result.heldBackBy;
      ctx.print(
        `stopped at ${h.entryId}: group "${h.group}" has not acked it (${h.reason === 'pending' ? 'pending' : 'not read yet'}).`,
      );
      ctx.print(`--force would also drop ${plural(forcedWouldDrop.count, 'un-acked entry', 'un-acked entries')}${droppedDetail(forcedWouldDrop.groups)}`);
    }
    if (result.forced && result.dropped.count > 0) {
      ctx.print(`${result.dryRun ? 'would drop' : 'dropped'} ${plural(result.dropped.count, 'un-acked entry', 'un-acked entries')}${droppedDetail(result.dropped.groups)}`);
    }
  },
};

function describe(r: TrimResult): string {
  const verb = r.dryRun ? 'would trim' : 'trimmed';
  if (r.trimmed === 0) return `${r.stream}: nothing ${r.dryRun ? 'would be ' : ''}trimmed (${plural(r.lengthBefore, 'entry', 'entries')})`;
  return `${r.stream}: ${verb} ${plural(r.trimmed, 'entry', 'entries')}, ${r.lengthBefore} -> ${r.lengthAfter}${r.cutoff ? ` (everything before ${r.cutoff})` : ''}`;
}

function droppedDetail(groups: TrimResult['dropped']['groups']): string {
  if (groups.length === 0) return '';
  return `: ${groups.map((g) => `${g.group} ${g.pending} pending, ${g.undelivered} not read yet`).join('; ')}`;
}
