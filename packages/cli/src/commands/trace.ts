/**
 * `hive trace <message-id|corr>`: every hop of one conversation across streams, with timings. A hop
 * on a partitioned stream names its shard; `--stream wa.inbound` looks in every shard of it.
 *
 * The trace itself (which messages belong to the conversation, each group's state for each hop) is
 * @hive/inspect's traceConversation, shared with the console; this verb parses flags and prints it.
 */
import { traceConversation } from '@hive/inspect';
import { contractsOf } from '../catalogue.js';
import { listFlag, parsePosition, startId, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import { NotFoundError, UsageError } from '../errors.js';
import { formatDelta, formatTime, table } from '../format.js';
import { checkName, positionals } from './shared.js';

export const command: Command = {
  async run(ctx) {
    const { query } = positionals(ctx, ['query']);
    if (!/^[^\s]{1,256}$/.test(query!)) throw new UsageError('<message-id|corr> must be 1-256 characters without whitespace', ctx.verb);
    const only = listFlag(ctx.args.values, 'stream').map((s) => checkName(ctx, 'stream', s));
    const fromText = stringFlag(ctx.args.values, 'from');
    const explicitFrom = fromText === undefined ? undefined : startId(parsePosition('--from', fromText, ctx.now(), ctx.verb));

    const redis = await ctx.redis();
    const { from, streamsScanned, hops } = await traceConversation(redis, ctx.keys, query!, {
      ...(explicitFrom !== undefined ? { from: explicitFrom } : {}),
      streams: only,
      partitions: contractsOf(ctx),
    });
    if (hops.length === 0) {
      throw new NotFoundError(`no message with id or corr "${query}" in ${streamsScanned.length} streams (scanned from ${from === '0-0' ? 'the start' : from})`);
    }

    if (ctx.json) return void ctx.printJson({ query, from, streamsScanned, hops });
    const first = hops[0]!;
    const last = hops.at(-1)!;
    const streams = new Set(hops.map((h) => h.stream));
    ctx.print(`trace ${query}: ${hops.length} hops over ${streams.size} streams, ${formatDelta(last.ts - first.ts)} from first to last (started ${formatTime(first.ts)})`);
    ctx.print('');
    ctx.print(
      table(
        ['at', 'step', 'stream', 'type', 'src', 'message id', 'entry', 'groups'],
        hops.map((h) => [
          `+${formatDelta(h.deltaMs)}`,
          h.sinceCauseMs === null ? '-' : `+${formatDelta(h.sinceCauseMs)}`,
          h.stream,
          h.type,
          h.src,
          h.id,
          h.entryId,
          h.deadLetter
            ? `dead-lettered by ${h.deadLetter.group} after ${h.deadLetter.deliveries}: ${h.deadLetter.reason}: ${h.deadLetter.error}`
            : h.groups.map((g) => `${g.group}:${g.state}`).join(' ') || '-',
        ]),
        { align: ['right', 'right'] },
      ),
    );
  },
};
