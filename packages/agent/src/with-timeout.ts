/** Waiting for a promise, but not forever. */

/**
 * Resolve with `p`, or reject once `ms` have passed: with `timedOut()` when given, else an Error
 * saying that `what` did not answer. `p` itself is not cancelled; its timer is always cleared.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string | (() => Error)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(typeof what === 'string' ? new Error(`${what} did not answer within ${ms} ms`) : what()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
