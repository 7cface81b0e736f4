/** Text clean-up shared by every rule, so that each rule matches one canonical spelling. */

/**
 * Lower-case, straighten typographic quotes and dashes, drop emoji and collapse whitespace; keeps
 * "?" (questions), ":" (prefixes such as "note:") and the digits, currency signs and units rules read.
 */
export function normalize(text: string): string {
  return tidyText(text).toLowerCase();
}

/** Everything `normalize` does except lower-casing: the text entities are cut from this. */
export function tidyText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\p{Extended_Pictographic}|\u200d|\ufe0f/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!,;]+$/u, '')
    .trim();
}

interface EdgePatterns {
  readonly lead: RegExp;
  readonly trail: RegExp;
}

/**
 * The lead/trail patterns of each connector list, compiled once: a regex built per call is compiled
 * per call. The lists are the few constants the rules pass, so the map stays that small.
 */
const edgePatterns = new Map<string, EdgePatterns>();

function edgePatternsOf(connectors: readonly string[]): EdgePatterns {
  const words = connectors.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  let patterns = edgePatterns.get(words);
  if (!patterns) {
    patterns = {
      lead: new RegExp(`^(?:(?:${words})\\b|[,:;\\-])\\s*`, 'i'),
      trail: new RegExp(`\\s*(?:\\b(?:${words})|[,:;\\-])$`, 'i'),
    };
    edgePatterns.set(words, patterns);
  }
  return patterns;
}

/** Trim leftover connectors ("to", "that", ":", ",") from both ends of an extracted phrase. */
export function tidyPhrase(phrase: string, connectors: readonly string[] = ['to', 'that', 'about', 'and', 'then']): string {
  let s = phrase.replace(/\s+/g, ' ').trim();
  const { lead, trail } = edgePatternsOf(connectors);
  for (let changed = true; changed; ) {
    const before = s;
    s = s.replace(lead, '').replace(trail, '').trim();
    changed = s !== before;
  }
  return s;
}

/** Words of a phrase, split on anything that is not a letter, digit, apostrophe or decimal point. */
export function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}'.]+/u).filter((w) => w.length > 0);
}

/**
 * The same span of `cased` that `phrase` is of `lower`, so that a note keeps "Hunter2" and "Mom";
 * the phrase as given when it cannot be found or lower-casing changed the text's length.
 */
export function restoreCase(phrase: string, lower: string, cased: string): string {
  if (lower.length !== cased.length) return phrase;
  const at = lower.lastIndexOf(phrase);
  if (at >= 0) return cased.slice(at, at + phrase.length);
  // Not one span ("meeting with anna" out of "meeting at 3pm with Anna"): restore word by word, in order.
  const lowerWords = lower.split(' ');
  const casedWords = cased.split(' ');
  let from = 0;
  const out: string[] = [];
  for (const w of phrase.split(' ')) {
    const i = lowerWords.indexOf(w, from);
    if (i < 0) return phrase;
    out.push(casedWords[i] ?? w);
    from = i + 1;
  }
  return out.join(' ');
}
