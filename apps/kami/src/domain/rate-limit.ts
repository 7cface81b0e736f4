/**
 * A token bucket per chat. WhatsApp bans accounts that send in bursts, and a loop between two
 * agents could otherwise flood the owner, so every send takes a token: `burst` may go out at once,
 * then one every `60 000 / perMinute` ms. Time is passed in, so the schedule is testable.
 */

export interface RateLimitOptions {
  /** Sustained sends per minute per chat. @defaultValue 20 */
  readonly perMinute: number;
  /** Sends allowed back to back before the rate applies. @defaultValue 5 */
  readonly burst: number;
  /** Longest a send may wait for its token before it is handed back to the bus for later. @defaultValue 15000 */
  readonly maxWaitMs: number;
}

export const DEFAULT_RATE_PER_MINUTE = 20;
export const DEFAULT_RATE_BURST = 5;
export const DEFAULT_RATE_MAX_WAIT_MS = 15_000;

export type Reservation =
  /** Go ahead after `waitMs` (0: now); the token is already taken. */
  | { readonly ok: true; readonly waitMs: number }
  /** No token within maxWaitMs; nothing was taken; try again in `retryInMs`. */
  | { readonly ok: false; readonly retryInMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Per-key token buckets; `reserve` may take a token that refills in the future (a queue of waiters). */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly msPerToken: number;

  constructor(readonly options: RateLimitOptions) {
    if (!(options.perMinute > 0)) throw new RangeError(`perMinute must be > 0, got ${options.perMinute}`);
    if (!Number.isInteger(options.burst) || options.burst < 1) throw new RangeError(`burst must be an integer >= 1, got ${options.burst}`);
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    this.msPerToken = 60_000 / options.perMinute;
  }

  /** Take a token for `key` at time `now` (ms): how long to wait for it, or that it is too far off. */
  reserve(key: string, now: number): Reservation {
    const b = this.refilled(key, now);
    // Tokens may go negative: each waiter holds a future token, so waiters are served in order.
    const waitMs = b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) * this.msPerToken);
    if (waitMs > this.options.maxWaitMs) return { ok: false, retryInMs: waitMs };
    b.tokens -= 1;
    this.buckets.set(key, b);
    return { ok: true, waitMs };
  }

  /** Give back a token taken by `reserve` whose send never happened (it was aborted). */
  release(key: string, now: number): void {
    const b = this.refilled(key, now);
    b.tokens = Math.min(this.options.burst, b.tokens + 1);
    this.buckets.set(key, b);
  }

  /** Forget buckets that are full again at `now`: they behave exactly like new ones. */
  prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (this.refill(b, now).tokens >= this.options.burst) this.buckets.delete(key);
    }
  }

  /** Number of chats with a bucket in memory. */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    const b = this.buckets.get(key);
    return b ? this.refill(b, now) : { tokens: this.options.burst, at: now };
  }

  private refill(b: Bucket, now: number): Bucket {
    // A clock that went backwards adds nothing rather than taking tokens away.
    const elapsed = Math.max(0, now - b.at);
    return { tokens: Math.min(this.options.burst, b.tokens + elapsed / this.msPerToken), at: Math.max(now, b.at) };
  }
}
