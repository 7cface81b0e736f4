/** adopter's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';
import { hiveTimeZone } from '@hive/agent';
import { channelOf, CHANNELS } from './domain/channels.js';

export const adopterConfig = z.object({
  /** The channel a draft is for when the owner names none ("twitter" works for "x"). @defaultValue "linkedin" */
  ADOPTER_DEFAULT_CHANNEL: z
    .string()
    .transform((s, ctx) => {
      const c = channelOf(s);
      if (!c) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${CHANNELS.join(', ')}` });
        return z.NEVER;
      }
      return c;
    })
    .default('linkedin'),
  /** The owner's time zone, for the dates drafts show. @defaultValue "UTC" */
  HIVE_TZ: hiveTimeZone,
});

export type AdopterConfig = z.output<typeof adopterConfig>;

