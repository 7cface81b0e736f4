/**
 * Besides new entries, a subscription handles those that come back, each pass bounded by the free
 * handler slots (so backpressure holds for them too). First, once, after it starts:
 *   - own pending: what this consumer (by its stable name) held when its process last stopped,
 *     from the stream and then from the group's redrive stream (XREADGROUP from 0).
 * Then, between reads, each pass when it is due:
 *   - due retries: this consumer's failed entries whose backoff has passed (from the stream and
 *     from the group's redrive stream). Looked for (every `retry.baseMs / 4`, 25 ms to 1 s) only
 *     while something of this process may be waiting for its retry, for the longest backoff after
 *     the latest sign of it: a failed delivery (`retried()`), or an entry this process may have left
 *     on its pending list without counting it (`watch()`: an ack Redis did not take, a read whose
 *     answer was lost, a failure Redis could not be told of). Otherwise never: an idle group does
 *     not ask Redis for its pending entries at all (BENCHMARKS.md, issue 18: that polling was most
 *     of an idle network's commands, first four times a second, then every 5 s). What this process
 *     cannot know of is the reclaim pass's;
 *   - reclaim: entries idle past `claimIdleMs` on any consumer of the group (a crashed one);
 *   - cleanup: consumers long dead with nothing pending are removed from the group.
 */
import { xreadgroup, type StreamEntry } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import type { Logger } from './logger.js';
import type { ClaimedEntry, Reclaimer } from './reclaimer.js';
import type { RetryPolicy } from './retries.js';

/**
 * An idle turn of the loop (a read's timeout, a reclaim pass) comes up to this share
 * of its interval early, at random. Redis answers a timed-out blocking read at its next cron tick
 * (every 100 ms at hz 10) or at the next command it serves, whichever comes first, so a timeout
 * that falls inside a message's commands is answered, and re-armed, on that message's path. Fixed
 * intervals line timeouts up with it: the loops a message woke all time out one interval later,
 * on the path of a message sent at a period that divides it (BENCHMARKS.md, issue 18: at 2 msg/s,
 * 2 s blocks), and the subscriptions an agent started together reclaim together.
 */
const IDLE_TURN_JITTER = 0.2;

/** `ms`, less up to IDLE_TURN_JITTER of it, at random. */
export function jittered(ms: number): number {
  return Math.max(1, Math.round(ms * (1 - IDLE_TURN_JITTER * Math.random())));
}

export interface RecoveryOptions {
  readonly driver: RedisDriver;
  readonly group: string;
  readonly consumer: string;
  readonly key: string;
  readonly redriveKey: string;
  readonly reclaimer: Reclaimer;
  readonly redriveReclaimer: Reclaimer;
  readonly retry: RetryPolicy;
  readonly claimIdleMs: number;
  readonly log: Logger;
  /** Handler slots free right now. */
  free(): number;
  /** Entries being handled right now (any of them may fail and want a retry). */
  inFlight(): number;
  /** Hand an entry to the subscription's handling. */
  dispatch(key: string, entry: StreamEntry, deliveryCount: number | undefined): void;
}

/** The entries of one subscription that come back, and when each pass is next due. */
export class Recovery {
  /** When each pass is next due (epoch ms; 0: at once); the retry pass only while watching for retries. */
  private readonly due = { retry: 0, reclaim: 0, cleanup: 0 };
  /** Until when retries are looked for often: the longest backoff after the latest failure. */
  private watchRetriesUntil = 0;
  /** Failed deliveries of this process not yet claimed back for their retry. */
  private retriesOwed = 0;
  /** For what `watch()` was told of: a pass is owed at or after this time (however late the loop comes round); 0: none. */
  private lastPassAt = 0;
  /** Where draining own pending entries has got to; undefined once done. */
  private drain: { key: string; cursor: string } | undefined;

  constructor(private readonly o: RecoveryOptions) {
    this.drain = { key: o.key, cursor: '0' };
  }

  /**
   * Hand on the next page of this consumer's own pending entries; false once there are none left
   * (or after the group was re-created: a new group has nothing pending).
   */
  async drainOwnPending(): Promise<boolean> {
    const o = this.o;
    const drain = this.drain;
    if (!drain) return false;
    const reads = await xreadgroup(o.driver, o.group, o.consumer, [drain.key], [drain.cursor], { count: o.free() });
    const entries = reads[0]?.entries ?? [];
    if (entries.length === 0) {
      // The stream first, then this group's redrive stream.
      this.drain = drain.key === o.key ? { key: o.redriveKey, cursor: '0' } : undefined;
      return this.drain !== undefined;
    }
    drain.cursor = entries[entries.length - 1]!.id;
    const reclaimer = drain.key === o.key ? o.reclaimer : o.redriveReclaimer;
    const counts = await reclaimer.deliveryCounts(entries[0]!.id, drain.cursor, entries.length);
    o.log.info({ count: entries.length }, 'handling entries left pending by this consumer before it restarted');
    for (const e of entries) o.dispatch(drain.key, e, counts.get(e.id));
    return true;
  }

