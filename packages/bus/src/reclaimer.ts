/**
 * Crash recovery and retries, from the pending entries list (PEL) alone:
 *
 * - Leases. An entry a handler is working on has its idle time reset (renew-lease script) once it
 *   is half-way to `claimIdleMs`, so no other consumer reclaims it while the handler runs.
 * - Retries. A failed entry stays pending with its idle time reset; once idle for
 *   `retryDelayMs(deliveryCount)` this consumer claims it again (XCLAIM, which counts a delivery).
 * - Reclaim. Entries idle past `claimIdleMs` on any consumer (a crashed one) are taken with
 *   XAUTOCLAIM by a live consumer.
 * - Trimmed while pending. Entries deleted from the stream while pending are dropped from the
 *   PEL (Redis 7 does it in XAUTOCLAIM/XCLAIM; on Redis 6.2 we XACK them) and counted, never
 *   reclaimed forever.
 * - Dead consumers with nothing pending and idle past a limit are removed from the group.
 */
import { xack, xautoclaim, xclaim, xinfoConsumers, xpending, xrange, type StreamEntry } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import type { Logger } from './logger.js';
import { notify, type BusObserver } from './observer.js';
import { retryDelayMs, type RetryPolicy } from './retries.js';
import { SCRIPTS, runScript } from './scripts.js';

/** An entry obtained from the PEL, with its delivery count after this claim. */
export interface ClaimedEntry extends StreamEntry {
  readonly deliveryCount: number | undefined;
}

export interface ReclaimerContext {
  readonly driver: RedisDriver;
  readonly key: string;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly claimIdleMs: number;
  readonly retry: RetryPolicy;
  readonly deadConsumerMs: number;
  readonly log: Logger;
  readonly observers: readonly BusObserver[];
  /** Entry ids this process is handling right now. */
  isInFlight(entryId: string): boolean;
}

export class Reclaimer {
  private autoclaimCursor = '0-0';

  constructor(private readonly ctx: ReclaimerContext) {}

  /** What this reclaimer was made with (to make another on a second key). */
  get options(): ReclaimerContext {
    return this.ctx;
  }

  /** Reset the idle time of entries still being handled; returns the ids this consumer no longer owns. */
  async renewLeases(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { driver, key, group, consumer } = this.ctx;
    const r = await runScript(driver, SCRIPTS.renewLease, [key], [group, consumer, ...ids]);
    const lost = Array.isArray(r) ? r.map(String) : [];
    if (lost.length > 0) notify(this.ctx.observers, 'leaseLost', { stream: this.ctx.stream, group, count: lost.length });
    return lost;
  }

  /** Put a failed entry back to wait for its retry: keep it pending and reset its idle time. */
  async releaseForRetry(entryId: string): Promise<void> {
    await this.renewLeases([entryId]);
  }

  /** The delivery count of one pending entry (fetched only on the failure path). */
  async deliveryCount(entryId: string): Promise<number | undefined> {
    const rows = await xpending(this.ctx.driver, this.ctx.key, this.ctx.group, { start: entryId, end: entryId, count: 1 });
    return rows[0]?.deliveryCount;
  }

  /** Delivery counts for entries of this consumer in [start, end]. */
  async deliveryCounts(start: string, end: string, count: number): Promise<Map<string, number>> {
    const rows = await xpending(this.ctx.driver, this.ctx.key, this.ctx.group, { start, end, count, consumer: this.ctx.consumer });
    return new Map(rows.map((r) => [r.id, r.deliveryCount]));
  }

