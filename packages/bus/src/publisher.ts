/**
 * Publishing: validate a message against its contract, encode the envelope, XADD it (with optional
 * retention), and return both ids. A batch goes out in one pipelined round trip.
 */
import { xaddArgs, type AddOptions } from './commands.js';
import type { ContractRegistry } from './contracts.js';
import type { RedisDriver } from './drivers/driver.js';
import { encodeData, encodeFields, entrySize, overSize } from './envelope.js';
import { asOutOfMemory, HiveError, isOutOfMemory, RedisOutOfMemoryError, ValidationError } from './errors.js';
import { newMessageId } from './ids.js';
import { publishOnce, publishWindowMs, type IdempotentPublishOptions } from './idempotency.js';
import { assertName, type Keys } from './keys.js';
import { notify, type BusObserver } from './observer.js';

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
  /** Retention: keep the stream near this many entries (XADD MAXLEN ~). */
  maxLen?: number;
  /** Retention: drop entries older than this many ms (XADD MINID ~). */
  maxAgeMs?: number;
  /**
   * Publish this message id to this stream at most once within a window (needs `id`): a repeat
   * appends nothing and resolves with the first entry's id and `duplicate: true`. See idempotency.ts.
   * @defaultValue false
   */
  idempotent?: boolean | IdempotentPublishOptions;
  /** The requester instance that wants the answer (`bus.request` sets it; a handler answers with `reply()`). */
  replyTo?: string;
}

/** A message to publish: what `publish` takes, as one object (also what handlers return). */
export interface OutgoingMessage extends PublishOptions {
  stream: string;
  type: string;
  data: unknown;
  /**
   * A reply: deliver it to this requester instance's reply stream (`keys.replies(instance)`) instead
   * of `stream`, and only while that stream exists (NOMKSTREAM). Set by `reply()`; `stream` then only
   * names the contract to check, and a type without one there is sent unchecked.
   */
  toReplyStream?: string;
}

export interface PublishResult {
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

interface Prepared {
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
  if (m.toReplyStream === undefined) return { stream: m.stream, type: m.type, id, key: ctx.keys.stream(m.stream), fields, add };
  assertName('reply-to instance', m.toReplyStream);
  // A requester that is gone has no reply stream: the reply is dropped rather than left in a new key forever.
  add.noMkStream = true;
  return { stream: m.stream, type: m.type, id, key: ctx.keys.replies(m.toReplyStream), fields, add };
}

/** What a prepared message is, for an error message. */
export function describePrepared(p: Pick<Prepared, 'type' | 'stream' | 'id'>): string {
  return `message "${p.type}" (${p.id}) to stream "${p.stream}"`;
}

/** XADD one prepared message; Redis's OOM refusal becomes a RedisOutOfMemoryError (REDIS_OOM). */
async function append(ctx: PublisherContext, p: Prepared): Promise<string> {
  try {
    return String(await ctx.driver.call(xaddArgs(p.key, p.fields, p.add)));
  } catch (err) {
    throw asOutOfMemory(err, describePrepared(p), { stream: p.stream, type: p.type, id: p.id });
  }
}

/** Publish one message. */
export async function publishOne(ctx: PublisherContext, m: OutgoingMessage): Promise<PublishResult> {
  const p = prepareMessage(ctx, m);
  const windowMs = publishWindowMs(m);
  if (windowMs !== undefined) return publishOnce(ctx, p, windowMs);
  const entryId = await append(ctx, p);
  notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
  return { stream: p.stream, id: p.id, entryId };
}

/**
 * Publish many messages in one pipelined round trip. Every message is validated before any is sent;
 * if Redis rejects some, the error says which and how many were written.
 */
export async function publishMany(ctx: PublisherContext, messages: readonly OutgoingMessage[]): Promise<PublishResult[]> {
  const prepared = messages.map((m) => prepareMessage(ctx, m));
  if (prepared.length === 0) return [];
  if (messages.some((m) => m.idempotent)) {
    // Each idempotent one is its own script call; keep the batch's order by sending one at a time.
    const windows = messages.map((m) => publishWindowMs(m));
    const out: PublishResult[] = [];
    for (const [i, p] of prepared.entries()) {
      const windowMs = windows[i];
      if (windowMs !== undefined) out.push(await publishOnce(ctx, p, windowMs));
      else {
        out.push({ stream: p.stream, id: p.id, entryId: await append(ctx, p) });
        notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
      }
    }
    return out;
  }
  if (prepared.length === 1) {
    const p = prepared[0]!;
    const entryId = await append(ctx, p);
    notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
    return [{ stream: p.stream, id: p.id, entryId }];
  }
  const results = await ctx.driver.pipeline(prepared.map((p) => xaddArgs(p.key, p.fields, p.add)));
  const out: PublishResult[] = [];
  const failed: string[] = [];
  let outOfMemory = 0;
  results.forEach((r, i) => {
    const p = prepared[i]!;
    if (r.ok) {
      out.push({ stream: p.stream, id: p.id, entryId: String(r.value) });
      notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
    } else {
      failed.push(`#${i} (${p.type} on ${p.stream}): ${r.error.message}`);
      if (isOutOfMemory(r.error)) outOfMemory++;
    }
  });
  if (failed.length > 0 && outOfMemory === failed.length) {
    throw new RedisOutOfMemoryError(`${failed.length} of ${prepared.length} messages`, { details: { published: out } });
  }
  if (failed.length > 0) {
    throw new HiveError('REDIS_ERROR', `${failed.length} of ${prepared.length} messages were not published: ${failed.join('; ')}`, {
      details: { published: out },
    });
  }
  return out;
}
