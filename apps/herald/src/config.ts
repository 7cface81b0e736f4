/** herald's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';
import { hiveTimeZone } from '@hive/agent';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export const heraldConfig = z.object({
  /** The owner's time zone: which day "briefing" on demand is about. @defaultValue "UTC" */
  HIVE_TZ: hiveTimeZone,
  /** The agents asked for a summary, in the order the briefing lists them. @defaultValue "box,ledger,hermes,pulse" */
  HERALD_SOURCES: z
    .string()
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .refine((names) => names.every((n) => NAME.test(n)), { message: 'must be comma-separated agent names, e.g. "box,ledger,hermes,pulse"' })
    .default(['box', 'ledger', 'hermes', 'pulse']),
  /** How long each source has to answer; they are asked at once, so this bounds the whole briefing. @defaultValue 5000 */
  HERALD_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
});

export type HeraldConfig = z.output<typeof heraldConfig>;
