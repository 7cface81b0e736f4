/**
 * Consuming: one consumer group per (stream, agent), several consumers competing in it. This file
 * is the read loop and the leases; what happens to each entry read is the chain of steps in
 * handling.ts (decode, retry or dead-letter, idempotency, ordering, timeout, follow-ups…).
 *
 * The loop, per subscription:
 *   1. create the group (MKSTREAM) where missing;
 *   2. drain this consumer's own pending entries first: a restarted process with the same stable
 *      name picks up what it held when it died (recovery.ts);
 *   3. then read new entries (XREADGROUP >) of the stream and of the group's redrive stream (dead
 *      letters retried to this group) in one blocking read, on a dedicated connection, never more
 *      than there are free handler slots per stream (backpressure), and between reads run the
 *      passes of recovery.ts (due retries, reclaim from dead consumers). An idle read blocks for
 *      `blockMs` less up to a fifth, at random, or until the next pass is due. A lingering group
 *      (`lingerMs`) handles a read's entries that long after the read returned, and reads next
 *      what arrived meanwhile.
 *   4. under load, read ahead: one read asks for at most half the slots, and a read that came back
 *      full (more is waiting) has the next one sent at once, for the slots still free, before its
 *      own entries are handled. Redis serves that read while this process handles these entries,
 *      rather than each waiting for the other (BENCHMARKS.md: +15–25% msg/s at c=64). Not while a
 *      recovery pass is due: the loop comes round for it first.
 *
 * At most `concurrency` entries walk the chain at once. A read of both streams, or a pass of
 * both, can hand over up to twice the free slots: the rest wait their turn in flight (their
 * leases renewed), and the loop reads again only once slots are free.
 *
 * Each entry read walks the chain and settles; "acked", "skipped" and "duplicate" are acked,
 * batched into one XACK per tick (acks.ts). The loop reads again a turn after handing a read's
 * entries over, so that what settled meanwhile has its acks carried by that read: written on the
 * reading connection ahead of the XREADGROUP, one write for both. Leases of entries still being
 * handled are renewed half-way to `claimIdleMs`. A NOGROUP reply (Redis lost its data, or someone ran FLUSHALL)
 * re-creates the group from the start of the new stream and goes on.
 */
import { BatchedAcks, entryName } from './acks.js';
import { xgroupCreate, xreadgroup, type StreamEntry, type StreamRead } from './commands.js';
import { unwrapRedriven } from './dead-letters.js';
import { Delivery, type DeliverySource, type EntryStep, type Settled } from './delivery.js';
import type { RedisDriver } from './drivers/driver.js';
import { errorMessage, HiveError, isAclRefusal, isRedisError } from './errors.js';
import { buildHandling, handledMarks } from './handling.js';
import { entryIdAfter } from './ids.js';
import { assertName } from './keys.js';
import { checkFromArgs, checkFromHere, parseCheckFrom, type HandledMarks } from './middleware/idempotency.js';
import type { Logger } from './logger.js';
import { notify } from './observer.js';
import { jittered, Recovery } from './recovery.js';
import { Reclaimer } from './reclaimer.js';
import { subscriptionSettings, type SubscribeOptions, type SubscriptionContext, type Subscription, type SubscriptionSettings } from './subscribe-options.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/** What one read brought: its entries, how many it asked for, and the check-from boundary read behind it. */
interface ReadResult {
  readonly reads: StreamRead[];
  readonly asked: number;
  readonly checkFrom: string | undefined | null;
}

/** Start consuming `opts.stream` as `opts.group`; see the file comment for the guarantees. */
export function subscribe<T>(ctx: SubscriptionContext, opts: SubscribeOptions<T>): Subscription {
  return new SubscriptionImpl(ctx, opts as SubscribeOptions);
}

class SubscriptionImpl implements Subscription {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly ready: Promise<void>;

