/**
 * Work that a message sets off but does not wait for, started after the message rather than inside
 * it. In the one-process host every agent shares one event loop, so a read started "in the
 * background" by a handler still has its reply parsed while that message's own hops are under way:
 * iris's and atlas's registry read-aheads (13 records, about 16 KB of JSON) landed on the path of
 * the message that found their reading stale. Deferred by 100 ms, at a few messages a second they
 * run between messages instead (BENCHMARKS.md, issue 18).
 */

/**
 * How long after the message that found a cached reading stale its read ahead starts: past that
 * message's hops (about 10 ms), well before the next message at a few a second, and small beside the
 * readings' lifetimes (iris and atlas: 1 s before a read ahead, 2 s before a message waits).
 */
export const READ_AHEAD_DELAY_MS = 100;

/** A call that runs `fn` later, once; see {@link deferredOnce}. */
export interface DeferredOnce {
  (): void;
  /** Forget a run still waiting for its time (the caller is about to do the work itself). */
  cancel(): void;
}

/**
 * `fn`, run once `delayMs` after the first call since its last run, however many calls come
 * meanwhile (0: at once, inside the call). The timer does not hold the process open.
 */
export function deferredOnce(fn: () => void, delayMs: number): DeferredOnce {
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`deferredOnce: delayMs must be a finite number ≥ 0, got ${delayMs}`);
  let timer: NodeJS.Timeout | undefined;
  const run = Object.assign(
    () => {
      if (delayMs === 0) return fn();
      timer ??= setTimeout(() => {
        timer = undefined;
        fn();
      }, delayMs).unref();
    },
    {
      cancel() {
        clearTimeout(timer);
        timer = undefined;
      },
    },
  );
  return run;
}
