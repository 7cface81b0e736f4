/** box's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';
import { hiveTimeZone } from '@hive/agent';

/** The range a daily kcal goal may take, set by config or by the owner. */
export const GOAL_RANGE = { min: 800, max: 10_000 } as const;

export const boxConfig = z.object({
  /** The owner's time zone: it decides which day "today" is. @defaultValue "UTC" */
  HIVE_TZ: hiveTimeZone,
  /** The daily goal for chats that have not set their own. @defaultValue 2000 */
  BOX_DAILY_KCAL: z.coerce.number().int().min(GOAL_RANGE.min).max(GOAL_RANGE.max).default(2000),
  /** How long a day's meals are kept in Redis (archivist keeps nutrition.logged for good). @defaultValue 90 */
  BOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type BoxConfig = z.output<typeof boxConfig>;
