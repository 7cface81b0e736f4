/** pulse's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';
import { hiveTimeZone } from '@hive/agent';

export const pulseConfig = z.object({
  /** The owner's time zone: which day an entry counts for, and so every streak. @defaultValue "UTC" */
  HIVE_TZ: hiveTimeZone,
  /** Daily water goal in ml until the owner sets one ("water goal 2.5 l"). @defaultValue 2000 */
  PULSE_WATER_GOAL_ML: z.coerce.number().int().min(1).max(20_000).default(2000),
  /** Nightly sleep goal in hours until the owner sets one. @defaultValue 8 */
  PULSE_SLEEP_GOAL_H: z.coerce.number().min(1).max(16).default(8),
  /** Daily steps goal until the owner sets one. @defaultValue 10000 */
  PULSE_STEPS_GOAL: z.coerce.number().int().min(1).max(200_000).default(10_000),
});

export type PulseConfig = z.output<typeof pulseConfig>;
