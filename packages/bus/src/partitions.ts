/**
 * Partitioned streams: a stream whose contract declares `shards: N` is N physical streams (keys.ts),
 * and one subscription to it is one read loop per shard (consumer.ts, unchanged), each with its own
 * blocking connection, group, pending list, reclaimer, retries, dead letters and redrive stream:
 * on a cluster the shards sit in different slots, so no single XREADGROUP could read them all.
 *
 * What the loops share: the handler, and the concurrency limit, which bounds the handlers running
 * across every shard (middleware/shared-slots.ts); each loop still reads at most `concurrency`
 * entries, so a subscription holds at most N x `concurrency` entries. Order: a partition key lands on
 * one shard (publisher side, outgoing.ts), and one shard is read by one loop per consumer, so order
 * per key holds exactly as on one stream (at concurrency 1, or with `orderingKey`). The handler sees
 * the shard it was read from as `ctx.stream` (`wa.inbound.2`); the contract checked is the stream's.
 */
import { backoffMs } from './backoff.js';
import { xinfoGroups } from './commands.js';
import { subscribe } from './consumer.js';
import { shardCount, type ContractRegistry } from './contracts.js';
import { ConfigError, errorMessage, isRedisError } from './errors.js';
import { shardStream, shardStreams } from './keys.js';
import { SharedSlots } from './middleware/shared-slots.js';
import { subscriptionSettings, type SubscribeOptions, type Subscription, type SubscriptionContext } from './subscribe-options.js';

/** What a reader of streams needs from the contracts: how each stream is split (the catalogue has it). */
export type StreamPartitions = Pick<ContractRegistry, 'partitioning'>;

/**
 * The physical streams of a logical stream under these contracts: its shards `<stream>.0` …
 * `<stream>.<N-1>` when its contract splits it, else the stream itself (a shard's own name, too).
 * What every reader given a stream's name looks up (tail, groups, trace, the console, the stream
 * index), so a partitioned stream is never read as its own key, which nothing writes.
 */
export function streamShards(contracts: StreamPartitions | undefined, stream: string): string[] {
  return shardStreams(stream, shardCount(contracts, stream));
}

/**
 * The logical stream a physical one belongs to under these contracts: `wa.inbound.2` → `wa.inbound`
 * when wa.inbound is split into more than 2 shards; any other name is its own stream.
 */
export function logicalStream(contracts: StreamPartitions | undefined, name: string): string {
  const m = /^(.+)\.(0|[1-9]\d*)$/.exec(name);
  if (!m) return name;
  const shards = shardCount(contracts, m[1]!);
  return shards > 1 && Number(m[2]) < shards ? m[1]! : name;
}

/** The contracts as a shard's subscription sees them: a shard's entries are checked against its stream's contract. */
function shardContracts(contracts: ContractRegistry | undefined, stream: string, shardNames: readonly string[]): ContractRegistry | undefined {
  if (!contracts) return undefined;
  return { find: (s, type) => contracts.find(shardNames.includes(s) ? stream : s, type) };
}

/**
 * The shards a subscription reads: `opts.shards` (some of them: a group that handles only the keys
 * that land there, e.g. an agent on intent.classified, which is split by intent), else every one.
 * Throws a ConfigError naming the bad value.
 */
export function shardsRead(stream: string, wanted: readonly number[] | undefined, shards: number): number[] {
  if (wanted === undefined) return Array.from({ length: shards }, (_, i) => i);
  if (wanted.length === 0) throw new ConfigError(`shards of "${stream}" must name at least one shard`, { stream, option: 'shards' });
  for (const i of wanted) {
    if (!Number.isSafeInteger(i) || i < 0 || i >= shards) {
      throw new ConfigError(`shards of "${stream}" must be shard numbers from 0 to ${shards - 1} (it has ${shards}), got ${String(i)}`, { stream, option: 'shards', value: i });
    }
  }
  return [...new Set(wanted)].sort((a, b) => a - b);
}

/**
 * What a group still owes on the stream as it was before it was split (its own key, `intent.classified`
 * for `intent.classified.0` …): undefined when the group never read it there (a new group, or a
 * stream split from the start); else whether entries are left, pending or not yet delivered.
 */
