/**
 * Acks: an entry is acked only once it has settled (handled, skipped, a duplicate), and the acks of
 * one tick go out together, one pipelined XACK per stream key. An entry of an idempotent
 * subscription that was handled carries its handled mark: those are marked and acked together, one
 * mark-and-ack-2.lua per stream key (no ack without its mark, whatever fails). Until its ack has
 * been sent, an entry queued here is still on the pending list yet finished: `has(id)` says so,
 * and the reclaimer must not hand it out again (CHAOS.md, finding 1). An ack that fails leaves the
 * entry pending: redelivered later (at-least-once), never lost.
 *
 * The acks queued when the subscription reads again ride with that read (`carry`): written on its
 * reading connection in the same write as the XREADGROUP, ahead of it, rather than on the group's
 * command connection a turn later (one write syscall per delivery fewer, for Redis and for this
 * process). If that write fails (the connection closed, stop() interrupting the read; a mark-and-ack
 * script Redis has not cached, which is sent by its SHA alone there), the batch goes back to the
 * queue and is sent over the command connection, as any other.
 */
import { xackArgs } from './commands.js';
import type { MarkOnAck, UnwrittenMarks } from './delivery.js';
import type { RedisDriver } from './drivers/driver.js';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';

export interface BatchedAcksOptions {
  readonly driver: RedisDriver;
  readonly group: string;
  /** The group's redrive stream: read by this group alone, so an acked entry there is deleted too. */
  readonly redriveKey: string;
  readonly log: Logger;
  /** Called when an ack (or a mark and its ack) fails: its entries stay pending, handled or not. */
  readonly onFailed?: () => void;
}

/**
 * An entry's name among a subscription's entries in flight or waiting for their ack: its id for the
 * stream's (most of them: no string made per message), its id behind "redrive " for the redrive
 * stream's, which number their own.
 */
export function entryName(redrive: boolean, entryId: string): string {
  return redrive ? `redrive ${entryId}` : entryId;
}

/** The handled entries of one stream key in one batch: their group's marks, and pairs of message id and entry id. */
interface MarkedBatch {
  readonly marks: UnwrittenMarks;
  readonly pairs: string[];
}

/** The acks of one subscription, batched per tick. */
export class BatchedAcks {
  private queue = new Map<string, string[]>();
  /** Per stream key, the entries to mark and ack together. */
  private marked = new Map<string, MarkedBatch>();
  /** Settled, queued, and not yet sent (by `entryName`): still pending in Redis, no longer the reclaimer's. */
  private readonly sending = new Set<string>();
  private flushing: Promise<void> | undefined;
  /** Batches sent and not yet answered: a flush that found the queue empty still waits for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: BatchedAcksOptions) {}

  private name(key: string, entryId: string): string {
    return entryName(key === this.o.redriveKey, entryId);
  }

  /** True while entry `entryId` of stream key `key` waits for (or is in) its batched ack. */
  has(key: string, entryId: string): boolean {
    return this.sending.has(this.name(key, entryId));
  }

  /** Ack `entryId` of stream key `key` with the next batch (sent on the next tick), writing `mark` with it. */
  add(key: string, entryId: string, mark?: MarkOnAck): void {
    if (mark) {
      // One subscription has one set of marks: the first mark of the batch names it.
      const marked = this.marked.get(key);
      if (marked) marked.pairs.push(mark.messageId, entryId);
      else this.marked.set(key, { marks: mark.marks, pairs: [mark.messageId, entryId] });
    } else {
      let ids = this.queue.get(key);
      if (!ids) this.queue.set(key, (ids = []));
      ids.push(entryId);
    }
    this.sending.add(this.name(key, entryId));
    this.schedule();
  }

  /** A flush on the next turn, unless one is due already. */
  private schedule(): void {
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.flushing = undefined;
      return this.send();
    });
  }

  /**
   * Send what is queued now over `via`, the subscription's reading connection, in the same tick as
   * the read issued next on it: both go out in one write, the acks first. A failure puts the batch
   * back on the queue, for the command connection.
   */
  carry(via: RedisDriver): void {
    if (this.queue.size > 0 || this.marked.size > 0) void this.send(via);
  }

  /** Send what is queued now, and wait for every batch already on its way (shutdown's last acks). */
  async flush(): Promise<void> {
    do {
      await this.flushing;
      await this.send();
      await Promise.all(this.inFlight);
      // A carried batch that failed came back to the queue meanwhile.
    } while (this.queue.size > 0 || this.marked.size > 0);
  }

  /** Send the queued acks; until they are answered, flush() waits for them too. */
  private send(via: RedisDriver = this.o.driver): Promise<void> {
    const sent = this.sendQueued(via);
    this.inFlight.add(sent);
    return sent.finally(() => this.inFlight.delete(sent));
  }

  private async sendQueued(via: RedisDriver): Promise<void> {
    const batch = this.queue;
    const marked = this.marked;
    this.queue = new Map();
    this.marked = new Map();
    if (batch.size === 0 && marked.size === 0) return;
    const { group, redriveKey } = this.o;
    const carried = via !== this.o.driver;
    const cmds = [...batch].flatMap(([key, ids]) => (key === redriveKey ? [xackArgs(key, group, ids), ['XDEL', key, ...ids]] : [xackArgs(key, group, ids)]));
    const markAndAck = ([key, m]: [string, MarkedBatch]) => m.marks.writeWithAcks(key, group, m.pairs, key === redriveKey, { via, carried });
    const ack = async () => {
      for (const r of await via.pipeline(cmds)) if (!r.ok) throw r.error;
    };
    const results = await Promise.allSettled([...[...marked].map(markAndAck), ...(cmds.length > 0 ? [ack()] : [])]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed && carried) {
      // Over the command connection next: acks and marks Redis did take are taken again harmlessly.
      this.requeue(batch, marked);
      return;
    }
    if (failed) {
      const count = [...batch.values()].reduce((n, ids) => n + ids.length, 0) + [...marked.values()].reduce((n, m) => n + m.pairs.length / 2, 0);
      this.o.log.warn({ err: errorMessage(failed.reason), count }, 'ack failed; entries stay pending (handled ones unmarked: their handlers run again)');
      this.o.onFailed?.();
    }
    // Acked, or (the ack failed) pending again like any other entry: the retry and reclaim passes' from now on.
    for (const [key, ids] of batch) for (const id of ids) this.sending.delete(this.name(key, id));
    for (const [key, m] of marked) for (let i = 1; i < m.pairs.length; i += 2) this.sending.delete(this.name(key, m.pairs[i]!));
  }

  /** A carried batch that failed, back on the queue (its entries still in `sending`), flushed on the next turn. */
  private requeue(batch: Map<string, string[]>, marked: Map<string, MarkedBatch>): void {
    for (const [key, ids] of batch) {
      const queued = this.queue.get(key);
      if (queued) queued.push(...ids);
      else this.queue.set(key, ids);
    }
    for (const [key, m] of marked) {
      const queued = this.marked.get(key);
      if (queued) queued.pairs.push(...m.pairs);
      else this.marked.set(key, m);
    }
    this.schedule();
  }
}
