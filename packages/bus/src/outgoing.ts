/**
 * A message to publish: its options, and how it is checked against its contract and encoded as an
 * envelope before anything is sent (`prepareMessage`). Shared by plain and idempotent publishing.
 */
import type { AddOptions } from './commands.js';
import type { ContractRegistry } from './contracts.js';
import type { RedisDriver } from './drivers/driver.js';
import { encodeData, encodeFields, entrySize, overSize } from './envelope.js';
import { ConfigError, HiveError, ValidationError } from './errors.js';
import { newMessageId } from './ids.js';
import { assertName, shardOf, shardStream, type Keys } from './keys.js';
import type { BusObserver } from './observer.js';

/** Publish-side idempotency of one message. */
export interface IdempotentPublishOptions {
  /** How long the message id is remembered on its stream. @defaultValue 86400000 (24 h) */
  windowMs?: number;
}

/** What `replicate` waits for before a publish resolves (see replication.ts). */
export interface ReplicateOptions {
  /** Replicas that must hold the write. @defaultValue 1 */
  replicas?: number;
  /** Wait at most this long, ms. @defaultValue 1000 */
  timeoutMs?: number;
  /** Also wait for the write to reach the AOF of the master and the replicas (WAITAOF, Redis 7.2+; WAIT before). @defaultValue false */
  aof?: boolean;
}

export interface PublishOptions {
  /** Message id (the idempotency key); a new ULID by default. */
  id?: string;
  /** Correlation id; defaults to the message id (a new conversation). */
  corr?: string;
  /** Id of the message this one answers. */
  cause?: string;
  /** W3C trace context to carry along. */
  traceparent?: string;
  /** Producer name; defaults to the bus's `source`. */
  src?: string;
  /** Creation time in ms; defaults to now. */
  ts?: number;
  /**
   * On a partitioned stream (its contract declares shards > 1): the key that picks the shard, so
   * messages with one key keep their order (keys.ts's `shardOf`). @defaultValue the payload field
   * the contract names (e.g. `chatId`), else the message id
   */
  partitionKey?: string;
  /** Retention: keep the stream near this many entries (XADD MAXLEN ~). */
  maxLen?: number;
  /** Retention: drop entries older than this many ms (XADD MINID ~). */
  maxAgeMs?: number;
  /**
   * Publish this message id to this stream at most once within a window (needs `id`): a repeat
   * appends nothing and resolves with the first entry's id and `duplicate: true`. See publish-once.ts.
   * @defaultValue false
   */
  idempotent?: boolean | IdempotentPublishOptions;
  /** The requester instance that wants the answer (`bus.request` sets it; a handler answers with `reply()`). */
  replyTo?: string;
  /**
   * You vouch that no other message with this `id` is published to this stream within this many ms
   * (Infinity: ever), so that a group reading it for the first time skips asking its handled marks
   * (a round trip; middleware/idempotency.ts). Written only when at least a day (UNIQUE_FOR_MS: the
   * header's `uniq` "*"). Set by the bus when it generates the id (Infinity) and for an idempotent
   * publish (its window); otherwise leave it unset unless the id is derived from a message delivered
   * to you once (`ctx.followUpsUniqueForMs`, which the agent runtime passes on). A false promise
   * lets a duplicate through to handlers.
   */
  uniqueForMs?: number;
  /**
   * Resolve only once replicas hold the entry (WAIT; WAITAOF on 7.2+ with `aof`), so a Sentinel
   * failover cannot lose it; NotReplicatedError otherwise. See replication.ts. @defaultValue false
   */
  replicate?: boolean | ReplicateOptions;
}

/** A message to publish: what `publish` takes, as one object (also what handlers return). */
export interface OutgoingMessage extends PublishOptions {
  stream: string;
  type: string;
  data: unknown;
  /**
   * A reply: deliver it to this requester instance's reply stream for this responder
   * (`keys.replies(toRequester, <this bus's source>, toReplyStream)`) instead of `stream`, and only
   * while that stream exists (NOMKSTREAM). Set by `reply()`; `stream` then only names the contract to
   * check, and a type without one there is sent unchecked.
   */
  toReplyStream?: string;
  /** The requesting agent (the request's `src`), whose reply streams `toReplyStream` is one of. */
  toRequester?: string;
}

export interface PublishResult {
  /** The stream written: on a partitioned stream, the shard (`wa.inbound.2`). */
  readonly stream: string;
  /** The message id (envelope `id`). */
  readonly id: string;
  /** The Redis stream entry id. */
  readonly entryId: string;
  /** An idempotent publish that found its id already published: nothing was appended, `entryId` is the first one's. */
  readonly duplicate?: boolean;
}

export interface PublisherContext {
  readonly driver: RedisDriver;
  readonly keys: Keys;
  readonly contracts: ContractRegistry | undefined;
  readonly source: string;
  readonly maxMessageBytes: number;
  readonly observers: readonly BusObserver[];
}

/** How long an idempotent publish remembers a message id. 24 hours. */
export const DEFAULT_PUBLISH_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The idempotency window of a message to publish, or undefined when it is not idempotent; throws
 * a ConfigError for an idempotent message without its own `id`, or a bad window.
 */
