/**
 * When to try WhatsApp again after a disconnect or a failed start. Exponential from `baseMs`,
 * capped at `maxMs`, with jitter so that a fleet of gateways does not knock in step. The attempt
 * count resets once the client reports `ready`.
 */
import { backoffMs } from '@hive/agent';

export interface ReconnectPolicy {
  /** First delay. @defaultValue 2000 */
  readonly baseMs: number;
  /** Longest delay. @defaultValue 300000 (5 min) */
  readonly maxMs: number;
  /** Fraction of the delay randomized either way, 0..1. @defaultValue 0.2 */
  readonly jitter: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { baseMs: 2_000, maxMs: 300_000, jitter: 0.2 };

/** Delay before attempt `attempt` (1 = the first retry); `random` in [0, 1) is injected for tests. */
export function reconnectDelayMs(attempt: number, policy: ReconnectPolicy = DEFAULT_RECONNECT, random: () => number = Math.random): number {
  const raw = backoffMs(attempt, policy.baseMs, policy.maxMs);
  const spread = raw * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(policy.maxMs, raw + spread)));
}
