/**
 * What `subscribe()` takes: the handler, its context, and every option with its default (named
 * constants, so that docs and tests can refer to them). Options are validated once, here, when the
 * subscription is made; a bad one is a ConfigError naming it.
 */
import { hostname } from 'node:os';
import type { ContractRegistry } from './contracts.js';
import type { RedisDriver } from './drivers/driver.js';
import type { Message } from './envelope.js';
import { ConfigError } from './errors.js';
import type { Keys } from './keys.js';
import type { Logger } from './logger.js';
import type { BusObserver } from './observer.js';
import type { OutgoingMessage, PublisherContext } from './outgoing.js';
import { retryPolicy, type RetryPolicy } from './retries.js';

export const DEFAULT_CONCURRENCY = 1;
export const DEFAULT_MAX_DELIVERIES = 5;
export const DEFAULT_CLAIM_IDLE_MS = 30_000;
/** An idle loop turns every 4-5 s (less up to a fifth, at random: recovery.ts), or sooner when a pass is due. */
export const DEFAULT_BLOCK_MS = 5_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
export const DEFAULT_DEAD_CONSUMER_MS = 24 * 60 * 60 * 1000;
/** Longest a handler may run before it counts as failed: 5 minutes. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 5 * 60 * 1000;
/** How long a handled mark is kept (idempotent subscriptions): duplicates later than this are handled again. 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A read's entries are handled at once: no linger. */
export const DEFAULT_LINGER_MS = 0;
/** The longest timer Node can set (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export interface HandlerContext {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /** The Redis stream entry id. */
  readonly entryId: string;
  /**
   * The entry's fields as read from Redis, before decoding: a flat `[name, value, …]` list; for a
   * retried dead letter, the original entry's, then the retry's own `dl.*` fields. For a handler
   * that keeps what was written, such as an archive; the message is the decoded, checked and upcast
   * form. Do not modify it.
   */
  readonly entryFields: readonly string[];
  /** 1 on the first delivery; known on every path except right after a reclaim, where it is fetched lazily. */
  readonly deliveryCount: number | undefined;
  /** Aborted when the handler runs past `handlerTimeoutMs`, or when shutdown gives up waiting for it. */
  readonly signal: AbortSignal;
  /** Logger bound to this message's correlation id, type and entry. */
  readonly log: Logger;
  /** Renew this entry's lease now (the bus also does it on its own for long handlers). */
  extendLease(): Promise<void>;
  /**
   * Set while this is the first delivery to the group of a message whose publisher vouched for its
   * id (`Message.uniqueForMs`): a follow-up whose id is derived from this message's id alone is
   * unique for as long, and may be published with `uniqueForMs` set to this (the agent runtime does
   * so for the ids it derives). Undefined on a redelivery, a retry, a reclaim, after a timeout, and
   * for a message with no such promise.
   */
  readonly followUpsUniqueForMs: number | undefined;
}

/** Messages a handler returns are published (with `cause` and `corr` filled in) before the ack. */
export type HandlerResult = void | undefined | OutgoingMessage | readonly OutgoingMessage[];

