/**
 * Consuming: one consumer group per (stream, agent), several consumers competing in it.
 *
 * The loop, per subscription:
 *   1. create the group (MKSTREAM) where missing;
 *   2. drain this consumer's own pending entries first (XREADGROUP from 0): a restarted process
 *      with the same stable name picks up what it held when it died;
 *   3. then read new entries (XREADGROUP >) on a dedicated blocking connection, never more than
 *      there are free handler slots (backpressure), and between reads run the reclaimer's passes.
 *
 * Each entry is decoded and validated; an invalid one is dead-lettered at once. A handler's return
 * means success: the messages it returns are published, then the entry is acked (acks are batched
 * into one XACK per tick). A throw means failure: retried with backoff until `maxDeliveries`, then
 * dead-lettered; an UnrecoverableError is dead-lettered at once. A NOGROUP reply (Redis lost its
 * data, or someone ran FLUSHALL) re-creates the group from the start of the new stream and goes on.
 */
import { hostname } from 'node:os';
import { xackArgs, xgroupCreate, xreadgroup, type StreamEntry } from './commands.js';
import type { ContractRegistry } from './contracts.js';
import { writeDeadLetter, DEFAULT_DEAD_LETTER_MAX_LEN } from './dead-letters.js';
import type { RedisDriver } from './drivers/driver.js';
import { decodeEntry, type Message } from './envelope.js';
import { ConfigError, DecodeError, errorMessage, HiveError, isRedisError, UnrecoverableError } from './errors.js';
import { handledMarksFor, type HandledMarks, type IdempotencyOptions } from './idempotency.js';
import { assertName, type Keys } from './keys.js';
import type { Logger } from './logger.js';
import { notify, type BusObserver, type HandleOutcome } from './observer.js';
import { publishMany, type OutgoingMessage, type PublisherContext } from './publisher.js';
import { Reclaimer, type ClaimedEntry } from './reclaimer.js';
import { retryPolicy, type RetryPolicy } from './retries.js';

/** Defaults, named so that docs and tests can refer to them. */
export const DEFAULT_CONCURRENCY = 1;
export const DEFAULT_MAX_DELIVERIES = 5;
export const DEFAULT_CLAIM_IDLE_MS = 30_000;
export const DEFAULT_BLOCK_MS = 2_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
export const DEFAULT_DEAD_CONSUMER_MS = 24 * 60 * 60 * 1000;
/** How often a subscription looks at its redrive stream (dead letters retried to its group). */
export const REDRIVE_POLL_MS = 1_000;

export interface HandlerContext {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /** The Redis stream entry id. */
  readonly entryId: string;
  /** 1 on the first delivery; known on every path except right after a reclaim, where it is fetched lazily. */
  readonly deliveryCount: number | undefined;
  /** Aborted when shutdown gives up waiting for this handler. */
  readonly signal: AbortSignal;
  /** Logger bound to this message's correlation id, type and entry. */
  readonly log: Logger;
  /** Renew this entry's lease now (the bus also does it on its own for long handlers). */
  extendLease(): Promise<void>;
}

/** Messages a handler returns are published (with `cause` and `corr` filled in) before the ack. */
export type HandlerResult = void | undefined | OutgoingMessage | readonly OutgoingMessage[];

