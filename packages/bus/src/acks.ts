/**
 * Acks: an entry is acked only once it has settled (handled, skipped, a duplicate), and the acks of
 * one tick go out together, one pipelined XACK per stream key. Until that XACK has been sent, an
 * entry queued here is still on the pending list yet finished: `has(id)` says so, and the reclaimer
 * must not hand it out again (CHAOS.md, finding 1). An ack that fails leaves the entry pending:
 * redelivered later (at-least-once), never lost.
 */
import { xackArgs } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';

export interface BatchedAcksOptions {
  readonly driver: RedisDriver;
  readonly group: string;
  /** The group's redrive stream: read by this group alone, so an acked entry there is deleted too. */
  readonly redriveKey: string;
  readonly log: Logger;
}

/** The acks of one subscription, batched per tick. */
export class BatchedAcks {
  private queue = new Map<string, string[]>();
  /** Settled, queued, and not yet sent: still pending in Redis, no longer the reclaimer's. */
  private readonly sending = new Set<string>();
  private flushing: Promise<void> | undefined;

  constructor(private readonly o: BatchedAcksOptions) {}

  /** True while `entryId` waits for (or is in) its batched XACK. */
  has(entryId: string): boolean {
    return this.sending.has(entryId);
  }

  /** Ack `entryId` of stream key `key` with the next batch (sent on the next tick). */
  add(key: string, entryId: string): void {
    let ids = this.queue.get(key);
    if (!ids) this.queue.set(key, (ids = []));
    ids.push(entryId);
    this.sending.add(entryId);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.send());
  }

  /** Send what is queued now, after the batch already on its way (shutdown's last acks). */
  async flush(): Promise<void> {
    await this.flushing;
    await this.send();
  }

  private async send(): Promise<void> {
    const batch = this.queue;
    this.queue = new Map();
    this.flushing = undefined;
    if (batch.size === 0) return;
    const { driver, group, redriveKey } = this.o;
    const cmds = [...batch].flatMap(([key, ids]) => (key === redriveKey ? [xackArgs(key, group, ids), ['XDEL', key, ...ids]] : [xackArgs(key, group, ids)]));
    try {
      const results = await driver.pipeline(cmds);
      for (const r of results) if (!r.ok) throw r.error;
    } catch (err) {
      this.o.log.warn({ err: errorMessage(err), count: [...batch.values()].reduce((n, ids) => n + ids.length, 0) }, 'ack failed; entries stay pending');
    } finally {
      // Acked, or (the ack failed) pending again like any other entry: the reclaimer's from now on.
      for (const ids of batch.values()) for (const id of ids) this.sending.delete(id);
    }
  }
}
