/** Ids derived from what they name, so a redelivery or a second instance arrives at the same one. */
import { createHash } from 'node:crypto';

/**
 * `prefix` and the first `length` base64url characters of the SHA-256 of `parts` joined by NUL:
 * the same parts give the same id on every run and instance (and an id once stored never changes).
 */
export function derivedId(prefix: string, parts: readonly string[], length: number): string {
  return `${prefix}${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, length)}`;
}
