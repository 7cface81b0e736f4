/** `hive streams`: every stream with its length, groups, consumers, pending, lag, dead letters and retention. */
import { scanKeys, xinfoGroups, xinfoStream, type GroupInfo } from '@hive/bus/admin';
import { type Keys, type RedisDriver } from '@hive/bus';
import { catalogue, formatRetention } from '@hive/contracts';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { formatCount, table } from '../format.js';

export interface StreamSummary {
  stream: string;
  length: number;
  firstEntryId: string | null;
  lastEntryId: string | null;
  groups: GroupInfo[];
  consumers: number;
  pending: number;
  /** The most entries any group has yet to read; null when Redis cannot tell for some group. */
  lag: number | null;
  deadLetters: number;
  /** What its contract keeps in Redis (sentinel's janitor trims to it); null for a stream no contract names. */
  retention: { maxAgeMs?: number; maxLen?: number } | null;
}

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
        ['stream', 'length', 'groups', 'consumers', 'pending', 'lag', 'dlq', 'retention'],
        rows.map((s) => [s.stream, s.length, s.groups.length, s.consumers, s.pending, formatCount(s.lag), s.deadLetters, s.retention ? formatRetention(s.retention) : '-']),
        { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] },
      ),
    );
  },
};

/** Every stream under the prefix, including those that only have dead letters left. */
export async function summarizeStreams(redis: RedisDriver, keys: Keys): Promise<StreamSummary[]> {
  const names = new Set<string>();
  for (const key of await scanKeys(redis, keys.streamPattern(), 'stream')) {
    const name = keys.streamName(key);
    if (name !== undefined) names.add(name);
  }
  const dlqPrefix = keys.deadLetters('');
  for (const key of await scanKeys(redis, keys.deadLetterPattern(), 'stream')) names.add(key.slice(dlqPrefix.length));

  const out: StreamSummary[] = [];
  for (const stream of [...names].sort()) {
    const [info, groups, dl] = await Promise.all([
      xinfoStream(redis, keys.stream(stream)),
      xinfoGroups(redis, keys.stream(stream)),
      redis.call(['XLEN', keys.deadLetters(stream)]),
    ]);
    const lags = groups.map((g) => g.lag);
    const r = catalogue.stream(stream)?.retention;
    out.push({
      stream,
      length: info?.length ?? 0,
      firstEntryId: info?.firstEntryId ?? null,
      lastEntryId: info?.lastEntryId ?? null,
      groups,
      consumers: groups.reduce((n, g) => n + g.consumers, 0),
      pending: groups.reduce((n, g) => n + g.pending, 0),
      lag: lags.includes(null) ? null : Math.max(0, ...(lags as number[])),
      deadLetters: Number(dl),
      retention: r ? { ...(r.maxAgeMs !== undefined ? { maxAgeMs: r.maxAgeMs } : {}), ...(r.maxLen !== undefined ? { maxLen: r.maxLen } : {}) } : null,
    });
  }
  return out;
}
