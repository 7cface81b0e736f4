/**
 * Retry schedule. The delay before the next delivery is derived only from the entry's delivery
 * count (kept by Redis in the group's pending list) and its id, so the schedule survives a restart
 * and no in-process timer holds state: a failed entry stays pending, its idle time is reset, and the
 * retry pass claims it once it has been idle for `retryDelayMs(deliveryCount)`.
 */
import { createHash } from 'node:crypto';
import { backoffMs } from './backoff.js';
import { ConfigError } from './errors.js';

export interface RetryPolicy {
  /** Delay after the first failed delivery. @defaultValue 1000 */
  baseMs: number;
  /** Upper bound of any delay. @defaultValue 60000 */
  maxMs: number;
  /** Random spread, as a fraction of the delay (0.2 = ±20%). @defaultValue 0.2 */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, maxMs: 60_000, jitter: 0.2 };

/** Validate a partial policy and fill in the defaults. */
export function retryPolicy(p: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...p };
  if (!(policy.baseMs >= 0)) throw new ConfigError(`retry.baseMs must be >= 0, got ${policy.baseMs}`);
  if (!(policy.maxMs >= policy.baseMs)) throw new ConfigError(`retry.maxMs must be >= retry.baseMs, got ${policy.maxMs}`);
  if (!(policy.jitter >= 0 && policy.jitter < 1)) throw new ConfigError(`retry.jitter must be in [0, 1), got ${policy.jitter}`);
  return policy;
}

/** A stable number in [0, 1) for an (entry, attempt): the same jitter every time the schedule is computed. */
function unitHash(entryId: string, deliveryCount: number): number {
  const h = createHash('sha1').update(`${entryId}/${deliveryCount}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000;
}

/** How long an entry delivered `deliveryCount` times and failed waits before its next delivery. */
export function retryDelayMs(policy: RetryPolicy, deliveryCount: number, entryId: string): number {
  const capped = backoffMs(deliveryCount, policy.baseMs, policy.maxMs);
  const spread = policy.jitter * (unitHash(entryId, deliveryCount) * 2 - 1);
  return Math.max(0, Math.round(capped * (1 + spread)));
}
