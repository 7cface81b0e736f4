/** iris's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';

export const irisConfig = z.object({
  /**
   * Rules at or above this confidence skip the model even when one is configured (exact commands
   * score 0.95). Set to 1 to send every message to the model. @defaultValue 0.95
   */
  IRIS_TRUST_RULES_ABOVE: z.coerce.number().min(0).max(1).default(0.95),
  /** How long a bare "undo" still refers to the last thing written in a chat, in seconds. @defaultValue 3600 */
  IRIS_UNDO_WINDOW_S: z.coerce.number().int().min(1).max(7 * 86_400).default(3600),
});

export type IrisConfig = z.output<typeof irisConfig>;
