/**
 * One delivered entry, as the steps of handling.ts see it, and the context its handler gets.
 *
 * A step is a function from a delivery to how it settled; a middleware wraps the next step and
 * returns a step. Three shapes, by how far along the entry is:
 *   - `EntryStep`: the raw entry (fields as read), before decoding;
 *   - `MessageStep`: the decoded, checked message;
 *   - `Handle`: the handler itself, resolving with the follow-ups it returned.
 * A step that throws (rejects) says "this delivery failed"; the retry-or-dead-letter step turns
 * that into a retry or a dead letter. What an entry settles as tells the consumer what to do.
 */
import type { StreamEntry } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import type { Message } from './envelope.js';
import type { Logger } from './logger.js';
import type { HandleOutcome } from './observer.js';
import type { OutgoingMessage } from './outgoing.js';
import type { Reclaimer } from './reclaimer.js';
import type { Handler, HandlerContext } from './subscribe-options.js';

/**
 * How a delivery settled. The consumer acks "acked", "skipped" and "duplicate"; "retried" was left
 * pending for its retry and "dead_lettered" was acked with its dead letter, both by their step;
 * "pending" is left as it is (shutdown gave up on it, or Redis could not be told).
 */
export type Settled = HandleOutcome | 'pending';

export type EntryStep = (d: Delivery) => Promise<Settled>;
export type MessageStep = (message: Message, d: Delivery) => Promise<Settled>;
export type Handle = (message: Message, d: Delivery) => Promise<readonly OutgoingMessage[]>;

/** What a delivery needs of the pending list its entry is on (the Reclaimer of its stream key). */
export type PendingList = Pick<Reclaimer, 'deliveryCount' | 'releaseForRetry' | 'renewLeases'>;

/** A handled mark to write together with an entry's ack (acks.ts): the group's marks, and the message id. */
export interface MarkOnAck {
  readonly marks: UnwrittenMarks;
  readonly messageId: string;
}

/** A group's handled marks as the batched ack writes them (middleware/idempotency.ts). */
export interface UnwrittenMarks {
  /**
   * Mark the message ids of `pairs` (message id, entry id, …) handled and ack their entries on stream
   * key `key` as `group`, in one script (deleting them too with `deleteAcked`); written or failed,
   * their marks are no longer waited for.
   */
  writeWithAcks(key: string, group: string, pairs: readonly string[], deleteAcked: boolean, options?: WriteWithAcksOptions): Promise<void>;
}

export interface WriteWithAcksOptions {
  /** The connection to write over; default: the marks' driver. */
  readonly via?: RedisDriver;
  /**
   * Carried ahead of a blocking read on `via` (acks.ts): the script by its SHA alone (its source, sent
   * after a NOSCRIPT, would wait behind the read), and a failure leaves the ids unwritten, still
   * marked here, for the caller's next try over the marks' own connection.
   */
  readonly carried?: boolean;
  /** The time the marks count from (tests); default now. */
  readonly now?: number;
}

/** What a delivery needs of the subscription that read it. */
export interface DeliverySource {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly log: Logger;
  /** True once shutdown gave up on the handlers still running. */
  readonly closed: boolean;
}

/** One entry read by a subscription, from its read until it settles. */
export class Delivery {
  /** The checked message, set by the decode step. */
  message: Message | undefined = undefined;
  /** When its lease was last renewed, ms since epoch. */
  leaseAt = Date.now();
  /** Set once it has settled: a handler still running after its timeout no longer renews the lease. */
  settled = false;
  /** Set by the idempotency step when it settles as "acked": the mark its ack writes with it (acks.ts). */
  markOnAck: MarkOnAck | undefined = undefined;
  /**
   * Read for the first time: new to the group (XREADGROUP `>`) from the stream itself, after the
   * group's check-from boundary (middleware/idempotency.ts). Not a retry, a reclaim, this consumer's
   * own pending entries, nor a dead letter retried to the group. Set by the consumer.
   */
  fresh = false;
  // Made on first use: most handlers never look at their signal, and one controller per message costs.
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private childLog: Logger | undefined;

  constructor(
    /** The stream key it was read from: the stream, or the group's redrive stream. */
    readonly key: string,
    readonly entry: StreamEntry,
    /** Known on every path but right after a reclaim; `count()` fetches it then. */
    readonly deliveryCount: number | undefined,
    private readonly pending: PendingList,
    readonly source: DeliverySource,
  ) {}

  /** True once shutdown gave up on this delivery: nothing may be published, acked or recorded for it. */
  get abandoned(): boolean {
    return this.source.closed;
  }

  /** The subscription's logger bound to this entry (and, once decoded, to its message). */
  get log(): Logger {
    const m = this.message;
    return (this.childLog ??= this.source.log.child(m ? { corr: m.corr, msgId: m.id, type: m.type, entryId: this.entry.id } : { entryId: this.entry.id }));
  }

  /** Aborted by `abort()`; an already aborted signal when asked for after it. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Abort the handler's signal (timeout, or shutdown giving up); the first reason wins. */
  abort(reason: unknown): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** The delivery count, fetched from the pending list when it is not known. */
  async count(): Promise<number> {
    return this.deliveryCount ?? (await this.pending.deliveryCount(this.entry.id)) ?? 1;
  }

  /** Leave the entry pending with its idle time reset: it is claimed again after its backoff. */
  release(): Promise<void> {
    return this.pending.releaseForRetry(this.entry.id);
  }

  /** Renew the lease now; nothing once the delivery has settled. */
  async extendLease(): Promise<void> {
    if (this.settled) return;
    this.leaseAt = Date.now();
    await this.pending.renewLeases([this.entry.id]);
  }
}

/**
 * A handler's context. A class rather than an object literal with closures, because one is made
 * per message. The plain fields are own properties, so `{ ...ctx }` keeps them; `signal` and `log`
 * (made on first use) and `extendLease` are getters, which a spread does not copy: name them
 * (`{ ...ctx, signal: ctx.signal, log: ctx.log, extendLease: ctx.extendLease }`).
 */
class MessageContext implements HandlerContext {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly entryId: string;
  readonly entryFields: readonly string[];
  readonly deliveryCount: number | undefined;
  constructor(private readonly d: Delivery) {
    this.stream = d.source.stream;
    this.group = d.source.group;
    this.consumer = d.source.consumer;
    this.entryId = d.entry.id;
    // Never null here: the consumer acks an entry deleted while pending before any step sees it.
    this.entryFields = d.entry.fields ?? [];
    this.deliveryCount = d.deliveryCount;
  }
  get signal(): AbortSignal {
    return this.d.signal;
  }
  get log(): Logger {
    return this.d.log;
  }
  /** A getter so that `const { extendLease } = ctx` still works. */
  get extendLease(): () => Promise<void> {
    return () => this.d.extendLease();
  }
  get followUpsUniqueForMs(): number | undefined {
    const d = this.d;
    // Not once the delivery settled: a handler still running after its timeout is being retried.
    return d.fresh && !d.settled ? d.message?.uniqueForMs : undefined;
  }
}

const NONE: readonly OutgoingMessage[] = [];

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** The innermost step: call the subscription's handler and hand on what it returned, as a list. */
export function callHandler(handler: Handler): Handle {
  return async (message, d) => {
    const returned = handler(message, new MessageContext(d));
    // A synchronous handler's result is taken as is: no extra microtask per message.
    const result = isPromiseLike(returned) ? await returned : returned;
    if (result === undefined || result === null) return NONE;
    return Array.isArray(result) ? (result as readonly OutgoingMessage[]) : [result as OutgoingMessage];
  };
}
