/** JSON Schema from the zod schemas: what the generated files, the catalogue and the compat snapshot are built from. */
import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

/**
 * The JSON Schema of what a producer may write (zod's "input" side: fields with defaults are
 * optional). Entries in a stream come from any Redis client, so the input side is the contract.
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}