export type Handler<T = unknown> = (message: Message<T>, ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;

export interface SubscribeOptions<T = unknown> {
  stream: string;
  /** Consumer group: one per (stream, agent). */
  group: string;
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
  /** Longest a blocking read waits before the loop looks around. @defaultValue 2000 */
  blockMs?: number;
  /** Where a newly created group starts: "new" ($), "all" (0) or an entry id. @defaultValue "new" */
  startAt?: 'new' | 'all' | string;
  /** Consumers with nothing pending, idle this long, are removed from the group. @defaultValue 1 day */
  deadConsumerMs?: number;
  /** Longest stop() waits for running handlers before leaving their entries pending. @defaultValue 10000 */
  shutdownTimeoutMs?: number;
  /** Only these types are handled; other (known) types are acked and skipped. @defaultValue all */
  types?: readonly string[];
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
   * per id for `ttlMs`, so it is for handlers whose side effects must not repeat. See idempotency.ts.
   * @defaultValue false
   */
  idempotent?: boolean | IdempotencyOptions;
}

export interface SubscriptionContext {
  readonly driver: RedisDriver;
  readonly keys: Keys;
  readonly contracts: ContractRegistry | undefined;
  readonly log: Logger;
  readonly observers: readonly BusObserver[];
  readonly maxMessageBytes: number;
  readonly publisher: PublisherContext;
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

interface InFlight {
  readonly entryId: string;
  readonly key: string;
  leaseAt: number;
}

interface Delivery {
  readonly key: string;
  readonly entry: StreamEntry;
  deliveryCount: number | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** What every handler of one subscription shares. */
interface ContextBase {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * A handler's context. A class rather than an object literal with closures, because one is made
 * per message. The plain fields are own properties, so `{ ...ctx }` keeps them; `log` (made on
 * first use: a child logger costs more than the dispatch) and `extendLease` are getters, which a
 * spread does not copy: name them (`{ ...ctx, log: ctx.log, extendLease: ctx.extendLease }`).
 */
class MessageContext implements HandlerContext {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly signal: AbortSignal;
  private childLog: Logger | undefined;
  constructor(
    private readonly base: ContextBase,
    private readonly message: Message,
    readonly entryId: string,
    readonly deliveryCount: number | undefined,
    private readonly slot: InFlight,
    private readonly reclaimer: Reclaimer,
  ) {
    this.stream = base.stream;
    this.group = base.group;
    this.consumer = base.consumer;
    this.signal = base.signal;
  }
  get log(): Logger {
    const m = this.message;
    return (this.childLog ??= this.base.log.child({ corr: m.corr, msgId: m.id, type: m.type, entryId: this.entryId }));
  }
  /** A getter so that `const { extendLease } = ctx` still works. */
  get extendLease(): () => Promise<void> {
    return async () => {
      this.slot.leaseAt = Date.now();
      await this.reclaimer.renewLeases([this.entryId]);
    };
  }
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer, got ${v}`, { option: name, value: v });
  return v;
}

/** Start consuming `opts.stream` as `opts.group`; see the file comment for the guarantees. */
export function subscribe<T>(ctx: SubscriptionContext, opts: SubscribeOptions<T>): Subscription {
  return new SubscriptionImpl(ctx, opts as SubscribeOptions<unknown>);
}

class SubscriptionImpl implements Subscription {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly ready: Promise<void>;

  private readonly key: string;
  private readonly concurrency: number;
  private readonly maxDeliveries: number;
  private readonly claimIdleMs: number;
  private readonly blockMs: number;
  private readonly shutdownTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly startId: string;
  private readonly types: ReadonlySet<string> | undefined;
  private readonly log: Logger;
  private readonly reclaimer: Reclaimer;
  /** Dead letters retried to this group only (see dead-letters.ts); read, retried and reclaimed like the stream. */
  private readonly redriveKey: string;
  private readonly redriveReclaimer: Reclaimer;
  private readonly handledMarks: HandledMarks | undefined;
  private nextRedrivePass = 0;
  private readonly blocking: RedisDriver;

  private running = true;
  private closed = false;
  private readonly inFlightMap = new Map<string, InFlight>();
  private readonly keyChains = new Map<string, Promise<void>>();
  private slotWaiter: (() => void) | undefined;
  /** Resolves stop()'s wait once nothing is in flight. */
  private idleWaiter: (() => void) | undefined;
  /**
   * One signal for every handler, aborted when shutdown gives up on the handlers still running:
   * the same effect as one controller per message, without allocating one per message.
   */
  private readonly shutdownController = new AbortController();
  private contextBase: ContextBase | undefined;
  private ackQueue = new Map<string, string[]>();
  private ackFlush: Promise<void> | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private loopDone: Promise<void>;
  private turnedAt = Date.now();
  private loopEnded = false;
  private nextRetryPass = 0;
  private nextReclaimPass = 0;
  private nextCleanupPass = 0;

  constructor(
    private readonly ctx: SubscriptionContext,
    private readonly opts: SubscribeOptions<unknown>,
  ) {
    assertName('stream', opts.stream);
    assertName('group', opts.group);
    this.stream = opts.stream;
    this.group = opts.group;
    const instance = opts.instance ?? process.env.HIVE_INSTANCE ?? '0';
    this.consumer = opts.consumer ?? `${opts.group}@${hostname()}#${instance}`;
    this.key = ctx.keys.stream(opts.stream);
    this.concurrency = positiveInt('concurrency', opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.maxDeliveries = positiveInt('maxDeliveries', opts.maxDeliveries ?? DEFAULT_MAX_DELIVERIES);
    this.claimIdleMs = positiveInt('claimIdleMs', opts.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS);
    this.blockMs = positiveInt('blockMs', opts.blockMs ?? DEFAULT_BLOCK_MS);
    this.shutdownTimeoutMs = opts.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    this.retry = retryPolicy(opts.retry);
    this.startId = opts.startAt === undefined || opts.startAt === 'new' ? '$' : opts.startAt === 'all' ? '0' : opts.startAt;
    this.types = opts.types ? new Set(opts.types) : undefined;
    this.log = ctx.log.child({ stream: this.stream, group: this.group, consumer: this.consumer });
    this.blocking = ctx.driver.duplicate(`hive:${this.group}:read`);
    this.reclaimer = new Reclaimer({
      driver: ctx.driver,
      key: this.key,
      stream: this.stream,
      group: this.group,
      consumer: this.consumer,
      claimIdleMs: this.claimIdleMs,
      retry: this.retry,
      deadConsumerMs: opts.deadConsumerMs ?? DEFAULT_DEAD_CONSUMER_MS,
      log: this.log,
      observers: ctx.observers,
      isInFlight: (id) => this.inFlightMap.has(id),
    });
    this.redriveKey = ctx.keys.redrive(opts.stream, opts.group);
    this.handledMarks = handledMarksFor(ctx.driver, ctx.keys, opts.stream, opts.group, opts.idempotent);
    this.redriveReclaimer = new Reclaimer({
      driver: ctx.driver,
      key: this.redriveKey,
      stream: this.stream,
      group: this.group,
      consumer: this.consumer,
      claimIdleMs: this.claimIdleMs,
      retry: this.retry,
      deadConsumerMs: opts.deadConsumerMs ?? DEFAULT_DEAD_CONSUMER_MS,
      log: this.log,
      observers: ctx.observers,
      isInFlight: (id) => this.inFlightMap.has(id),
    });

    let markReady!: () => void;
    let failReady!: (err: unknown) => void;
    this.ready = new Promise<void>((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    this.ready.catch(() => undefined);
    this.loopDone = this.run(markReady, failReady).finally(() => (this.loopEnded = true));
  }

  get inFlight(): number {
    return this.inFlightMap.size;
  }

  get loopTurnedAt(): number {
    return this.turnedAt;
  }

  get reading(): boolean {
    return !this.loopEnded;
  }

  private get free(): number {
    return this.concurrency - this.inFlightMap.size;
  }

  // ---------------------------------------------------------------- the loop

  private async run(markReady: () => void, failReady: (err: unknown) => void): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.ensureGroup(this.startId);
        break;
      } catch (err) {
        if (err instanceof HiveError) {
          failReady(err);
          return;
        }
        failures++;
        this.log.warn({ err: errorMessage(err), attempt: failures }, 'cannot create consumer group yet; retrying');
        await sleep(Math.min(100 * 2 ** failures, 2_000));
      }
    }
    this.leaseTimer = setInterval(() => void this.renewDueLeases(), Math.max(50, Math.floor(this.claimIdleMs / 4)));
    this.leaseTimer.unref();

    let drained = false;
    let drainKey = this.key;
    let drainCursor = '0';
    failures = 0;
    markReady();
    while (this.running) {
      this.turnedAt = Date.now();
      try {
        await this.waitForSlot();
        this.turnedAt = Date.now();
        if (!this.running) break;
        if (!drained) {
          // Own pending entries first: what this consumer held when its process last stopped.
          const reads = await xreadgroup(this.ctx.driver, this.group, this.consumer, [drainKey], [drainCursor], { count: this.free });
          const entries = reads[0]?.entries ?? [];
          if (entries.length === 0) {
            // The stream first, then this group's redrive stream.
            if (drainKey === this.key) [drainKey, drainCursor] = [this.redriveKey, '0'];
            else drained = true;
            continue;
          }
          drainCursor = entries[entries.length - 1]!.id;
          const counts = await this.reclaimerFor(drainKey).deliveryCounts(entries[0]!.id, drainCursor, entries.length);
          this.log.info({ count: entries.length }, 'handling entries left pending by this consumer before it restarted');
          for (const e of entries) this.dispatch({ key: drainKey, entry: e, deliveryCount: counts.get(e.id) });
          continue;
        }
        await this.maintenance();
        if (!this.running) break;
        const free = this.free;
        if (free <= 0) continue;
        const wait = Math.max(1, Math.min(this.blockMs, this.nextRetryPass - Date.now(), this.nextReclaimPass - Date.now(), this.nextRedrivePass - Date.now()));
        await this.blocking.connect();
        const reads = await xreadgroup(this.blocking, this.group, this.consumer, [this.key], ['>'], { count: free, blockMs: wait });
        failures = 0;
        for (const read of reads) for (const e of read.entries) this.dispatch({ key: this.key, entry: e, deliveryCount: 1 });
      } catch (err) {
        if (!this.running) break;
        if (isRedisError(err, 'NOGROUP')) {
          await this.recreateGroup();
          drained = true;
          continue;
        }
        failures++;
        this.log.warn({ err: errorMessage(err), attempt: failures }, 'read failed; retrying');
        await sleep(Math.min(50 * 2 ** failures, 2_000));
      }
    }
  }

  private async ensureGroup(startId: string): Promise<void> {
    const created = await xgroupCreate(this.ctx.driver, this.key, this.group, startId);
    if (created) this.log.info({ startAt: startId }, 'created consumer group');
    // The redrive stream holds only what was retried for this group: read all of it, whenever it was written.
    await xgroupCreate(this.ctx.driver, this.redriveKey, this.group, '0');
  }

  private async recreateGroup(): Promise<void> {
    this.log.error(
      { key: this.key },
      'consumer group is missing (Redis lost its data, or it was deleted); re-creating it from the start of the stream',
    );
    try {
      // From "0": whatever is in the stream now was written after the loss and nobody has read it.
      await this.ensureGroup('0');
      this.nextRetryPass = 0;
      this.nextReclaimPass = 0;
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'cannot re-create the consumer group yet');
      await sleep(200);
    }
  }

  /** Reclaimer passes that are due, each bounded by the free slots. */
  private async maintenance(): Promise<void> {
    const now = Date.now();
    if (now >= this.nextRetryPass) {
      this.nextRetryPass = now + Math.min(1_000, Math.max(25, Math.floor(this.retry.baseMs / 4)));
      for (const e of await this.reclaimer.claimDueRetries(this.free)) this.dispatch({ key: this.key, entry: e, deliveryCount: e.deliveryCount });
    }
    if (now >= this.nextReclaimPass) {
      this.nextReclaimPass = now + Math.max(50, Math.floor(this.claimIdleMs / 2));
      const claimed: ClaimedEntry[] = await this.reclaimer.reclaimIdle(this.free);
      if (claimed.length > 0) {
        const counts = await this.reclaimer.deliveryCounts(claimed[0]!.id, claimed[claimed.length - 1]!.id, Math.max(claimed.length * 2, 16));
        for (const e of claimed) this.dispatch({ key: this.key, entry: e, deliveryCount: counts.get(e.id) });
      }
      // Redriven entries left by a crashed consumer; their delivery counts are fetched if they fail.
      for (const e of await this.redriveReclaimer.reclaimIdle(this.free)) this.dispatch({ key: this.redriveKey, entry: e, deliveryCount: e.deliveryCount });
    }
    if (now >= this.nextRedrivePass) {
      // Polled, not read with the stream in one XREADGROUP: COUNT applies per stream there, so two
      // streams could hand over twice the free slots. A retried dead letter waits a second at most.
      this.nextRedrivePass = now + REDRIVE_POLL_MS;
      for (const e of await this.redriveReclaimer.claimDueRetries(this.free)) this.dispatch({ key: this.redriveKey, entry: e, deliveryCount: e.deliveryCount });
      if (this.free > 0) {
        const reads = await xreadgroup(this.ctx.driver, this.group, this.consumer, [this.redriveKey], ['>'], { count: this.free });
        for (const read of reads) for (const e of read.entries) this.dispatch({ key: this.redriveKey, entry: e, deliveryCount: 1 });
      }
    }
    if (now >= this.nextCleanupPass) {
      this.nextCleanupPass = now + Math.max(this.claimIdleMs, 60_000);
      await this.reclaimer.removeDeadConsumers();
      await this.redriveReclaimer.removeDeadConsumers();
    }
  }

  private reclaimerFor(key: string): Reclaimer {
    return key === this.redriveKey ? this.redriveReclaimer : this.reclaimer;
  }

  private waitForSlot(): Promise<void> {
    if (this.free > 0 || !this.running) return Promise.resolve();
    return new Promise((resolve) => (this.slotWaiter = resolve));
  }

  private releaseSlot(): void {
    const w = this.slotWaiter;
    this.slotWaiter = undefined;
    w?.();
  }

  // ---------------------------------------------------------------- one entry

  private dispatch(d: Delivery): void {
    if (this.inFlightMap.has(d.entry.id)) return;
    const slot: InFlight = { entryId: d.entry.id, key: d.key, leaseAt: Date.now() };
    this.inFlightMap.set(d.entry.id, slot);

    if (d.entry.fields === null) {
      // Deleted while pending (history read on Redis < 7): nothing to handle.
      this.queueAck(d.key, d.entry.id);
      notify(this.ctx.observers, 'trimmedWhilePending', { stream: this.stream, group: this.group, count: 1 });
      this.finish(d.entry.id);
      return;
    }

    const decoded = this.decode(d.entry.fields);
    if (!decoded.ok) {
      void this.deadLetter(d, decoded.error, 'unknown').finally(() => this.finish(d.entry.id));
      return;
    }
    const message = decoded.message;
    if (this.types && !this.types.has(message.type)) {
      this.queueAck(d.key, d.entry.id);
      this.observe(message.type, 'skipped', 0);
      this.finish(d.entry.id);
      return;
    }

    let orderKey: string | undefined;
    try {
      orderKey = this.opts.orderingKey?.(message);
    } catch (err) {
      // Thrown here it would leave the slot taken and the entry stuck in flight; it says the same
      // thing on every delivery, so the message is dead-lettered like any other it cannot take.
      const error = new HiveError('UNRECOVERABLE', `orderingKey threw: ${errorMessage(err)}`, { cause: err });
      void this.deadLetter(d, error, message.type).finally(() => this.finish(d.entry.id));
      return;
    }
    if (orderKey === undefined) {
      void this.handleThenFinish(d, message, slot);
      return;
    }
    const prev = this.keyChains.get(orderKey) ?? Promise.resolve();
    const next = prev.then(() => this.handleThenFinish(d, message, slot));
    this.keyChains.set(orderKey, next);
    void next.then(() => {
      if (this.keyChains.get(orderKey) === next) this.keyChains.delete(orderKey);
    });
  }

  private decode(fields: readonly string[]): { ok: true; message: Message } | { ok: false; error: HiveError } {
    const r = decodeEntry(fields, this.ctx.maxMessageBytes);
    if (!r.ok || !this.ctx.contracts) return r;
    const m = r.message;
    const contract = this.ctx.contracts.find(this.stream, m.type);
    if (!contract) {
      return { ok: false, error: new DecodeError('UNKNOWN_TYPE', `type "${m.type}" is not in the contract of stream "${this.stream}"`, 'type') };
    }
    const parsed = contract.decode(m.data, m.v);
    if (!parsed.ok) {
      return { ok: false, error: new DecodeError('SCHEMA_INVALID', `payload of "${m.type}" v${m.v} fails its schema: ${parsed.issues}`, 'data') };
    }
    return { ok: true, message: { ...m, v: contract.version, data: parsed.data } };
  }

  /** The entry is done with (handled, dead-lettered, skipped or given up): free its slot. */
  private finish(entryId: string): void {
    this.inFlightMap.delete(entryId);
    if (this.inFlightMap.size === 0) this.idleWaiter?.();
    this.releaseSlot();
  }

  /** handle(), then free the slot whatever happened (cheaper than `.finally()` once per message). */
  private async handleThenFinish(d: Delivery, message: Message, slot: InFlight): Promise<void> {
    try {
      await this.handle(d, message, slot);
    } finally {
      this.finish(d.entry.id);
    }
  }

  private async handle(d: Delivery, message: Message, slot: InFlight): Promise<void> {
    const started = performance.now();
    this.contextBase ??= { stream: this.stream, group: this.group, consumer: this.consumer, signal: this.shutdownController.signal, log: this.log };
    const hctx = new MessageContext(this.contextBase, message, d.entry.id, d.deliveryCount, slot, this.reclaimerFor(d.key));
    let result: HandlerResult;
    try {
      if (this.handledMarks && (await this.handledMarks.has(message.id))) {
        // Handled before (by this group, within the marks' ttl): ack it, do not run the handler again.
        this.queueAck(d.key, d.entry.id);
        this.observe(message.type, 'duplicate', performance.now() - started);
        return;
      }
      const returned = this.opts.handler(message, hctx);
      // A synchronous handler's result is taken as is: no extra microtask per message.
      result = isPromiseLike(returned) ? await returned : returned;
    } catch (err) {
      await this.onFailure(d, message, err, hctx.log, started);
      return;
    }
    if (this.closed) return; // shutdown gave up on this handler; its entry stays pending for others
    try {
      const out = result === undefined ? [] : Array.isArray(result) ? (result as readonly OutgoingMessage[]) : [result as OutgoingMessage];
      if (out.length > 0) {
        // Follow-ups first, ack after: a crash in between redelivers the input, never loses the output.
        await publishMany(
          this.ctx.publisher,
          out.map((o) => ({ ...o, corr: o.corr ?? message.corr, cause: o.cause ?? message.id, traceparent: o.traceparent ?? message.traceparent })),
        );
      }
    } catch (err) {
      await this.onFailure(d, message, err, hctx.log, started);
      return;
    }
    if (this.handledMarks) {
      try {
        // Marked before the ack: a crash between the two finds the mark on redelivery (idempotency.ts).
        await this.handledMarks.mark(message.id);
      } catch (err) {
        hctx.log.warn({ err: errorMessage(err) }, 'could not mark the message handled; it stays pending and will be retried');
        await this.reclaimerFor(d.key).releaseForRetry(d.entry.id).catch(() => undefined);
        return;
      }
    }
    this.queueAck(d.key, d.entry.id);
    this.observe(message.type, 'acked', performance.now() - started);
  }

  private async onFailure(d: Delivery, message: Message, err: unknown, log: Logger, started: number): Promise<void> {
    const duration = performance.now() - started;
    if (this.closed) return;
    try {
      if (err instanceof UnrecoverableError || (err instanceof HiveError && (err.code === 'SCHEMA_INVALID' || err.code === 'UNKNOWN_TYPE' || err.code === 'MESSAGE_TOO_LARGE'))) {
        // A follow-up that cannot be published will not become publishable by retrying either.
        log.error({ err: errorMessage(err), code: err.code }, 'handler failed for good; dead-lettering');
        await this.deadLetter(d, err, message.type);
        return;
      }
      const count = d.deliveryCount ?? (await this.reclaimerFor(d.key).deliveryCount(d.entry.id)) ?? 1;
      if (count >= this.maxDeliveries) {
        log.error({ err: errorMessage(err), deliveryCount: count }, 'handler failed on its last delivery; dead-lettering');
        await this.deadLetter(d, new HiveError('MAX_DELIVERIES', `failed ${count} times; last error: ${errorMessage(err)}`), message.type, count);
        return;
      }
      log.warn({ err: errorMessage(err), deliveryCount: count }, 'handler failed; will retry');
      await this.reclaimerFor(d.key).releaseForRetry(d.entry.id);
      this.observe(message.type, 'retried', duration);
    } catch (e) {
      // Redis unreachable: the entry stays pending and comes back after claimIdleMs.
      log.warn({ err: errorMessage(e) }, 'could not record the failure; the entry stays pending');
    }
  }

  private async deadLetter(d: Delivery, err: HiveError, type: string, count?: number): Promise<void> {
    try {
      const deliveryCount = count ?? d.deliveryCount ?? (await this.reclaimerFor(d.key).deliveryCount(d.entry.id)) ?? 1;
      const id = await writeDeadLetter(
        this.ctx.driver,
        this.ctx.keys,
        d.key,
        {
          stream: this.stream,
          entryId: d.entry.id,
          group: this.group,
          consumer: this.consumer,
          deliveryCount,
          reason: err.code,
          error: err.message,
          field: err instanceof DecodeError ? err.field : undefined,
          at: Date.now(),
        },
        d.entry.fields,
        this.opts.deadLetterMaxLen ?? DEFAULT_DEAD_LETTER_MAX_LEN,
      );
      if (id !== null) {
        this.log.warn({ entryId: d.entry.id, reason: err.code, error: err.message, deadLetterId: id }, 'dead-lettered');
        notify(this.ctx.observers, 'deadLettered', { stream: this.stream, group: this.group, reason: err.code });
        this.observe(type, 'dead_lettered', 0);
      }
    } catch (e) {
      this.log.warn({ err: errorMessage(e), entryId: d.entry.id }, 'could not dead-letter; the entry stays pending');
    }
  }

  private observe(type: string, outcome: HandleOutcome, durationMs: number): void {
    if (this.ctx.observers.length === 0) return; // no event object per message when nobody listens
    notify(this.ctx.observers, 'handled', { stream: this.stream, group: this.group, type, outcome, durationMs });
  }

  // ---------------------------------------------------------------- acks and leases

  private queueAck(key: string, entryId: string): void {
    let ids = this.ackQueue.get(key);
    if (!ids) this.ackQueue.set(key, (ids = []));
    ids.push(entryId);
    this.ackFlush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flushAcks());
  }

  private async flushAcks(): Promise<void> {
    const batch = this.ackQueue;
    this.ackQueue = new Map();
    this.ackFlush = undefined;
    if (batch.size === 0) return;
    // A redriven entry is read by this group alone: once acked it is deleted.
    const cmds = [...batch].flatMap(([key, ids]) => (key === this.redriveKey ? [xackArgs(key, this.group, ids), ['XDEL', key, ...ids]] : [xackArgs(key, this.group, ids)]));
    try {
      const results = await this.ctx.driver.pipeline(cmds);
      for (const r of results) if (!r.ok) throw r.error;
    } catch (err) {
      // Not acked means still pending: redelivered later (at-least-once), never lost.
      this.log.warn({ err: errorMessage(err), count: [...batch.values()].reduce((n, ids) => n + ids.length, 0) }, 'ack failed; entries stay pending');
    }
  }

  private async renewDueLeases(): Promise<void> {
    const due = Date.now() - this.claimIdleMs / 2;
    const ids: string[] = [];
    for (const f of this.inFlightMap.values()) if (f.leaseAt <= due) ids.push(f.entryId);
    if (ids.length === 0 || this.closed) return;
    const now = Date.now();
    for (const id of ids) {
      const f = this.inFlightMap.get(id);
      if (f) f.leaseAt = now;
    }
    try {
      const redriven = ids.filter((id) => this.inFlightMap.get(id)?.key === this.redriveKey);
      const lost = [
        ...(await this.reclaimer.renewLeases(ids.filter((id) => !redriven.includes(id)))),
        ...(await this.redriveReclaimer.renewLeases(redriven)),
      ];
      if (lost.length > 0) this.log.warn({ lost }, 'lost the lease on entries still being handled (another consumer claimed them)');
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'lease renewal failed');
    }
  }

  // ---------------------------------------------------------------- shutdown

  async stop(): Promise<void> {
    if (!this.running && this.closed) return;
    this.running = false;
    this.releaseSlot();
    // Interrupt the blocking read; the loop sees running=false and ends.
    this.blocking.disconnect();
    await this.loopDone.catch(() => undefined);
    const pending = [...this.inFlightMap.values()];
    if (pending.length > 0) {
      this.log.info({ inFlight: pending.length, timeoutMs: this.shutdownTimeoutMs }, 'waiting for running handlers');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        new Promise<void>((r) => (this.idleWaiter = r)).then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), this.shutdownTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const left = [...this.inFlightMap.values()];
        this.closed = true; // late finishers must not ack or publish: their entries go to other consumers
        this.log.warn({ left: left.length }, 'shutdown timeout: leaving unfinished entries pending for other consumers');
        if (left.length > 0) this.shutdownController.abort(new HiveError('BUS_CLOSED', 'subscription stopped'));
      }
    }
    await this.ackFlush;
    await this.flushAcks();
    this.closed = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.blocking.close().catch(() => undefined);
    this.log.info({}, 'stopped');
  }
}
