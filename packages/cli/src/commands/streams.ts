/** `hive streams`: every stream with its length, groups, consumers, pending, lag, dead letters and retention. */
import { catalogue, formatRetention } from '@hive/contracts';
import { summarizeStreams } from '@hive/inspect';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { formatCount, table } from '../format.js';

export const command: Command = {
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, 'streams');
    const redis = await ctx.redis();
    const rows = (await summarizeStreams(redis, ctx.keys)).map((s) => ({ ...s, retention: retentionOf(s.stream) }));
    if (ctx.json) return void ctx.printJson(rows);
    if (rows.length === 0) {
      ctx.note(`no streams under prefix "${ctx.keys.prefix}" at ${ctx.url}`);
      return;
    }
    ctx.print(
      table(
        ['stream', 'length', 'groups', 'consumers', 'pending', 'lag', 'dlq', 'retention'],
        rows.map((s) => [s.stream, s.length, s.groups.length, s.consumers, s.pending, formatCount(s.lag), s.deadLetters, s.retention ? formatRetention(s.retention) : '-']),
        { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] },
      ),
    );
  },
};

/** What a stream's contract keeps in Redis (sentinel's janitor trims to it); null for a stream no contract names. */
function retentionOf(stream: string): { maxAgeMs?: number; maxLen?: number } | null {
  const r = catalogue.stream(stream)?.retention;
  return r ? { ...(r.maxAgeMs !== undefined ? { maxAgeMs: r.maxAgeMs } : {}), ...(r.maxLen !== undefined ? { maxLen: r.maxLen } : {}) } : null;
}
