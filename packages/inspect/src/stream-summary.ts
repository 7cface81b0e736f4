/**
 * Every stream under a prefix with its length, groups, consumers, pending, lag and dead letters. A
 * partitioned stream (its contract splits it into shards) is one summary of all its shards, with
 * each shard's own summary beside it.
 */
import { logicalStream, type Keys, type RedisDriver, type StreamPartitions } from '@hive/bus';
import { compareEntryIds, deadLetterKeys, type GroupInfo, scanKeys, xinfoGroups, xinfoStream } from '@hive/bus/admin';

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
  /** A partitioned stream's shards (`wa.inbound.0` …), each summarized alone; absent for a stream that is not split. */
  shards?: StreamSummary[];
}

export interface SummarizeOptions {
  /** How streams are split (the contracts): a partitioned stream's shards are summed under its name. @defaultValue none: every shard is a stream */
  partitions?: StreamPartitions;
}

/** Every stream under the prefix, including those that only have dead letters left, sorted by name. */
export async function summarizeStreams(redis: RedisDriver, keys: Keys, opts: SummarizeOptions = {}): Promise<StreamSummary[]> {
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
  return byLogicalStream(out, opts.partitions);
}

/** The summaries with each partitioned stream's shards summed into one under the stream's name. */
function byLogicalStream(summaries: readonly StreamSummary[], partitions: StreamPartitions | undefined): StreamSummary[] {
  const shardsOf = new Map<string, StreamSummary[]>();
  const out: StreamSummary[] = [];
  for (const s of summaries) {
    const stream = logicalStream(partitions, s.stream);
    if (stream === s.stream) out.push(s);
    else shardsOf.set(stream, [...(shardsOf.get(stream) ?? []), s]);
  }
  for (const [stream, shards] of shardsOf) out.push(sumShards(stream, shards));
  return out.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

const sum = (xs: readonly (number | null)[]): number | null => (xs.includes(null) ? null : (xs as number[]).reduce((a, n) => a + n, 0));

/**
 * One summary of a stream's shards: lengths, pending, dead letters and each group's lag summed over
 * the shards (a group reads every shard), a group's consumers the most on any shard (one consumer
 * reads every shard), the first and last entry ids over all.
 */
function sumShards(stream: string, shards: readonly StreamSummary[]): StreamSummary {
  const byGroup = new Map<string, GroupInfo[]>();
  for (const s of shards) for (const g of s.groups) byGroup.set(g.name, [...(byGroup.get(g.name) ?? []), g]);
  const groups: GroupInfo[] = [...byGroup].map(([name, gs]) => ({
    name,
    consumers: Math.max(...gs.map((g) => g.consumers)),
    pending: gs.reduce((n, g) => n + g.pending, 0),
    lastDeliveredId: gs.map((g) => g.lastDeliveredId).sort(compareEntryIds).at(-1)!,
    // A shard where the group does not exist yet holds entries it has not read: its lag is unknown.
    lag: gs.length < shards.length ? null : sum(gs.map((g) => g.lag)),
    entriesRead: sum(gs.map((g) => g.entriesRead)),
  }));
  const ids = (pick: (s: StreamSummary) => string | null) => shards.map(pick).filter((id): id is string => id !== null).sort(compareEntryIds);
  const lags = groups.map((g) => g.lag);
  return {
    stream,
    length: shards.reduce((n, s) => n + s.length, 0),
    firstEntryId: ids((s) => s.firstEntryId)[0] ?? null,
    lastEntryId: ids((s) => s.lastEntryId).at(-1) ?? null,
    entriesAdded: sum(shards.map((s) => s.entriesAdded)),
    groups,
    consumers: groups.reduce((n, g) => n + g.consumers, 0),
    pending: groups.reduce((n, g) => n + g.pending, 0),
    lag: lags.includes(null) ? null : Math.max(0, ...(lags as number[])),
    deadLetters: shards.reduce((n, s) => n + s.deadLetters, 0),
    shards: [...shards],
  };
}
