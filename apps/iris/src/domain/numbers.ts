/** Numbers as people type them: digits with "." or "," decimals, fractions, and words. */

const WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  hundred: 100,
  half: 0.5,
  couple: 2,
  dozen: 12,
};

/** Regex source matching one number as typed: "2", "2.5", "2,5", "1/2", "½" or a number word. */
export const NUMBER_SOURCE = `(?:\\d+(?:[.,]\\d+)?(?:\\s*/\\s*\\d+)?|[½¼¾]|${Object.keys(WORDS)
  .filter((w) => w !== 'a' && w !== 'an')
  .join('|')})`;

/** The value of one number token, or undefined when it is not a number. */
export function parseNumber(token: string): number | undefined {
  const t = token.trim().toLowerCase();
  if (t === '½') return 0.5;
  if (t === '¼') return 0.25;
  if (t === '¾') return 0.75;
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (fraction) {
    const d = Number(fraction[2]);
    return d === 0 ? undefined : Number(fraction[1]) / d;
  }
  // "12,50" is a decimal comma; "1,000" (three digits after) is a thousands separator.
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(t)) return Number(t.replace(/,/g, ''));
  if (/^\d+(?:[.,]\d+)?$/.test(t)) return Number(t.replace(',', '.'));
  return WORDS[t];
}
