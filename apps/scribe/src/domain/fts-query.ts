/**
 * The owner's search words as an FTS5 MATCH expression. Only letters and digits reach FTS5, each
 * token quoted, so no input can be a syntax error or an injected operator ("NOT", "NEAR", "*", '"').
 */

// Words that say how someone asks, not what they look for ("what did I note about the landlord").
const STOP_WORDS = new Set([
  'a', 'an', 'the', 'my', 'me', 'i', 'about', 'on', 'of', 'for', 'to', 'in', 'at', 'with', 'and', 'or', 'is', 'was', 'it',
  'that', 'this', 'what', 'did', 'do', 'note', 'notes', 'noted', 'journal', 'entry', 'entries', 'anything', 'something',
  'any', 'some', 'regarding', 're', 'from', 'by',
]);

/** The distinct search terms in `query`: lower-cased letters and digits, question words dropped. */
export function searchTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const meaningful = words.filter((w) => !STOP_WORDS.has(w));
  // "what did I note about it" has no content word: search what was said rather than nothing.
  const terms = meaningful.length > 0 ? meaningful : words;
  return [...new Set(terms)].slice(0, 12);
}

/**
 * A MATCH expression for `terms`: every term ("all", the precise first try) or any of them ("any",
 * the fallback). Terms of 3+ characters also match as prefixes, so "heat" finds "heater".
 * Undefined when there is nothing to search for.
 */
export function ftsMatch(terms: readonly string[], mode: 'all' | 'any'): string | undefined {
  if (terms.length === 0) return undefined;
  const parts = terms.map((t) => (t.length >= 3 ? `"${t}"*` : `"${t}"`));
  return parts.join(mode === 'all' ? ' AND ' : ' OR ');
}
