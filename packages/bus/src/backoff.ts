/** Exponential backoff, the one curve the bus and the agents wait on (jitter is each caller's). */

/** The wait before retry `attempt` (1 = the first): `baseMs` doubled each time, never over `maxMs`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number = Number.POSITIVE_INFINITY): number {
  // 2 ** 30 times any base is past every cap worth setting; beyond it the power would only overflow.
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, Math.floor(attempt) - 1), 30));
}
