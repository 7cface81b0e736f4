/** sentinel's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';

export const sentinelConfig = z.object({
  /** How often the bus is checked, in ms. @defaultValue 10000 */
  SENTINEL_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(10_000),
  /** A poll Redis has not answered within this many ms counts as Redis being away. @defaultValue 5000 */
  SENTINEL_POLL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** A consumer group further behind than this many entries alerts. @defaultValue 1000 */
  SENTINEL_LAG_MAX: z.coerce.number().int().min(0).default(1_000),
  /** A group with more delivered-but-unacknowledged entries than this alerts. @defaultValue 100 */
  SENTINEL_PENDING_MAX: z.coerce.number().int().min(0).default(100),
  /** A stream with more dead letters than this alerts (0: any dead letter). @defaultValue 0 */
  SENTINEL_DEAD_LETTERS_MAX: z.coerce.number().int().min(0).default(0),
  /** Redis's used_memory / maxmemory above this alerts (naming the largest key families), when maxmemory is set. @defaultValue 0.8 */
  SENTINEL_MEMORY_MAX_RATIO: z.coerce.number().gt(0).max(1).default(0.8),
  /** How often the janitor trims every stream to its contract's retention, in ms. @defaultValue 60000 */
  SENTINEL_JANITOR_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
  /** A group holding a stream back by more than this share of its retention window (or length) alerts. @defaultValue 0.25 */
  SENTINEL_RETENTION_GRACE: z.coerce.number().min(0).max(100).default(0.25),
  /** A model endpoint the agents report unavailable (circuit open) for this many ms alerts, once; its recovery is told too. @defaultValue 120000 */
  SENTINEL_MODEL_DOWN_MS: z.coerce.number().int().min(0).max(86_400_000).default(120_000),
});

export type SentinelConfig = z.output<typeof sentinelConfig>;
