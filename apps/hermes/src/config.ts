/** hermes's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';
import { hiveTimeZone } from '@hive/agent';

const clock = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, e.g. "07:00"')
  .transform((s) => {
    const [h, m] = s.split(':').map(Number) as [number, number];
    return { hour: h, minute: m };
  });

export const hermesConfig = z.object({
  /** The owner's time zone: "tomorrow at 9" is 9:00 there. @defaultValue "UTC" */
  HIVE_TZ: hiveTimeZone,
  /** Reminders fired at once. @defaultValue 4 */
  HERMES_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** When set (HH:MM in HIVE_TZ), a daily briefing.due for each chat in HERMES_BRIEFING_CHATS. */
  HERMES_BRIEFING_AT: clock.optional(),
  /** Comma-separated chat ids that get the daily briefing, e.g. "491701234567@c.us". */
  HERMES_BRIEFING_CHATS: z
    .string()
    .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
    .default([]),
});

export type HermesConfig = z.output<typeof hermesConfig>;
