/** Numbers as people type them: digits with "." or "," decimals, fractions, and words. */
import { NUMBER_WORDS, wordsPattern } from '@hive/agent';

const WORDS: Readonly<Record<string, number>> = { ...NUMBER_WORDS, a: 1, an: 1, half: 0.5, couple: 2, dozen: 12 };

/** Regex source matching one number as typed: "2", "2.5", "2,5", "1/2", "½" or a number word. */
export const NUMBER_SOURCE = `(?:\\d+(?:[.,]\\d+)?(?:\\s*/\\s*\\d+)?|[½¼¾]|${wordsPattern(Object.keys(WORDS).filter((w) => w !== 'a' && w !== 'an'))})`;

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
