/** What scribe derives from a note's own words: its #tags and, for "title: rest" notes, a title. */

const TAG = /(?:^|\s)#([\p{L}\p{N}_][\p{L}\p{N}_-]{0,49})/gu;

/** The #hashtags in `text`, lower-cased, without "#", each once, in order of appearance. */
export function tagsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TAG)) {
    const tag = (m[1] ?? '').toLowerCase();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/**
 * A title when the note starts with a short label and a colon ("book recommendation: The Design of
 * Everyday Things" → "book recommendation"); a long first clause is prose, not a label.
 */
export function titleOf(text: string): string | undefined {
  const m = /^([^:\n]{1,40}):\s+\S/u.exec(text);
  if (!m) return undefined;
  const label = (m[1] ?? '').trim();
  if (label.split(/\s+/).length > 5 || /^https?$/i.test(label)) return undefined;
  return label;
}

/** Collapse runs of whitespace and trim; a note is kept as said otherwise. */
export function tidy(text: string): string {
  return text.replace(/[ \t]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
}

/** `text` on one line, cut at a word boundary to at most `max` characters with "…". */
export function preview(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/u, '')}…`;
}
