/** Keywords and hashtags from an idea's own words: no dictionary, no model, the same every time. */

const STOP = new Set(
  (
    'a an the and or but if so of to in on at by for with from into about over after before than then that this these those it its ' +
    'i me my we us our you your he she they them their is are was were be been being am do does did done have has had having ' +
    'will would can could should may might must shall not no yes very just really also too more most less much many some any all ' +
    'what why how when where who whom which while there here out up down off again once only own same such both each few other ' +
    'post posts draft write idea ideas thing things stuff get got make made makes making let lets like one two three new way ways ' +
    'dont doesnt didnt cant wont isnt arent im ive youre were theyre its thats heres whats lot lots even still ever every ' +
    'because without within across through during since until unless though although whether via per ' +
    'moved move moving took take takes taking went go goes going came come learned learn learning think thought know knew need needs ' +
    'want wanted use used using try tried test tested say said tell told keep kept start started stop stopped give gave find found ' +
    'better best worse worst good great bad big bigger small smaller fast faster slow slower easy easier hard harder real actually'
  ).split(' '),
);

/** Adjectives that make a phrase ("small teams") even though alone they make a poor tag. */
const PHRASE_ONLY = new Set(['small', 'big', 'fast', 'slow', 'good', 'bad', 'real', 'easy', 'hard']);

function isContent(lower: string): boolean {
  return lower.length >= 3 && !STOP.has(lower) && !/^\d+$/.test(lower);
}

/**
 * Words of an idea worth a hashtag, most telling first: the idea's own capitalised names ("Redis
 * Streams"), then two-word phrases of content words ("remote work"), then single words, longer first.
 */
export function keywordsOf(idea: string, max = 10): string[] {
  const out: string[] = [];
  const add = (k: string) => {
    if (k && !out.some((o) => o.toLowerCase() === k.toLowerCase())) out.push(k);
  };
  // "Redis Streams", "Node.js": a run of capitalised words is a name; keep it whole.
  for (const m of idea.matchAll(/(?<![\p{L}\p{N}])(\p{Lu}[\p{L}\p{N}]*(?:[ .-]\p{Lu}[\p{L}\p{N}]*)+)/gu)) {
    const phrase = (m[1] ?? '').trim();
    const words = phrase.split(/[ .-]+/);
    if (words.every((w) => STOP.has(w.toLowerCase()))) continue;
    // A sentence's first word is capitalised by grammar, not because it is a name.
    if ((m.index === 0 || /[.!?]\s*$/.test(idea.slice(0, m.index))) && words.length < 3) continue;
    add(phrase);
  }
  const words = (idea.match(/[\p{L}\p{N}][\p{L}\p{N}'’.+#-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu) ?? []).map((w) => w.replace(/['’]/g, ''));
  const lower = words.map((w) => w.toLowerCase());
  const used = new Set<number>();
  for (let i = 0; i + 1 < words.length; i++) {
    const a = lower[i]!;
    const b = lower[i + 1]!;
    if (used.has(i) || !(isContent(a) || PHRASE_ONLY.has(a)) || !isContent(b)) continue;
    add(`${words[i]} ${words[i + 1]}`);
    used.add(i).add(i + 1);
  }
  // A capital mid-sentence ("Deno"), or inside a word ("iPhone", "Node.js"), is a name's: keep it.
  const sentenceStart = (i: number) => i === 0 || /[.!?:]$/.test(words[i - 1] ?? '');
  const singles = words
    .map((w, i) => ({ w: /^\p{Lu}{2,}$/u.test(w) || /.\p{Lu}|\.\p{L}/u.test(w) || (/^\p{Lu}/u.test(w) && !sentenceStart(i)) ? w : lower[i]!, i }))
    .filter(({ i }) => isContent(lower[i]!) && !used.has(i) && !out.some((o) => o.toLowerCase().split(/[ .-]+/).includes(lower[i]!)))
    .map(({ w, i }) => ({ w, score: Math.min(w.length, 10) - i * 0.1 }));
  singles.sort((a, b) => b.score - a.score);
  for (const { w } of singles) add(w);
  return out.slice(0, max);
}

/** A keyword as a hashtag: "Redis Streams" → "RedisStreams", "node.js" → "nodejs". */
export function hashtagOf(keyword: string): string {
  const parts = keyword.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (parts.length === 0) return '';
  // keywordsOf already chose the case of a single word: names keep theirs.
  if (parts.length === 1) return parts[0]!;
  return parts.map((p) => (/^\p{Lu}+$/u.test(p) ? p : p[0]!.toUpperCase() + p.slice(1).toLowerCase())).join('');
}

/** Up to `n` distinct hashtags (without "#") from an idea's keywords. */
export function hashtagsFor(idea: string, n: number): string[] {
  if (n <= 0) return [];
  const out: string[] = [];
  for (const k of keywordsOf(idea, n * 3)) {
    const tag = hashtagOf(k);
    if (tag.length >= 2 && !out.some((t) => t.toLowerCase() === tag.toLowerCase())) out.push(tag);
    if (out.length >= n) break;
  }
  return out;
}