  /** Claim this consumer's failed entries whose retry delay has passed; at most `limit`. */
  async claimDueRetries(limit: number): Promise<ClaimedEntry[]> {
    if (limit <= 0) return [];
    const { driver, key, group, consumer, retry } = this.ctx;
    const rows = await xpending(driver, key, group, { minIdleMs: retry.baseMs * (1 - retry.jitter), count: Math.max(limit * 4, 16), consumer });
    const due = rows
      .filter((r) => !this.ctx.isInFlight(r.id) && r.idleMs >= retryDelayMs(retry, r.deliveryCount, r.id))
      .slice(0, limit);
    if (due.length === 0) return [];
    // min-idle guards against a concurrent claim: an entry renewed or claimed since XPENDING is skipped.
    const minIdle = Math.min(...due.map((r) => retryDelayMs(retry, r.deliveryCount, r.id)));
    const claimed = await xclaim(driver, key, group, consumer, minIdle, due.map((r) => r.id));
    const got = new Set(claimed.map((e) => e.id));
    // XCLAIM drops ids that no longer exist from the PEL (Redis 7) but also skips ones not idle enough
    // and ones acked since XPENDING (a batched ack landing in between); only the first are "trimmed
    // while pending", so ask the stream which of the missing ones are gone from it.
    const missing = due.filter((r) => !got.has(r.id));
    if (missing.length > 0) await this.countTrimmed(missing.map((r) => r.id));
    const counts = new Map(due.map((r) => [r.id, r.deliveryCount + 1]));
    return claimed.map((e) => ({ ...e, deliveryCount: counts.get(e.id) }));
  }

  /** Take entries idle past claimIdleMs from any consumer of the group; at most `limit`. */
  async reclaimIdle(limit: number): Promise<ClaimedEntry[]> {
    if (limit <= 0) return [];
    const { driver, key, group, consumer, claimIdleMs } = this.ctx;
    const r = await xautoclaim(driver, key, group, consumer, claimIdleMs, this.autoclaimCursor, limit);
    this.autoclaimCursor = r.next;
    if (r.deleted.length > 0) {
      // Redis 7 already removed them from the PEL; on 6.2 they are still there until acked.
      await xack(driver, key, group, r.deleted);
      notify(this.ctx.observers, 'trimmedWhilePending', { stream: this.ctx.stream, group, count: r.deleted.length });
      this.ctx.log.warn({ stream: this.ctx.stream, group, count: r.deleted.length }, 'pending entries were trimmed before they were handled; acked and dropped');
    }
    // An entry this process is still handling (its lease renewal was late) is not handled twice here.
    const fresh = r.entries.filter((e) => !this.ctx.isInFlight(e.id));
    if (fresh.length > 0) {
      notify(this.ctx.observers, 'reclaimed', { stream: this.ctx.stream, group, count: fresh.length });
      this.ctx.log.info({ stream: this.ctx.stream, group, count: fresh.length }, 'reclaimed idle entries from other consumers');
    }
    return fresh.map((e) => ({ ...e, deliveryCount: undefined }));
  }

  /** Remove consumers (other than this one) with nothing pending, idle past deadConsumerMs. */
  async removeDeadConsumers(): Promise<string[]> {
    const { driver, key, group, consumer, deadConsumerMs } = this.ctx;
    const removed: string[] = [];
    for (const c of await xinfoConsumers(driver, key, group)) {
      const idle = c.inactiveMs ?? c.idleMs;
      if (c.name === consumer || c.pending > 0 || idle < deadConsumerMs) continue;
      // DELCONSUMER drops the consumer's pending entries too; it had none a moment ago and, being dead, gets none.
      await driver.call(['XGROUP', 'DELCONSUMER', key, group, c.name]);
      removed.push(c.name);
    }
    if (removed.length > 0) this.ctx.log.info({ stream: this.ctx.stream, group, removed }, 'removed dead consumers');
    return removed;
  }

  /**
   * Of entries XCLAIM did not return, count those no longer in the stream (trimmed while pending).
   * Not "no longer pending": an entry acked between XPENDING and XCLAIM is not pending either, and
   * was handled. The gone ones are acked (Redis 6.2 keeps them in the PEL; 7 has dropped them).
   */
  private async countTrimmed(ids: readonly string[]): Promise<void> {
    const { driver, key, group } = this.ctx;
    const gone: string[] = [];
    for (const id of ids) {
      if ((await xrange(driver, key, id, id)).length === 0) gone.push(id);
    }
    const trimmed = gone.length;
    if (trimmed > 0) {
      await xack(driver, key, group, gone);
      notify(this.ctx.observers, 'trimmedWhilePending', { stream: this.ctx.stream, group, count: trimmed });
      this.ctx.log.warn({ stream: this.ctx.stream, group, count: trimmed }, 'pending entries were trimmed before they were handled; dropped');
    }
  }
}