  private readonly settings: SubscriptionSettings;
  private readonly key: string;
  private readonly log: Logger;
  private readonly handling: EntryStep;
  private readonly source: DeliverySource;
  private readonly reclaimer: Reclaimer;
  /** Dead letters retried to this group only (see dead-letter-admin.ts); read, retried and reclaimed like the stream. */
  private readonly redriveKey: string;
  private readonly redriveReclaimer: Reclaimer;
  private readonly blocking: RedisDriver;
  /** The group's handled marks, when it asks them before handling (idempotent, with the check). */
  private readonly checked: HandledMarks | undefined;
  /**
   * Entries up to this one are asked about whatever they vouch (middleware/idempotency.ts), read with
   * every read; null when it could not be read or written (every entry is asked about).
   */
  private checkFrom: string | undefined | null = null;
  /** False once Redis refused the boundary's commands (an ACL written before them): vouched ids are asked about too. */
  private boundaryAllowed = true;

  private running = true;
  private closed = false;
  /** By `entryName`: the stream and the redrive stream each number their own entries. */
  private readonly inFlightMap = new Map<string, Delivery>();
  /** Deliveries walking the chain now (at most `concurrency`), and those in flight waiting for a turn. */
  private walking = 0;
  private readonly waiting: Delivery[] = [];
  /** Settled entries until their batched XACK is sent: the reclaimer must not take them (acks.ts). */
  private readonly acks: BatchedAcks;
  private slotWaiter: (() => void) | undefined;
  /** Ends the loop's linger (lingerMs): its entries are dispatched at once. */
  private endLinger: (() => void) | undefined;
  /** Resolves stop()'s wait once nothing is in flight. */
  private idleWaiter: (() => void) | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly loopDone: Promise<void>;
  private readonly recovery: Recovery;
  private turnedAt = Date.now();
  private loopEnded = false;
  /** True once the reading connection has connected (the driver reconnects it on its own after that). */
  private readerConnected = false;
  /** Slots promised to reads on their way. */
  private reserved = 0;
  /** A read sent ahead, before the last read's entries were handled. */
  private ahead: Promise<ReadResult> | undefined;