export function publishWindowMs(m: { stream: string; type: string; id?: string | undefined; idempotent?: boolean | IdempotentPublishOptions | undefined }): number | undefined {
  const option = m.idempotent;
  if (!option) return undefined;
  if (m.id === undefined) {
    throw new ConfigError(`an idempotent publish needs the message's own id (e.g. the WhatsApp message id): pass { id } with { idempotent }`, {
      stream: m.stream,
      type: m.type,
    });
  }
  const windowMs = option === true ? DEFAULT_PUBLISH_WINDOW_MS : (option.windowMs ?? DEFAULT_PUBLISH_WINDOW_MS);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new ConfigError(`idempotent.windowMs must be a positive integer of ms, got ${windowMs}`, { option: 'idempotent.windowMs', value: windowMs });
  }
  return windowMs;
}

/** A message validated and encoded, ready for XADD. */
export interface Prepared {
  readonly stream: string;
  readonly type: string;
  readonly id: string;
  readonly key: string;
  readonly fields: string[];
  readonly add: AddOptions;
}

/** Validate and encode one message; throws a named error saying what is wrong. */
export function prepareMessage(ctx: PublisherContext, m: OutgoingMessage): Prepared {
  assertName('stream', m.stream);
  let data = m.data;
  let v = 1;
  const contract = ctx.contracts?.find(m.stream, m.type);
  if (contract) {
    const parsed = contract.decode(data, contract.version);
    if (!parsed.ok) throw new ValidationError(m.stream, m.type, parsed.issues);
    data = parsed.data;
    v = contract.version;
  } else if (ctx.contracts && m.toReplyStream === undefined) {
    // (A reply of a type no contract names is sent as it is: the requester reads it as it wants.)
    throw new HiveError('UNKNOWN_TYPE', `type "${m.type}" is not in the contract of stream "${m.stream}"`, {
      details: { stream: m.stream, type: m.type },
    });
  }
  const id = m.id ?? newMessageId();
  if (m.uniqueForMs !== undefined && !(m.uniqueForMs > 0)) {
    throw new ConfigError(`uniqueForMs must be a positive number of ms (Infinity: for ever), got ${m.uniqueForMs}`, { option: 'uniqueForMs', value: m.uniqueForMs });
  }
  const fields = encodeFields({
    type: m.type,
    v,
    id,
    src: m.src ?? ctx.source,
    ts: m.ts ?? Date.now(),
    corr: m.corr ?? id,
    cause: m.cause ?? '',
    traceparent: m.traceparent,
    replyTo: m.replyTo,
    // A generated id is new; an idempotent publish appends its id once per window.
    uniqueForMs: m.uniqueForMs ?? (m.id === undefined ? Number.POSITIVE_INFINITY : publishWindowMs(m)),
    data: encodeData(data),
  });
  if (overSize(fields, ctx.maxMessageBytes)) {
    const size = entrySize(fields);
    throw new HiveError('MESSAGE_TOO_LARGE', `message "${m.type}" on stream "${m.stream}" is ${size} bytes, over the limit of ${ctx.maxMessageBytes}`, {
      details: { stream: m.stream, type: m.type, size, limit: ctx.maxMessageBytes },
    });
  }
  const add: AddOptions = {};
  if (m.maxLen !== undefined) add.maxLen = m.maxLen;
  else if (m.maxAgeMs !== undefined) add.minId = String(Math.max(0, Date.now() - m.maxAgeMs));
  if (m.toReplyStream === undefined) {
    const stream = shardFor(ctx.contracts, m, data, id);
    return { stream, type: m.type, id, key: ctx.keys.stream(stream), fields, add };
  }
  assertName('reply-to instance', m.toReplyStream);
  assertName('requester', m.toRequester ?? '');
  // A requester that is gone, or that did not ask this responder, has no reply stream for it: the
  // reply is dropped rather than left in a new key forever.
  add.noMkStream = true;
  return { stream: m.stream, type: m.type, id, key: ctx.keys.replies(m.toRequester!, ctx.source, m.toReplyStream), fields, add };
}

/**
 * The physical stream a message goes to: its stream, or on a partitioned one the shard of its
 * partition key (the `partitionKey` option, else the contract's payload field, else the message id:
 * one id, one shard, so an idempotent publish retried finds its mark).
 */
function shardFor(contracts: ContractRegistry | undefined, m: OutgoingMessage, data: unknown, id: string): string {
  const partitioning = contracts?.partitioning?.(m.stream);
  if (partitioning === undefined || partitioning.shards <= 1) return m.stream;
  const field = partitioning.key === undefined || data === null || typeof data !== 'object' ? undefined : (data as Record<string, unknown>)[partitioning.key];
  const key = m.partitionKey ?? (typeof field === 'string' || typeof field === 'number' ? String(field) : id);
  return shardStream(m.stream, shardOf(key, partitioning.shards), partitioning.shards);
}

/** What a prepared message is, for an error message. */
export function describePrepared(p: Pick<Prepared, 'type' | 'stream' | 'id'>): string {
  return `message "${p.type}" (${p.id}) to stream "${p.stream}"`;
}
