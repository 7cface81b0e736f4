/** atlas's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';

export const atlasConfig = z.object({
  /** Longest answer the model may write, in tokens. @defaultValue 600 */
  ATLAS_MAX_TOKENS: z.coerce.number().int().min(16).max(8_000).default(600),
});

export type AtlasConfig = z.output<typeof atlasConfig>;