  constructor(
    private readonly ctx: SubscriptionContext,
    opts: SubscribeOptions,
  ) {
    assertName('stream', opts.stream);
    assertName('group', opts.group);
    const s = (this.settings = subscriptionSettings(opts));
    this.stream = opts.stream;
    this.group = opts.group;
    this.consumer = s.consumer;
    this.key = ctx.keys.stream(opts.stream);
    this.redriveKey = ctx.keys.redrive(opts.stream, opts.group);
    const log = (this.log = ctx.log.child({ stream: this.stream, group: this.group, consumer: this.consumer }));
    const marks = handledMarks(ctx, opts, s);
    this.checked = s.idempotencyCheck ? marks : undefined;
    this.handling = buildHandling(ctx, opts, s, log, marks);
    const isClosed = () => this.closed;
    this.source = { stream: this.stream, group: this.group, consumer: this.consumer, log, get closed() { return isClosed(); } };
    this.blocking = ctx.driver.duplicate(`hive:${this.group}:read`);
    const { driver, observers } = ctx;
    const { stream, group, consumer, key, redriveKey } = this;
    const { claimIdleMs, retry, deadConsumerMs } = s;
    // An ack Redis did not take leaves handled entries pending: the retry pass looks for them.
    this.acks = new BatchedAcks({ driver, group, redriveKey, log, onFailed: () => this.recovery.watch() });
    const isInFlight = (k: string) => (id: string) => this.inFlightMap.has(entryName(k === redriveKey, id)) || this.acks.has(k, id);
    const reclaimer = (this.reclaimer = new Reclaimer({ driver, key, stream, group, consumer, log, observers, claimIdleMs, retry, deadConsumerMs, isInFlight: isInFlight(key) }));
    const redriveReclaimer = (this.redriveReclaimer = new Reclaimer({ ...reclaimer.options, key: redriveKey, isInFlight: isInFlight(redriveKey) }));
    const free = () => this.free;
    const inFlight = () => this.inFlightMap.size;
    const dispatch = this.dispatch.bind(this);
    this.recovery = new Recovery({ driver, group, consumer, key, redriveKey, claimIdleMs, retry, log, reclaimer, redriveReclaimer, free, inFlight, dispatch });

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

  get loopTurnedAt(): number { return this.turnedAt; }
  get reading(): boolean { return !this.loopEnded; }

  /** Handler slots neither taken by an entry in flight nor promised to a read on its way. */
  private get free(): number {
    return this.settings.concurrency - this.inFlightMap.size - this.reserved;
  }

  /** The most one read asks for: half the slots, so that the next read can be on its way while a read's entries are handled. */
  private get readCap(): number {
    return Math.max(1, Math.ceil(this.settings.concurrency / 2));
  }

  // ---------------------------------------------------------------- the loop

  private async run(markReady: () => void, failReady: (err: unknown) => void): Promise<void> {
    for (let failures = 1; this.running; failures++) {
      try {
        await this.ensureGroup(this.settings.startId);
        break;
      } catch (err) {
        if (err instanceof HiveError) return failReady(err);
        this.log.warn({ err: errorMessage(err), attempt: failures }, 'cannot create consumer group yet; retrying');
        await sleep(Math.min(100 * 2 ** failures, 2_000));
      }
    }
    this.leaseTimer = setInterval(() => void this.renewDueLeases(), Math.max(50, Math.floor(this.settings.claimIdleMs / 4)));
    this.leaseTimer.unref();

    let failures = 0;
    markReady();
    while (this.running) {
      this.turnedAt = Date.now();
      try {
        // A read already on its way (sent ahead while the last one's entries were handled) is taken as it comes.
        let read = this.ahead;
        this.ahead = undefined;
        if (!read) {
          await this.waitForSlot();
          this.turnedAt = Date.now();
          if (!this.running) break;
          // Own pending entries first: what this consumer held when its process last stopped.
          if (await this.recovery.drainOwnPending()) continue;
          await this.recovery.run();
          if (!this.running) break;
          const free = this.free;
          if (free <= 0) continue;
          read = this.sendRead(Math.min(free, this.readCap));
        }
        const { reads, asked, checkFrom } = await read;
        this.reserved -= asked;
        this.checkFrom = checkFrom;
        failures = 0;
        let got = 0;
        let full = false;
        for (const r of reads) {
          got += r.entries.length;
          if (r.entries.length >= asked) full = true;
        }
        if (got === 0) continue;
        if (this.settings.lingerMs > 0) await this.linger();
        // A full read says more is waiting (one entry says little: not at concurrency 2): the next
        // read goes out now, before these entries are handled, so that Redis serves it while this
        // process works (within the free slots).
        else if (full && got > 1 && this.running && this.recovery.msUntilDue() > 0) {
          const free = this.free - got;
          if (free > 0) this.ahead = this.sendRead(Math.min(free, this.readCap));
          // A driver that writes on the next turn (node-redis) writes it then, ahead of this work.
          if (this.ahead) await nextTurn();
        }
        for (const r of reads) {
          const redriven = r.stream === this.redriveKey;
          for (const e of r.entries) this.dispatch(redriven ? this.redriveKey : this.key, e, 1, !redriven);
        }
        // One turn before reading again: what settles meanwhile has its ack carried by that read.
        await nextTurn();
      } catch (err) {
        this.reserved = 0;
        this.ahead = undefined;
        // Through connect() again: a driver that does not reconnect on its own is reconnected there.
        this.readerConnected = false;
        if (!this.running) break;
        if (isRedisError(err, 'NOGROUP')) {
          await this.recreateGroup();
          continue;
        }
        failures++;
        // Redis may have delivered what the lost answer held: those entries are ours, pending, unseen.
        this.recovery.watch();
        this.log.warn({ err: errorMessage(err), attempt: failures }, 'read failed; retrying');
        await sleep(Math.min(50 * 2 ** failures, 2_000));
      }
    }
  }

  /**
   * Send one read of up to `count` new entries of the stream and the redrive stream (its slots
   * reserved until it returns), the acks queued by now ahead of it and the check-from boundary
   * behind it, all in one write on the reading connection.
   */
  private sendRead(count: number): Promise<ReadResult> {
    this.reserved += count;
    // An idle read ends at a random point of its last fifth (IDLE_TURN_JITTER), not in step with periodic traffic.
    const wait = Math.max(1, Math.min(jittered(this.settings.blockMs), this.recovery.msUntilDue()));
    const send = () => {
      // The acks queued by now go ahead of the read, in its write (acks.ts).
      this.acks.carry(this.blocking);
      const read = xreadgroup(this.blocking, this.group, this.consumer, [this.key, this.redriveKey], ['>', '>'], { count, blockMs: wait });
      // Behind the read on its connection: Redis answers it once the read returns, in the same write.
      const from = this.checked && this.boundaryAllowed ? this.blocking.call(checkFromArgs(this.checked.key)).then(parseCheckFrom, (err: unknown) => this.boundaryRefused(err)) : null;
      return Promise.all([read, from]);
    };
    // Once connected, the driver queues commands while it reconnects: the read is handed over now,
    // not a microtask later, so that a read sent ahead is written before this turn's entries are handled.
    const sent = this.readerConnected ? send() : this.blocking.connect().then(() => ((this.readerConnected = true), send()));
    const result = sent.then(([reads, checkFrom]) => ({ reads, asked: count, checkFrom }));
    // A read sent ahead may fail before the loop comes for it; the loop still sees the failure then.
    result.catch(() => undefined);
    return result;
  }

  private async ensureGroup(startId: string): Promise<void> {
    // Before the group can exist anew: what is in the stream now may have been handled by a group of this name.
    if (this.checked && this.boundaryAllowed) await checkFromHere(this.ctx.driver, this.checked.key, this.key).catch((err: unknown) => this.boundaryRefused(err, true));
    if (await xgroupCreate(this.ctx.driver, this.key, this.group, startId)) this.log.info({ startAt: startId }, 'created consumer group');
    // The redrive stream holds only what was retried for this group: read all of it, whenever it was written.
    await xgroupCreate(this.ctx.driver, this.redriveKey, this.group, '0');
  }

  private async recreateGroup(): Promise<void> {
    this.log.error({ key: this.key }, 'consumer group is missing (Redis lost its data, or it was deleted); re-creating it from the start of the stream');
    try {
      // From "0": whatever is in the stream now was written after the loss and nobody has read it.
      await this.ensureGroup('0');
      this.recovery.groupRecreated();
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'cannot re-create the consumer group yet');
      await sleep(200);
    }
  }

