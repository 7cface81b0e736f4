/**
 * Pieces every system shares: unique names, the paced publisher, the latency recorder, waiting, and
 * the measuring part of each case (a system supplies only its own publish, consumer and request).
 */
import { randomBytes } from 'node:crypto';
import { sentAt } from '../payload.js';
import type { LatencyRun, PacedOptions, Timed } from './types.js';

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

/** Run `fn` on a fresh name (`uniqueName(label)`), then `remove` what it made under it, whatever happened. */
export async function withFreshName<T>(label: string, remove: (name: string) => Promise<unknown>, fn: (name: string) => Promise<T>): Promise<T> {
  const name = uniqueName(label);
  try {
    return await fn(name);
  } finally {
    await remove(name);
  }
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

/** Call `send(from, to)` for each batch of at most `size` of the messages `0..n`, one batch after another. */
export async function inBatches(n: number, size: number, send: (from: number, to: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += size) await send(i, Math.min(n, i + size));
}

/** The publish cases: time `publish` (which sends `n` messages), as the measured part. */
export async function timePublish(n: number, publish: () => Promise<void>): Promise<Timed> {
  await measured.start();
  const t0 = performance.now();
  await publish();
  const ms = performance.now() - t0;
  await measured.stop();
  return { count: n, ms };
}

/** A consumer a case started, stopped when the case is done. */
export interface RunningConsumer {
  stop(): Promise<void>;
}

/** Run `step` again and again until `stop()`, which waits for the step under way, then calls `close`. */
export function loopUntilStopped(step: () => Promise<void>, close: () => void): RunningConsumer {
  let running = true;
  const done = (async () => {
    while (running) await step();
  })();
  return {
    async stop() {
      running = false;
      await done;
      close();
    },
  };
}

/**
 * The consume case on a prefilled stream or queue: start a consumer whose handler calls `hit`, and
 * time it from its start until it has handled `n` messages (or `capMs` passed).
 */
export async function timeConsumer(n: number, capMs: number, start: (hit: () => void) => Promise<RunningConsumer> | RunningConsumer): Promise<Timed> {
  const countdown = new Countdown(n);
  await measured.start();
  const t0 = performance.now();
  const consumer = await start(() => countdown.hit());
  const r = await timeConsume(countdown, t0, capMs);
  await measured.stop();
  await consumer.stop();
  return r;
}

/**
 * The latency case: a consumer whose handler calls `received` with each payload, then `send` at the
 * paced rate; the run's samples are publish-to-handler times.
 */
export async function measureLatency(
  opts: PacedOptions,
  start: (received: (data: unknown) => void) => Promise<RunningConsumer> | RunningConsumer,
  send: (seq: number, t: number) => Promise<unknown> | void,
): Promise<LatencyRun> {
  const recorder = new LatencyRecorder();
  const consumer = await start((data) => recorder.record(sentAt(data)));
  const run = await paced(opts, recorder, send);
  await consumer.stop();
  return run;
}

/** The request/reply case: `n` round trips one after another; each one's time (ms). */
export async function timeRoundTrips(n: number, roundTrip: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await roundTrip(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** Replies matched to their requests by a correlation id the request carries (raw Redis, RabbitMQ). */
export class ReplyWaiter {
  private readonly waiting = new Map<string, () => void>();

  /** The reply to `corr` arrived. */
  arrived(corr: string): void {
    this.waiting.get(corr)?.();
  }

  /** Send the request `corr` and wait (5 s at most) for its reply. */
  async request(corr: string, send: () => unknown, what: string): Promise<void> {
    const got = new Promise<void>((resolve) => this.waiting.set(corr, resolve));
    await send();
    await within(got, 5_000, what);
    this.waiting.delete(corr);
  }
}
