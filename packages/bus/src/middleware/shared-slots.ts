/**
 * One concurrency limit shared by several read loops: a partitioned stream's subscription reads each
 * shard in its own loop (partitions.ts), and its `concurrency` bounds the handlers running across
 * all of them, not per shard, so `concurrency: 1` still means one handler at a time. Added to the
 * chain of those shard subscriptions only, around the handler (inside per-key order and outside the
 * timeout: waiting for a slot does not count against `handlerTimeoutMs`).
 */
import type { Handle } from '../delivery.js';
import { HiveError } from '../errors.js';
import type { ConcurrencySlots } from '../subscribe-options.js';

/** A counting semaphore whose waiters are served first come, first served. */
export class SharedSlots implements ConcurrencySlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Resolves once a slot is taken; give it back with `release()`. */
  acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Give a slot back: to the longest waiter, else to the pool. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

/** Run the handler only while holding one of `slots`. */
export function sharedSlots(slots: ConcurrencySlots): (next: Handle) => Handle {
  return (next) => async (message, d) => {
    await slots.acquire();
    try {
      // Shutdown gave up on it while it waited: leave it pending for another consumer, unrun.
      if (d.abandoned) throw new HiveError('BUS_CLOSED', 'subscription stopped');
      return await next(message, d);
    } finally {
      slots.release();
    }
  };
}
