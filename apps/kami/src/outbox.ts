/**
 * Outbox: every send goes through here, for both streams kami reads. It takes a token from the
 * chat's bucket (waiting for it when that is short, otherwise handing the message back to the bus
 * for later), waits briefly for the port, and sends. Any failure is thrown to the handler, which
 * throws to the bus: retried with backoff, dead-lettered after maxDeliveries, never dropped.
 */
import type { Logger } from '@hive/agent';
import { TokenBuckets, type RateLimitOptions } from './domain/rate-limit.js';
import { NotReadyError, SendTimeoutError, type OutgoingText, type SentMessage, type WhatsAppPort } from './whatsapp/port.js';

/** The chat's send rate is used up for longer than a handler should wait; the bus retries later. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryInMs: number) {
    super(`rate limit for this chat: next send possible in ${retryInMs} ms; handing back to the bus`);
  }
}

export interface OutboxOptions {
  readonly rateLimit: RateLimitOptions;
  /** Longest a send waits for the port to become ready. */
  readonly readyTimeoutMs: number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
  /** Waits for a send slot; tests record instead of waiting. @defaultValue a timer, cut short by the signal */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export class Outbox {
  private port: WhatsAppPort | undefined;
  private readonly buckets: TokenBuckets;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private portWaiters: Array<() => void> = [];

  constructor(private readonly options: OutboxOptions) {
    this.buckets = new TokenBuckets(options.rateLimit);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
  }

  /** Send through this port from now on. */
  attach(port: WhatsAppPort): void {
    this.port = port;
    for (const w of this.portWaiters.splice(0)) w();
  }

  detach(): void {
    this.port = undefined;
  }

  /** Send one message to its chat, within the chat's rate; throws when it was not sent. */
  async send(message: OutgoingText, options: { signal: AbortSignal; log: Logger }): Promise<SentMessage> {
    const started = this.now();
    // The bus starts reading before kami's start hook has created the port; wait for it briefly.
    const port = this.port ?? (await this.waitForPort(options.signal));
    const reservation = this.buckets.reserve(message.chatId, this.now());
    if (!reservation.ok) throw new RateLimitedError(reservation.retryInMs);
    if (reservation.waitMs > 0) {
      options.log.debug({ chatId: message.chatId, waitMs: reservation.waitMs }, 'rate limit: waiting for the chat\'s next send slot');
      try {
        await this.sleep(reservation.waitMs, options.signal);
      } catch (err) {
        this.buckets.release(message.chatId, this.now());
        throw err;
      }
    }
    try {
      await port.whenReady(Math.max(0, this.options.readyTimeoutMs - (this.now() - started)), options.signal);
      return await port.send(message, options.signal);
    } catch (err) {
      // A refused send used no slot; one that timed out may have gone out, so it keeps its token.
      if (!(err instanceof SendTimeoutError)) this.buckets.release(message.chatId, this.now());
      throw err;
    } finally {
      this.buckets.prune(this.now());
    }
  }

  private waitForPort(signal: AbortSignal): Promise<WhatsAppPort> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new NotReadyError('stopped', this.options.readyTimeoutMs)), this.options.readyTimeoutMs);
      const done = (err?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.portWaiters = this.portWaiters.filter((w) => w !== ready);
        if (err || !this.port) reject(err ?? new NotReadyError('stopped', 0));
        else resolve(this.port);
      };
      const ready = () => done();
      const onAbort = () => done(new NotReadyError('stopped', 0));
      this.portWaiters.push(ready);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
