/**
 * `hive streams`: every stream with its length, groups, consumers, pending, lag, dead letters and
 * retention. A partitioned stream is one row summing its shards, each shard on a row of its own under it.
 */
import { formatRetention, type Catalogue } from '@hive/contracts';
import { summarizeStreams, type StreamSummary } from '@hive/inspect';
import { contractsOf } from '../catalogue.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { formatCount, table } from '../format.js';

export const command: Command = {
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, 'streams');
    const redis = await ctx.redis();
    const contracts = contractsOf(ctx);
    const rows = (await summarizeStreams(redis, ctx.keys, { partitions: contracts })).map((s) => ({ ...s, retention: retentionOf(contracts, s.stream) }));
    if (ctx.json) return void ctx.printJson(rows);
    if (rows.length === 0) {
      ctx.note(`no streams under prefix "${ctx.keys.prefix}" at ${ctx.url}`);
      return;
    }
    const line = (s: StreamSummary, name: string, retention: string) => [name, s.length, s.groups.length, s.consumers, s.pending, formatCount(s.lag), s.deadLetters, retention];
    ctx.print(
      table(
        ['stream', 'length', 'groups', 'consumers', 'pending', 'lag', 'dlq', 'retention'],
        rows.flatMap((s) => [
          line(s, s.stream, s.retention ? `${formatRetention(s.retention)}${s.shards ? ' each' : ''}` : '-'),
          ...(s.shards ?? []).map((shard) => line(shard, `  ${shard.stream}`, '')),
        ]),
        { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] },
      ),
    );
  },
};

/** What a stream's contract keeps in Redis (sentinel's janitor trims each shard to it); null for a stream no contract names. */
function retentionOf(contracts: Catalogue, stream: string): { maxAgeMs?: number; maxLen?: number } | null {
  const r = contracts.stream(stream)?.retention;
  return r ? { ...(r.maxAgeMs !== undefined ? { maxAgeMs: r.maxAgeMs } : {}), ...(r.maxLen !== undefined ? { maxLen: r.maxLen } : {}) } : null;
}