  /** A delivery failed and will be retried: look for due retries often until it has been (and its longest backoff has passed). */
  retried(now: number = Date.now()): void {
    this.retriesOwed++;
    this.watchFor(now);
  }

  /**
   * An entry of this consumer may have been left pending without a failure counted for it (an ack
   * Redis did not take, a read whose answer was lost): look for due retries often until the longest
   * backoff has passed, as after a failure. What is still there after that is the reclaim pass's.
   * A read already blocking is not cut short: the first pass comes when it ends (within blockMs),
   * and one pass comes after the window however late that is.
   */
  watch(now: number = Date.now()): void {
    this.lastPassAt = Math.max(this.lastPassAt, this.watchFor(now));
  }

  /** Look for due retries often until the longest backoff from `now` has passed; returns when that is. */
  private watchFor(now: number): number {
    const { retry } = this.o;
    const until = now + Math.ceil(retry.maxMs * (1 + retry.jitter)) + this.retryCadenceMs();
    this.watchRetriesUntil = Math.max(this.watchRetriesUntil, until);
    this.due.retry = Math.min(this.due.retry, now + this.retryCadenceMs());
    return until;
  }

  /** Milliseconds until a retry or reclaim pass is due: the longest a read may block. */
  msUntilDue(now: number = Date.now()): number {
    let retryDue = Number.POSITIVE_INFINITY;
    if (this.watchingRetries(now)) retryDue = this.due.retry;
    // An entry in flight may fail: the loop comes round within the cadence to see it (no pass unless it did).
    else if (this.o.inFlight() > 0) retryDue = now + this.retryCadenceMs();
    return Math.min(retryDue, this.due.reclaim) - now;
  }

  /** A failure of ours is still waiting for its retry (or was lately: a late loop must not miss it). */
  private watchingRetries(now: number): boolean {
    return this.retriesOwed > 0 || now < this.watchRetriesUntil || this.lastPassAt > 0;
  }

  private retryCadenceMs(): number {
    return Math.min(1_000, Math.max(25, Math.floor(this.o.retry.baseMs / 4)));
  }

  /** After the group was re-created: nothing of ours is pending any more, and the reclaim pass is due now. */
  groupRecreated(): void {
    this.drain = undefined;
    this.due.reclaim = 0;
  }

  /** Run every pass that is due. */
  async run(): Promise<void> {
    const o = this.o;
    const now = Date.now();
    const dispatchAll = (key: string, entries: readonly ClaimedEntry[]) => {
      for (const e of entries) o.dispatch(key, e, e.deliveryCount);
    };
    if (now >= this.due.retry && this.watchingRetries(now)) {
      this.due.retry = now + this.retryCadenceMs();
      if (this.lastPassAt > 0 && now >= this.lastPassAt) this.lastPassAt = 0;
      const due = await o.reclaimer.claimDueRetries(o.free());
      const redriven = await o.redriveReclaimer.claimDueRetries(o.free());
      this.retriesOwed = Math.max(0, this.retriesOwed - due.length - redriven.length);
      dispatchAll(o.key, due);
      dispatchAll(o.redriveKey, redriven);
    }
    if (now >= this.due.reclaim) {
      this.due.reclaim = now + jittered(Math.max(50, Math.floor(o.claimIdleMs / 2)));
      const claimed = await o.reclaimer.reclaimIdle(o.free());
      if (claimed.length > 0) {
        const counts = await o.reclaimer.deliveryCounts(claimed[0]!.id, claimed[claimed.length - 1]!.id, Math.max(claimed.length * 2, 16));
        for (const e of claimed) o.dispatch(o.key, e, counts.get(e.id));
      }
      // Redriven entries left by a crashed consumer; their delivery counts are fetched if they fail.
      dispatchAll(o.redriveKey, await o.redriveReclaimer.reclaimIdle(o.free()));
    }
    if (now >= this.due.cleanup) {
      this.due.cleanup = now + Math.max(o.claimIdleMs, 60_000);
      await o.reclaimer.removeDeadConsumers();
      await o.redriveReclaimer.removeDeadConsumers();
    }
  }
}
