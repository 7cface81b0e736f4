/** Reading the entities iris attached to an intent (flat, scalar values; iris's README lists the keys). */

/** An intent's entities as `intent.classified` carries them. */
export type Entities = Readonly<Record<string, string | number | boolean>>;

/** The entity as text, trimmed; undefined when it is absent, not a string, or blank. */
export function entityText(entities: Entities, key: string): string | undefined {
  const v = entities[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The entity as a positive whole number, given as 12, "12" or "#12" (a draft's or a note's number). */
export function entityNumber(entities: Entities, key: string): number | undefined {
  const v = entities[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*#?\d+\s*$/.test(v) ? Number(v.replace('#', '')) : undefined;
  return n !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