  /**
   * The boundary could not be read (`null`: this read's entries are all asked about) or written.
   * Refused by the ACL (users written before the boundary existed), the group stops
   * trusting vouched ids for good and says so once; a failed write otherwise fails the group's
   * creation, which is retried.
   */
  private boundaryRefused(err: unknown, writing = false): null {
    if (isAclRefusal(err)) {
      if (this.boundaryAllowed) this.log.warn({ err: errorMessage(err) }, 'cannot read or write the check-from boundary in the handled marks (regenerate the ACL with hive acl); asking about every entry');
      this.boundaryAllowed = false;
      return null;
    }
    if (writing) throw err;
    return null;
  }

  private reclaimerFor(key: string): Reclaimer {
    return key === this.redriveKey ? this.redriveReclaimer : this.reclaimer;
  }

  /** Wait `lingerMs` (the read's entries pending on this consumer meanwhile); stop() ends the wait at once. */
  private linger(): Promise<void> {
    // A read that returned after stop() began is handled at once: stop() has already ended any wait.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endLinger?.(), this.settings.lingerMs);
      this.endLinger = () => {
        clearTimeout(timer);
        this.endLinger = undefined;
        resolve();
      };
    });
  }

  private waitForSlot(): Promise<void> {
    if (this.free > 0 || !this.running) return Promise.resolve();
    return new Promise((resolve) => (this.slotWaiter = resolve));
  }

  // ---------------------------------------------------------------- one entry

  /** `read`: new to the group, read from the stream itself (not retried, reclaimed, drained or redriven). */
  private dispatch(key: string, entry: StreamEntry, deliveryCount: number | undefined, read = false): void {
    const name = entryName(key === this.redriveKey, entry.id);
    if (this.inFlightMap.has(name) || this.acks.has(key, entry.id)) return;
    if (entry.fields === null) {
      // Deleted while pending (history read on Redis < 7): nothing to handle.
      this.acks.add(key, entry.id);
      notify(this.ctx.observers, 'trimmedWhilePending', { stream: this.stream, group: this.group, count: 1 });
      return;
    }
    // A retried dead letter carries its original entry as one field: the chain sees the original fields.
    if (key === this.redriveKey) entry = { ...entry, fields: unwrapRedriven(entry.fields) };
    const d = new Delivery(key, entry, deliveryCount, this.reclaimerFor(key), this.source);
    if (read && this.checkFrom !== null) d.fresh = this.checkFrom === undefined || entryIdAfter(entry.id, this.checkFrom);
    this.inFlightMap.set(name, d);
    if (this.walking < this.settings.concurrency) this.start(d);
    else this.waiting.push(d);
  }

  private start(d: Delivery): void {
    this.walking++;
    void this.walk(d);
  }

  /** Walk the entry down the chain, act on how it settled, then free its slot. */
  private async walk(d: Delivery): Promise<void> {
    const started = performance.now();
    let settled: Settled = 'pending';
    try {
      settled = await this.handling(d);
    } catch (err) {
      // The chain catches every failure of a delivery; this is a bug in a step, not a handler failure.
      d.log.error({ err: errorMessage(err) }, 'a handling step threw; the entry stays pending');
    } finally {
      d.settled = true;
      this.inFlightMap.delete(entryName(d.key === this.redriveKey, d.entry.id));
      this.walking--;
      const next = this.waiting.shift();
      if (next) this.start(next);
      if (this.inFlightMap.size === 0) this.idleWaiter?.();
      const w = this.slotWaiter;
      this.slotWaiter = undefined;
      w?.();
    }
    if (settled === 'acked' || settled === 'skipped' || settled === 'duplicate') this.acks.add(d.key, d.entry.id, settled === 'acked' ? d.markOnAck : undefined);
    else if (settled === 'retried') this.recovery.retried();
    // Left pending untold (Redis could not be told of a failure, a step threw): back once its backoff has passed.
    else if (settled === 'pending' && this.running) this.recovery.watch();
    if (settled === 'pending' || this.ctx.observers.length === 0) return; // no event object per message when nobody listens
    notify(this.ctx.observers, 'handled', { stream: this.stream, group: this.group, type: d.message?.type ?? 'unknown', outcome: settled, durationMs: performance.now() - started });
  }

  // ---------------------------------------------------------------- leases

  private async renewDueLeases(): Promise<void> {
    if (this.closed) return;
    const due = Date.now() - this.settings.claimIdleMs / 2;
    const now = Date.now();
    const stream: string[] = [];
    const redriven: string[] = [];
    for (const d of this.inFlightMap.values()) {
      if (d.leaseAt > due) continue;
      d.leaseAt = now;
      (d.key === this.redriveKey ? redriven : stream).push(d.entry.id);
    }
    if (stream.length + redriven.length === 0) return;
    try {
      const lost = [...(await this.reclaimer.renewLeases(stream)), ...(await this.redriveReclaimer.renewLeases(redriven))];
      if (lost.length > 0) this.log.warn({ lost }, 'lost the lease on entries still being handled (another consumer claimed them)');
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'lease renewal failed');
    }
  }

  // ---------------------------------------------------------------- shutdown

  async stop(): Promise<void> {
    if (!this.running && this.closed) return;
    this.running = false;
    this.slotWaiter?.();
    // Entries read and lingering are handled now, as any in flight, before the subscription closes.
    this.endLinger?.();
    // Interrupt the blocking read; the loop sees running=false and ends.
    this.blocking.disconnect();
    await this.loopDone.catch(() => undefined);
    // Read but not started: left pending, drained by this consumer when it comes back or claimed by another.
    for (const d of this.waiting.splice(0)) this.inFlightMap.delete(entryName(d.key === this.redriveKey, d.entry.id));
    if (this.inFlightMap.size > 0) {
      const { shutdownTimeoutMs } = this.settings;
      this.log.info({ inFlight: this.inFlightMap.size, timeoutMs: shutdownTimeoutMs }, 'waiting for running handlers');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        new Promise<void>((r) => (this.idleWaiter = r)).then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), shutdownTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const left = [...this.inFlightMap.values()];
        this.closed = true; // late finishers must not ack or publish: their entries go to other consumers
        this.log.warn({ left: left.length }, 'shutdown timeout: leaving unfinished entries pending for other consumers');
        const reason = new HiveError('BUS_CLOSED', 'subscription stopped');
        for (const d of left) d.abort(reason);
      }
    }
    await this.acks.flush();
    this.closed = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.blocking.close().catch(() => undefined);
    this.log.info({}, 'stopped');
  }
}