export type Handler<T = unknown> = (message: Message<T>, ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;

/** Consume-side idempotency of a subscription. */
export interface IdempotencyOptions {
  /** How long a handled message id is remembered. @defaultValue 86400000 (24 h) */
  ttlMs?: number;
  /**
   * `false`: write the handled marks (with the acks, as always) but do not ask for them before the
   * handler, for a handler that deduplicates by itself (a store keyed by the message id) and only
   * needs its marks as a record (sentinel's tampering check reads them). A duplicate is handled
   * again, and one round trip per message is saved. @defaultValue true
   */
  check?: boolean;
}

export interface SubscribeOptions<T = unknown> {
  stream: string;
  /** Consumer group: one per (stream, agent). */
  group: string;
  /**
   * On a partitioned stream (its contract declares shards > 1), the shards to read, when not all: a
   * group that handles only some partition keys reads only the shards they land on (`shardOf`), and
   * the bus wakes it for nothing else. Its group exists on those shards only. Throws a ConfigError
   * on an unsplit stream (unless `[0]`) or a shard out of range. @defaultValue every shard
   */
  shards?: readonly number[];
  handler: Handler<T>;
  /**
   * Consumer name, stable across restarts so a restarted process drains its own pending entries.
   * @defaultValue `${group}@${hostname}#${instance}`
   */
  consumer?: string;
  /** Instance number or name when several processes of one agent share a host. @defaultValue env HIVE_INSTANCE or "0" */
  instance?: string;
  /** Handlers running at once; never more entries are read than free slots. @defaultValue 1 */
  concurrency?: number;
  /** Deliveries before an always-failing entry is dead-lettered. @defaultValue 5 */
  maxDeliveries?: number;
  /** Entries idle this long on any consumer are reclaimed by a live one. @defaultValue 30000 */
  claimIdleMs?: number;
  /** Backoff between deliveries of a failing entry. @defaultValue { baseMs: 1000, maxMs: 60000, jitter: 0.2 } */
  retry?: Partial<RetryPolicy>;
  /** Longest a blocking read waits before the loop looks around (each read less up to a fifth of it, at random). @defaultValue 5000 */
  blockMs?: number;
  /**
   * How long a read's entries wait before they are handled, for a group that need not act at once
   * (an archive, a recorder): what arrives meanwhile is read next, in one read, and handled together
   * with it, and in a process shared with other agents its work moves out of the way of theirs (their
   * messages' hops do not wait behind it). Entries stay pending on this consumer while they wait; stop()
   * cuts the wait short and handles them. At most a quarter of `claimIdleMs` (their leases are renewed
   * only once they are handled). @defaultValue 0 (handled at once)
   */
  lingerMs?: number;
  /** Where a newly created group starts: "new" ($), "all" (0) or an entry id. @defaultValue "new" */
  startAt?: 'new' | 'all' | string;
  /** Consumers with nothing pending, idle this long, are removed from the group. @defaultValue 1 day */
  deadConsumerMs?: number;
  /** Longest stop() waits for running handlers before leaving their entries pending. @defaultValue 10000 */
  shutdownTimeoutMs?: number;
  /**
   * Longest one handler call may run. Past it, the handler's `signal` is aborted with a
   * HandlerTimeoutError and the delivery counts as failed: retried with backoff, dead-lettered after
   * `maxDeliveries`. A handler that ignores its signal runs on, but its result is discarded (nothing
   * it returns is published or acked) and its slot is given to the next entry. `false`: no limit.
   * @defaultValue 300000 (5 minutes)
   */
  handlerTimeoutMs?: number | false;
  /** Only these types are handled; other (known) types are acked and skipped. @defaultValue all */
  types?: readonly string[];
  /**
   * Only messages this accepts reach the handler; any other is acked as "skipped" right after it is
   * decoded, before per-key order and idempotency: no handled-mark is read or written for it, and its
   * ack goes out with the batch. For a group that ignores most of a stream (a domain agent on
   * intent.classified). Called once per message; it must not throw. @defaultValue every message
   */
  accept?: (message: Message<T>) => boolean;
  /**
   * Per-key ordering: entries with the same key are handled one at a time, in stream order, while
   * other keys run in parallel (e.g. a WhatsApp chat id). Without it, order holds only at concurrency 1.
   */
  orderingKey?: (message: Message<T>) => string | undefined;
  /** Approximate cap on the dead-letter stream's length. @defaultValue 100000 */
  deadLetterMaxLen?: number;
  /**
   * Handle each message id once per group, even when it is delivered twice: a marked id is acked
   * without running the handler (outcome "duplicate"). Costs two round trips per message and a mark
   * per id for `ttlMs`, so it is for handlers whose side effects must not repeat. See
   * middleware/idempotency.ts. @defaultValue false
   */
  idempotent?: boolean | IdempotencyOptions;
}

export interface Subscription {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /** Resolves once the group exists and the loop is reading. */
  readonly ready: Promise<void>;
  /** Entries being handled right now. */
  readonly inFlight: number;
  /**
   * When the read loop last went round (epoch ms). A live loop turns at least every `blockMs` while
   * a handler slot is free; one that stops turning is stuck (e.g. on a half-open connection).
   */
  readonly loopTurnedAt: number;
  /** False once the read loop has ended: after stop(), or when it died. */
  readonly reading: boolean;
  /** Stop reading, wait (bounded) for running handlers, flush acks, close the blocking connection. */
  stop(): Promise<void>;
}

/** Handler slots shared by several subscriptions (the shards of one stream: middleware/shared-slots.ts). */
export interface ConcurrencySlots {
  /** Resolves once a slot is taken. */
  acquire(): Promise<void>;
  /** Give a taken slot back. */
  release(): void;
}

/** What a subscription gets from its bus. */
export interface SubscriptionContext {
  readonly driver: RedisDriver;
  readonly keys: Keys;
  readonly contracts: ContractRegistry | undefined;
  readonly log: Logger;
  readonly observers: readonly BusObserver[];
  readonly maxMessageBytes: number;
  readonly publisher: PublisherContext;
  /** The concurrency limit this subscription shares with the other shards of its stream (partitions.ts). */
  readonly sharedSlots?: ConcurrencySlots;
}

/** The options of one subscription, validated, with every default filled in. */
export interface SubscriptionSettings {
  readonly consumer: string;
  readonly concurrency: number;
  readonly maxDeliveries: number;
  readonly claimIdleMs: number;
  readonly blockMs: number;
  /** How long a read's entries wait before they are handled (0: at once). */
  readonly lingerMs: number;
  readonly shutdownTimeoutMs: number;
  readonly deadConsumerMs: number;
  readonly retry: RetryPolicy;
  /** The id a new group starts after: "$", "0" or the given entry id. */
  readonly startId: string;
  readonly handlerTimeoutMs: number | false;
  /** The handled marks' ttl, or false when the subscription is not idempotent. */
  readonly idempotencyTtlMs: number | false;
  /** Whether an idempotent subscription asks for the marks before the handler (`idempotent.check`). */
  readonly idempotencyCheck: boolean;
}

function positiveInt(name: string, v: number, max?: number): number {
  if (!Number.isSafeInteger(v) || v < 1 || (max !== undefined && v > max)) {
    throw new ConfigError(`${name} must be a positive integer${max === undefined ? '' : ` up to ${max}`}, got ${v}`, { option: name, value: v });
  }
  return v;
}

/** Validate a subscription's options and fill in the defaults; throws a ConfigError naming a bad option. */
export function subscriptionSettings(opts: SubscribeOptions<never>): SubscriptionSettings {
  const instance = opts.instance ?? process.env.HIVE_INSTANCE ?? '0';
  const timeout = opts.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const idempotent = opts.idempotent ?? false;
  const claimIdleMs = positiveInt('claimIdleMs', opts.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS);
  const lingerMs = opts.lingerMs ?? DEFAULT_LINGER_MS;
  if (!Number.isSafeInteger(lingerMs) || lingerMs < 0 || lingerMs > claimIdleMs / 4) {
    throw new ConfigError(`lingerMs must be a whole number of ms from 0 to a quarter of claimIdleMs (${Math.floor(claimIdleMs / 4)}), got ${lingerMs}`, { option: 'lingerMs', value: lingerMs });
  }
  return {
    consumer: opts.consumer ?? `${opts.group}@${hostname()}#${instance}`,
    concurrency: positiveInt('concurrency', opts.concurrency ?? DEFAULT_CONCURRENCY),
    maxDeliveries: positiveInt('maxDeliveries', opts.maxDeliveries ?? DEFAULT_MAX_DELIVERIES),
    claimIdleMs,
    blockMs: positiveInt('blockMs', opts.blockMs ?? DEFAULT_BLOCK_MS),
    lingerMs,
    shutdownTimeoutMs: opts.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    deadConsumerMs: opts.deadConsumerMs ?? DEFAULT_DEAD_CONSUMER_MS,
    retry: retryPolicy(opts.retry),
    startId: opts.startAt === undefined || opts.startAt === 'new' ? '$' : opts.startAt === 'all' ? '0' : opts.startAt,
    handlerTimeoutMs: timeout === false ? false : positiveInt('handlerTimeoutMs', timeout, MAX_TIMER_MS),
    // Checked where the marks are made (middleware/idempotency.ts).
    idempotencyTtlMs: idempotent === false ? false : idempotent === true ? DEFAULT_IDEMPOTENCY_TTL_MS : (idempotent.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS),
    idempotencyCheck: typeof idempotent === 'object' ? idempotent.check !== false : true,
  };
}
