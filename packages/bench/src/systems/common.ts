/** Pieces every system shares: unique names, the paced publisher, the latency recorder, waiting. */
import { randomBytes } from 'node:crypto';
import type { LatencyRun, PacedOptions } from './types.js';

/**
 * The measured part of a throughput case starts and stops here, so that `profile.ts` can record a
 * CPU profile of exactly that part (without the prefill or set-up). No-ops in a normal run.
 */
export const measured: { start: () => Promise<void> | void; stop: () => Promise<void> | void } = {
  start: () => undefined,
  stop: () => undefined,
};

/** A fresh name for one run's stream, queue or subject. */
export function uniqueName(label: string): string {
  return `bench-${label}-${randomBytes(4).toString('hex')}`;
}

/** A promise with its resolve function, for "the N-th message arrived". */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Reject after `ms` with a message saying what was awaited; the timer never keeps the process up. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Counts handled messages and marks the moment the `n`-th one arrives. Every system's handler
 * calls `hit()`; the consume cases time from start to `done`.
 */
export class Countdown {
  count = 0;
  private readonly finished = deferred<number>();
  constructor(private readonly n: number) {}
  /** The time (performance.now()) at which the n-th message was handled. */
  get done(): Promise<number> {
    return this.finished.promise;
  }
  hit(): void {
    if (++this.count === this.n) this.finished.resolve(performance.now());
  }
}

/** Wait for a countdown, or the cap; says how many were handled and whether the cap hit. */
export async function timeConsume(countdown: Countdown, started: number, capMs: number): Promise<{ count: number; ms: number; capped: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<null>((r) => (timer = setTimeout(() => r(null), capMs)));
  const end = await Promise.race([countdown.done, cap]);
  clearTimeout(timer);
  if (end === null) return { count: countdown.count, ms: performance.now() - started, capped: true };
  return { count: countdown.count, ms: end - started, capped: false };
}

/**
 * Records publish-to-handler latency from the `t` each payload carries. Messages sent during the
 * warm-up are received but not recorded.
 */
export class LatencyRecorder {
  readonly samples: number[] = [];
  received = 0;
  measureFrom = Number.POSITIVE_INFINITY;
  private waiter: { target: number; resolve: () => void } | undefined;

  record(t: number): void {
    if (Number.isNaN(t)) return;
    if (t >= this.measureFrom) {
      this.samples.push(performance.now() - t);
      this.received++;
    }
    if (this.waiter && this.received >= this.waiter.target) this.waiter.resolve();
  }

  /** Resolve once `target` measured messages arrived, or after `ms`. */
  async waitFor(target: number, ms: number): Promise<void> {
    if (this.received >= target) return;
    const d = deferred();
    this.waiter = { target, resolve: () => d.resolve() };
    const timer = setTimeout(() => d.resolve(), ms);
    await d.promise;
    clearTimeout(timer);
    this.waiter = undefined;
  }
}

/**
 * Send at `rate` msg/s: a 1 ms timer tick sends however many messages are due since the start,
 * each with its own publish call (not batched). Calls after the warm-up are counted.
 * `send` gets the send time to put into the payload; its promise is not awaited by the pacer
 * (independent producers), but errors are collected and thrown at the end.
 */
export async function paced(opts: PacedOptions, recorder: LatencyRecorder, send: (seq: number, t: number) => Promise<unknown> | void): Promise<LatencyRun> {
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const end = measureFrom + opts.durationMs;
  recorder.measureFrom = measureFrom;
  let seq = 0;
  let measured = 0;
  const errors: unknown[] = [];
  const inflight = new Set<Promise<unknown>>();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(Math.floor(((Math.min(now, end) - start) * opts.rate) / 1000), Math.ceil(((end - start) * opts.rate) / 1000));
      while (seq < due) {
        const t = performance.now();
        if (t >= measureFrom) measured++;
        const p = send(seq++, t);
        if (p) {
          inflight.add(p);
          p.then(
            () => inflight.delete(p),
            (err: unknown) => {
              inflight.delete(p);
              errors.push(err);
            },
          );
        }
      }
      if (now >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.allSettled([...inflight]);
  if (errors.length > 0) throw new Error(`${errors.length} publishes failed, first: ${String((errors[0] as Error)?.message ?? errors[0])}`);
  await recorder.waitFor(measured, 5_000);
  return { samples: recorder.samples, sent: measured, received: recorder.received, windowMs: opts.durationMs };
}
