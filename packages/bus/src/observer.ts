/**
 * Hooks the bus calls as it works, for metrics and tests. All optional; each is called
 * synchronously and must not throw (a throwing observer is caught and ignored).
 */

/** acked: handled; skipped: a type this subscription does not handle; duplicate: a message id the group had handled (idempotent subscriptions). */
export type HandleOutcome = 'acked' | 'retried' | 'dead_lettered' | 'skipped' | 'duplicate';

export interface BusObserver {
  published?(e: { stream: string; type: string }): void;
  handled?(e: { stream: string; group: string; type: string; outcome: HandleOutcome; durationMs: number }): void;
  reclaimed?(e: { stream: string; group: string; count: number }): void;
  /** Pending entries found deleted (trimmed) before they were handled; acked and dropped from the PEL. */
  trimmedWhilePending?(e: { stream: string; group: string; count: number }): void;
  deadLettered?(e: { stream: string; group: string; reason: string }): void;
  leaseLost?(e: { stream: string; group: string; count: number }): void;
}

/** Call one hook, swallowing anything it throws. */
export function notify<K extends keyof BusObserver>(
  observers: readonly BusObserver[],
  hook: K,
  event: Parameters<NonNullable<BusObserver[K]>>[0],
): void {
  for (const o of observers) {
    const fn = o[hook] as ((e: typeof event) => void) | undefined;
    if (!fn) continue;
    try {
      fn.call(o, event);
    } catch {
      // an observer must never break the bus
    }
  }
}
