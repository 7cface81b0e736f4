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
import { subscribe } from './consumer.js';
import { shardCount, type ContractRegistry } from './contracts.js';
import { shardStreams } from './keys.js';
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

/** Subscribe to every shard of `opts.stream` (split into `shards`) as one subscription. */
export function subscribeShards<T>(ctx: SubscriptionContext, opts: SubscribeOptions<T>, shards: number): Subscription {
  const settings = subscriptionSettings(opts as SubscribeOptions<never>);
  const names = shardStreams(opts.stream, shards);
  const shared: SubscriptionContext = { ...ctx, contracts: shardContracts(ctx.contracts, opts.stream, names), sharedSlots: new SharedSlots(settings.concurrency) };
  const parts = names.map((stream) => subscribe(shared, { ...opts, stream, consumer: settings.consumer }));
  return new ShardedSubscription(opts.stream, opts.group, settings.consumer, parts);
}

/** N shard subscriptions seen as one. */
class ShardedSubscription implements Subscription {
  readonly ready: Promise<void>;

  constructor(
    readonly stream: string,
    readonly group: string,
    readonly consumer: string,
    private readonly parts: readonly Subscription[],
  ) {
    this.ready = Promise.all(parts.map((p) => p.ready)).then(() => undefined);
    this.ready.catch(() => undefined);
  }

  get inFlight(): number {
    return this.parts.reduce((n, p) => n + p.inFlight, 0);
  }

  /** The stalest loop's: one stuck shard is a stuck subscription. */
  get loopTurnedAt(): number {
    return Math.min(...this.parts.map((p) => p.loopTurnedAt));
  }

  get reading(): boolean {
    return this.parts.every((p) => p.reading);
  }

  async stop(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.stop()));
  }
}
