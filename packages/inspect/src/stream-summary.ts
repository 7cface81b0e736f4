/** Every stream under a prefix with its length, groups, consumers, pending, lag and dead letters. */
import { type Keys, type RedisDriver } from '@hive/bus';
import { deadLetterKeys, type GroupInfo, scanKeys, xinfoGroups, xinfoStream } from '@hive/bus/admin';

export interface StreamSummary {
  stream: string;
  length: number;
  firstEntryId: string | null;
  lastEntryId: string | null;
  /** Entries ever added (Redis 7+; null before): its change over time is the stream's write rate, trims aside. */
  entriesAdded: number | null;
  groups: GroupInfo[];
  consumers: number;
  pending: number;
  /** The most entries any group has yet to read; null when Redis cannot tell for some group. */
  lag: number | null;
  deadLetters: number;
}

/** Every stream under the prefix, including those that only have dead letters left, sorted by name. */
export async function summarizeStreams(redis: RedisDriver, keys: Keys): Promise<StreamSummary[]> {
  const names = new Set<string>();
  for (const key of await scanKeys(redis, keys.streamPattern(), 'stream')) {
    const name = keys.streamName(key);
    if (name !== undefined) names.add(name);
  }
  // A group's dead letters, or the shared ones of earlier versions: keys.deadLetterStreamName knows both.
  for (const key of await scanKeys(redis, keys.deadLetterPattern(), 'stream')) {
    const name = keys.deadLetterStreamName(key);
    if (name !== undefined) names.add(name);
  }

  const out: StreamSummary[] = [];
  for (const stream of [...names].sort()) {
    const [info, groups, dl] = await Promise.all([
      xinfoStream(redis, keys.stream(stream)),
      xinfoGroups(redis, keys.stream(stream)),
      deadLetterKeys(redis, keys, stream).then(async (ks) => {
        let n = 0;
        for (const k of ks) n += Number(await redis.call(['XLEN', k]));
        return n;
      }),
    ]);
    const lags = groups.map((g) => g.lag);
    out.push({
      stream,
      length: info?.length ?? 0,
      firstEntryId: info?.firstEntryId ?? null,
      lastEntryId: info?.lastEntryId ?? null,
      entriesAdded: info?.entriesAdded ?? null,
      groups,
      consumers: groups.reduce((n, g) => n + g.consumers, 0),
      pending: groups.reduce((n, g) => n + g.pending, 0),
      lag: lags.includes(null) ? null : Math.max(0, ...(lags as number[])),
      deadLetters: Number(dl),
    });
  }
  return out;
}
