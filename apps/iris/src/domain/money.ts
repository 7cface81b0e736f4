/** Amounts of money as people type them: "12.50", "€30", "30€", "30 eur", "$4.50", "20 bucks". */
import { CURRENCY_SIGNS, CURRENCY_WORDS } from '@hive/agent';
import { parseNumber } from './numbers.js';

// "try" is the lira's code but also a verb: iris reads it only as a suffix ("30 try"), never as a prefix.
const WORDS: Readonly<Record<string, string>> = { ...CURRENCY_WORDS, try: 'TRY' };
const escape = (w: string) => w.replace(/[$]/g, '\\$');

const NUM = '\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?';
const SYM = `[${Object.keys(CURRENCY_SIGNS).map(escape).join('')}]`;
const WORD = Object.keys(WORDS).map(escape).join('|');
// As a prefix ("usd 30") only an ISO code, written as one.
const PREFIX_WORD = Object.keys(CURRENCY_WORDS).filter((w) => /^[a-z]{3}$/.test(w) && CURRENCY_WORDS[w] === w.toUpperCase()).join('|');

/** Matches one amount with its currency, if any; groups: symbol-before, number, symbol-after, word-after, word-before, number. */
export const MONEY = new RegExp(
  `(?:(${SYM})\\s*(${NUM})|(?<![\\w.,])(${NUM})\\s*(?:(${SYM})|(${WORD})(?![\\w$]))|\\b(${PREFIX_WORD})\\s*(${NUM}))`,
  'i',
);

/** Matches a number followed by a unit of time, so "30 min" is never taken for money. */
const TIME_AFTER = /^\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?|k\b|km|kms|mi|miles?|steps|reps|glass|glasses|cups?|ml|l\b|g\b|kg|grams?|kcal|cal|calories|x\b|times|sets)/i;

export interface Money {
  readonly amount: number;
  /** ISO 4217, when the text named one. */
  readonly currency: string | undefined;
  /** The matched text, so callers can cut it out. */
  readonly match: string;
  readonly index: number;
}

/** The first amount with an explicit currency in the text. */
export function findMoney(text: string): Money | undefined {
  const m = MONEY.exec(text);
  if (!m) return undefined;
  const [match, symBefore, n1, n2, symAfter, wordAfter, wordBefore, n3] = m;
  const number = n1 ?? n2 ?? n3;
  const amount = number === undefined ? undefined : parseNumber(number);
  if (amount === undefined) return undefined;
  const currency = symBefore !== undefined ? CURRENCY_SIGNS[symBefore] : symAfter !== undefined ? CURRENCY_SIGNS[symAfter] : WORDS[(wordAfter ?? wordBefore ?? '').toLowerCase()];
  if (currency === undefined) return undefined;
  return { amount, currency, match, index: m.index };
}

// Global and shared: findBareAmount walks it with exec, so it resets lastIndex before each walk.
const BARE_AMOUNT = new RegExp(`(?<![\\w.,])(${NUM})(?![\\w])`, 'g');

/** The first bare amount ("12.50") that is not a quantity of time, distance or food; used after a spending verb. */
export function findBareAmount(text: string): Money | undefined {
  const re = BARE_AMOUNT;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const after = text.slice(m.index + m[0].length);
    if (TIME_AFTER.test(after)) continue;
    const amount = parseNumber(m[1] ?? '');
    if (amount !== undefined) return { amount, currency: undefined, match: m[0], index: m.index };
  }
  return undefined;
}
