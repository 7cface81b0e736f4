/** `hive streams`: every stream with its length, groups, consumers, pending, lag and dead letters. */
import { summarizeStreams } from '@hive/inspect';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { formatCount, table } from '../format.js';

export const command: Command = {
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, 'streams');
    const redis = await ctx.redis();
    const rows = await summarizeStreams(redis, ctx.keys);
    if (ctx.json) return void ctx.printJson(rows);
    if (rows.length === 0) {
      ctx.note(`no streams under prefix "${ctx.keys.prefix}" at ${ctx.url}`);
      return;
    }
    ctx.print(
      table(
        ['stream', 'length', 'groups', 'consumers', 'pending', 'lag', 'dlq'],
        rows.map((s) => [s.stream, s.length, s.groups.length, s.consumers, s.pending, formatCount(s.lag), s.deadLetters]),
        { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'] },
      ),
    );
  },
};