async function beforeTheSplit(ctx: SubscriptionContext, stream: string, group: string): Promise<{ owes: boolean } | undefined> {
  try {
    const g = (await xinfoGroups(ctx.driver, ctx.keys.stream(stream))).find((x) => x.name === group);
    // lag null: Redis cannot tell (entries deleted, or Redis < 7): drain it to be sure.
    return g === undefined ? undefined : { owes: g.pending > 0 || g.lag !== 0 };
  } catch (err) {
    // A user whose ACL does not name the old key had no group there to drain.
    if (isRedisError(err, 'NOPERM')) return undefined;
    throw err;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** A sharded subscription before its loops exist: stopped yet, and when it last tried (its loop turning, for liveness). */
interface Starting {
  stopped: boolean;
  turnedAt: number;
}

/** beforeTheSplit, retried while Redis cannot answer (as a read loop retries its reads), until stopped. */
async function lookBeforeTheSplit(ctx: SubscriptionContext, stream: string, group: string, state: Starting): Promise<{ owes: boolean } | undefined> {
  for (let failures = 1; ; failures++) {
    state.turnedAt = Date.now();
    try {
      return await beforeTheSplit(ctx, stream, group);
    } catch (err) {
      if (state.stopped) return undefined;
      ctx.log.warn({ stream, group, err: errorMessage(err), attempt: failures }, 'cannot look at the stream from before its split yet; retrying');
      await sleep(backoffMs(failures, 100, 2_000));
    }
  }
}

/**
 * Subscribe to the shards of `opts.stream` (split into `shards`; all of them, or `opts.shards`) as
 * one subscription. A stream that was read unsplit before (its group exists under the stream's own
 * key, from an earlier version) is taken over without a loss: the group's shards start from their
 * first entry (everything in them was written after the split, so this group has read none of it),
 * and while the group owes entries on the old key (pending, or not yet delivered), one more loop
 * reads it, retries and dead letters as any other; once drained it is not read again on the next start.
 */
export function subscribeShards<T>(ctx: SubscriptionContext, opts: SubscribeOptions<T>, shards: number): Subscription {
  const settings = subscriptionSettings(opts as SubscribeOptions<never>);
  const read = shardsRead(opts.stream, opts.shards, shards);
  const names = read.map((i) => shardStream(opts.stream, i, shards));
  const shared: SubscriptionContext = {
    ...ctx,
    contracts: shardContracts(ctx.contracts, opts.stream, [...shardStreams(opts.stream, shards), opts.stream]),
    sharedSlots: new SharedSlots(settings.concurrency),
  };
  const state: Starting = { stopped: false, turnedAt: Date.now() };
  const parts = (async () => {
    const before = await lookBeforeTheSplit(ctx, opts.stream, opts.group, state);
    if (state.stopped) return [];
    const { shards: _subset, ...one } = opts;
    const each = { ...one, consumer: settings.consumer, ...(before ? { startAt: 'all' } : {}) };
    const out = names.map((stream) => subscribe(shared, { ...each, stream }));
    if (before?.owes) {
      ctx.log.warn({ stream: opts.stream, group: opts.group }, 'the group still has entries on the stream from before it was split; reading them too');
      out.push(subscribe(shared, { ...one, consumer: settings.consumer, stream: opts.stream }));
    }
    return out;
  })();
  return new ShardedSubscription(opts.stream, opts.group, settings.consumer, parts, state);
}

/** N shard subscriptions seen as one (made once the stream from before a split has been looked at). */
class ShardedSubscription implements Subscription {
  readonly ready: Promise<void>;
  private parts: readonly Subscription[] = [];
  private readonly made: Promise<readonly Subscription[]>;

  constructor(
    readonly stream: string,
    readonly group: string,
    readonly consumer: string,
    parts: Promise<Subscription[]>,
    private readonly state: Starting,
  ) {
    this.made = parts.then((p) => (this.parts = p));
    this.made.catch(() => undefined);
    this.ready = this.made.then((p) => Promise.all(p.map((s) => s.ready))).then(() => undefined);
    this.ready.catch(() => undefined);
  }

  get inFlight(): number {
    return this.parts.reduce((n, p) => n + p.inFlight, 0);
  }

  /** The stalest loop's: one stuck shard is a stuck subscription (before the loops exist: the last look before the split). */
  get loopTurnedAt(): number {
    return this.parts.length === 0 ? this.state.turnedAt : Math.min(...this.parts.map((p) => p.loopTurnedAt));
  }

  /** Before the loops exist: until stopped (the look before the split retries as a loop would). */
  get reading(): boolean {
    return this.parts.length === 0 ? !this.state.stopped : this.parts.every((p) => p.reading);
  }

  async stop(): Promise<void> {
    this.state.stopped = true;
    const parts = await this.made.catch(() => [] as readonly Subscription[]);
    await Promise.all(parts.map((p) => p.stop()));
  }
}
