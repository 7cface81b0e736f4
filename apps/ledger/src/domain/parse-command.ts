/**
 * What an expense message asks for: record an expense, totals for a period, a budget, undo. Pure:
 * the clock, the time zone and the default currency come in, so every phrasing is a table row.
 */
import { CURRENCY_SIGNS, currencyNamed } from '@hive/agent';
import { categoryNamed, inferCategory, type Category } from './categories.js';
import { normalizeDecimal, toMinor } from './money.js';
import { dayIn, periodRange, shiftDay, type Period, type PeriodName } from './periods.js';

export interface ParseContext {
  readonly now: Date;
  /** IANA zone: which calendar day "today" is. */
  readonly timeZone: string;
  /** ISO code used when the message names none. */
  readonly currency: string;
}

/** An expense as parsed, before it gets an id and is stored. */
export interface ExpenseDraft {
  readonly amountMinor: number;
  readonly currency: string;
  readonly category: Category;
  readonly description: string;
  /** YYYY-MM-DD in the owner's zone. */
  readonly spentOn: string;
}

export type RejectReason = 'empty' | 'no-amount' | 'zero' | 'bad-amount' | 'too-large' | 'no-category';

export type LedgerCommand =
  | { readonly kind: 'record'; readonly expense: ExpenseDraft }
  | { readonly kind: 'totals'; readonly period: Period; readonly category?: Category; readonly byCategory: boolean; readonly itemize: boolean }
  | { readonly kind: 'set-budget'; readonly category: Category; readonly limitMinor: number; readonly currency: string }
  | { readonly kind: 'remove-budget'; readonly category: Category }
  | { readonly kind: 'budgets' }
  | { readonly kind: 'undo' }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly reply: string };

/** Larger single expenses (in major units) are refused as a likely typo. */
export const MAX_AMOUNT_MAJOR = 10_000_000;

const EXAMPLES = '"spent 12.50 on lunch", "€30 groceries", "paid 45 USD for the taxi"';

function reject(reason: RejectReason, reply: string): LedgerCommand {
  return { kind: 'rejected', reason, reply };
}

/** Parse one expense message. Never throws: anything unusable becomes `rejected` with a reply. */
export function parseLedgerCommand(input: string, ctx: ParseContext): LedgerCommand {
  const text = input.replace(/\s+/g, ' ').trim();
  if (text === '') return reject('empty', `Tell me what you spent, e.g. ${EXAMPLES}.`);
  return parseUndo(text) ?? parseBudget(text, ctx) ?? parseTotals(text, ctx) ?? parseExpense(text, ctx);
}

function parseUndo(text: string): LedgerCommand | undefined {
  return /^(?:undo|oops|scratch that|(?:delete|remove|cancel|undo)\s+(?:the\s+|my\s+)?last(?:\s+(?:expense|one|entry))?)[.!]?$/i.test(text) ? { kind: 'undo' } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Budgets: "budget food 300", "set budget for groceries to 400 EUR", "budget 300 for food",
// "food budget 250", "remove budget food", "budgets".

const AMOUNT_WITH_CURRENCY = String.raw`([€$£¥₹]?\s*\d[\d.,]*)\s*([A-Za-z€$£¥₹]{1,5})?`;

/** The three ways to set a budget, compiled once: a `\p{L}` regex costs milliseconds to compile. */
const BUDGET_FORMS = [
  new RegExp(String.raw`^(?:set\s+)?(?:a\s+|my\s+|the\s+)?(?:monthly\s+)?budget\s+(?:for\s+|on\s+)?([\p{L} ]+?)\s+(?:to\s+|at\s+|of\s+|is\s+|=\s*)?${AMOUNT_WITH_CURRENCY}(?:\s*(?:per|a|each|every|/)\s*month|\s+monthly)?$`, 'iu'),
  new RegExp(String.raw`^(?:set\s+)?(?:a\s+|my\s+|the\s+)?(?:monthly\s+)?budget\s+(?:of\s+)?${AMOUNT_WITH_CURRENCY}\s+(?:for|on)\s+([\p{L} ]+?)(?:\s*(?:per|a|each|every|/)\s*month|\s+monthly)?$`, 'iu'),
  new RegExp(String.raw`^(?:set\s+)?(?:my\s+|the\s+)?([\p{L}]+)\s+budget\s+(?:to\s+|at\s+|of\s+|is\s+|=\s*)?${AMOUNT_WITH_CURRENCY}(?:\s*(?:per|a|each|every|/)\s*month|\s+monthly)?$`, 'iu'),
];

function parseBudget(text: string, ctx: ParseContext): LedgerCommand | undefined {
  const t = text.replace(/[.!?]+$/, '');
  if (/^(?:(?:show|list|see|check)\s+(?:me\s+)?(?:my\s+|the\s+)?budgets?|(?:my\s+)?budgets?|budget\s+status|how\s+(?:are|is)\s+my\s+budgets?(?:\s+doing)?|(?:am\s+i|are\s+we)\s+(?:within|on|over)\s+(?:my\s+)?budgets?)$/i.test(t)) {
    return { kind: 'budgets' };
  }
  const remove = /^(?:remove|delete|clear|drop|cancel|no)\s+(?:the\s+|my\s+)?(?:budget\s+(?:for\s+)?([\p{L} ]+?)|([\p{L} ]+?)\s+budget)$/iu.exec(t);
  if (remove) {
    const name = (remove[1] ?? remove[2]!).trim();
    const category = categoryNamed(name);
    return category ? { kind: 'remove-budget', category } : reject('no-category', unknownCategory(name));
  }
  for (const [i, re] of BUDGET_FORMS.entries()) {
    const m = re.exec(t);
    if (!m) continue;
    const [name, amount, unit] = i === 1 ? [m[3]!, m[1]!, m[2]] : [m[1]!, m[2]!, m[3]];
    const category = categoryNamed(name);
    if (!category) return reject('no-category', unknownCategory(name));
    const symbol = /^[€$£¥₹]/.exec(amount.trim())?.[0];
    const currency = currencyOf(unit) ?? currencyOf(symbol) ?? ctx.currency;
    if (unit !== undefined && currencyOf(unit) === undefined) continue;
    const decimal = normalizeDecimal(amount.replace(/^[€$£¥₹]\s*/, ''));
    const minor = decimal === undefined ? undefined : toMinor(decimal, currency);
    if (minor === undefined) return reject('bad-amount', `I couldn't read "${amount.trim()}" as an amount. Try "budget ${category} 300".`);
    if (minor === 0) return { kind: 'remove-budget', category };
    return { kind: 'set-budget', category, limitMinor: minor, currency };
  }
  if (/^(?:set\s+)?(?:a\s+)?budget\b/i.test(t)) {
    return reject('no-category', 'Tell me the category and the monthly amount, e.g. "budget food 300" or "budget groceries 400 EUR".');
  }
  return undefined;
}

function unknownCategory(name: string): string {
  return `"${name}" is not one of my categories: food, groceries, transport, housing, utilities, health, entertainment, shopping, travel, other.`;
}

// ---------------------------------------------------------------------------------------------
// Totals: "how much did I spend this week", "spending by category this month", "expenses today".

const PERIODS: readonly [RegExp, PeriodName][] = [
  [/\btoday\b/i, 'today'],
  [/\byesterday\b/i, 'yesterday'],
  [/\blast\s+week\b|\bprevious\s+week\b/i, 'last week'],
  [/\b(?:this|the)\s+week\b|\bweekly\b|\bweek\b/i, 'this week'],
  [/\blast\s+month\b|\bprevious\s+month\b/i, 'last month'],
  [/\b(?:this|the)\s+month\b|\bmonthly\b|\bmonth\b/i, 'this month'],
  [/\b(?:this|the)\s+year\b|\byear\b/i, 'this year'],
];

function parseTotals(text: string, ctx: ParseContext): LedgerCommand | undefined {
  const t = text.replace(/[?!.]+$/, '');
  const asks =
    /^(?:how\s+much|what(?:'s|\s+is|\s+did|\s+have)?|show|list|see|give\s+me|tell\s+me|total|totals|summary|breakdown|spending|spendings|expenses|my\s+(?:expenses|spending)|where\s+did\s+my\s+money\s+go)\b/i.test(t) ||
    /\b(?:by|per)\s+category\b/i.test(t);
  if (!asks || hasAmount(t)) return undefined;
  const period = PERIODS.find(([re]) => re.test(t))?.[1] ?? 'this month';
  const byCategory = /\b(?:by|per)\s+categor(?:y|ies)\b|\bbreakdown\b|\bcategories\b|\bwhere\s+did\s+my\s+money\s+go\b/i.test(t);
  const itemize = /^(?:list|show|see)\b.*\b(?:expenses|transactions|entries|purchases)\b/i.test(t) || /^(?:my\s+)?expenses\b/i.test(t);
  const on = /\b(?:on|for|in)\s+([\p{L}]+)\b/iu.exec(t.replace(/\b(?:this|last|the)\s+(?:week|month|year)\b/gi, ''));
  const category = on ? categoryNamed(on[1]!) : undefined;
  const today = dayIn(ctx.now, ctx.timeZone);
  return { kind: 'totals', period: periodRange(period, today), byCategory, itemize, ...(category ? { category } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Expenses: "spent 12.50 on lunch", "€30 groceries", "coffee 3.20", "paid 45 USD for the taxi",
// "1.234,56 EUR rent".

const SYMBOLS = Object.keys(CURRENCY_SIGNS).join('');
const KNOWN_CODES = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : []);

/** The ISO code a token names: a symbol, a word from our list ("euros", "bucks"), or an upper-case ISO code. */
function currencyOf(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const t = token.replace(/[.,!?;:)]+$/, '');
  const word = currencyNamed(t);
  if (word) return word;
  // Lower-case three-letter words are too often English ("all", "cup"); only codes written as codes count.
  return /^[A-Z]{3}$/.test(t) && KNOWN_CODES.has(t) ? t : undefined;
}

function hasAmount(text: string): boolean {
  return /\d/.test(text.replace(/\b\d{1,2}:\d{2}\b/g, ''));
}

interface Candidate {
  readonly index: number;
  readonly decimal: string | undefined;
  readonly raw: string;
  readonly currency: string | undefined;
  /** Token indexes this amount and its currency occupy. */
  readonly span: readonly number[];
  readonly score: number;
}

const STRONG_CUE = /^(?:spent|spend|paid|pay|cost|costs|costing|was|total|charged)$/i;
const WEAK_CUE = /^(?:for|of|=|-|:)$/i;
const FILLER = /^(?:i|i've|ive|have|just|spent|spend|paid|pay|bought|buy|got|cost|costs|was|it|that|for|on|at|in|a|an|the|some|my|me|of|to|total|expense|expenses|yesterday|today)$/i;
const TRAILING_FILLER = /^(?:for|on|at|in|a|an|the|of|to|and|with|yesterday|today)$/i;

// Global, shared: String.prototype.replace starts a global regex from lastIndex 0 and leaves it there.
const SYMBOL_BEFORE_DIGIT = new RegExp(`([${SYMBOLS}])(?=\\d)`, 'g');
const SYMBOL_AFTER_DIGIT = new RegExp(`(\\d)([${SYMBOLS}])`, 'g');

function tokenize(text: string): string[] {
  return text
    .replace(SYMBOL_BEFORE_DIGIT, '$1 ')
    .replace(SYMBOL_AFTER_DIGIT, '$1 $2')
    // "12.50EUR", "30eur": split a number from a currency glued to it.
    .replace(/(\d)([A-Za-z]{3})\b/g, (m, d: string, w: string) => (currencyOf(w) ? `${d} ${w}` : m))
    .split(' ')
    .filter(Boolean);
}

function candidates(tokens: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  tokens.forEach((token, i) => {
    const raw = token.replace(/[.,!?;:)]+$/, '').replace(/^\(/, '');
    if (!/^\d[\d.,]*$/.test(raw)) return;
    const decimal = normalizeDecimal(raw);
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const before = currencyOf(prev);
    const afterCur = currencyOf(next);
    let score = 0;
    if (before || afterCur) score += 100;
    if (prev && STRONG_CUE.test(prev)) score += 50;
    if (prev && WEAK_CUE.test(prev)) score += 20;
    if (decimal?.includes('.')) score += 30;
    // "2 coffees", "3 tickets", "2x": a count, not a price.
    if (!afterCur && next && (/^x$/i.test(next) || /^[a-z]{3,}s$/i.test(next.replace(/[.,!?]+$/, '')))) score -= 40;
    if (/^\d+x$/i.test(token)) score -= 40;
    const span = [i, ...(before ? [i - 1] : []), ...(afterCur ? [i + 1] : [])];
    out.push({ index: i, decimal, raw, currency: afterCur ?? before, span, score });
  });
  return out;
}

/** The description left once the amount, its currency and the filler words are gone: "taxi". */
export function describe(tokens: readonly string[], skip: ReadonlySet<number>): string {
  const words = tokens.filter((_, i) => !skip.has(i)).map((w) => w.replace(/^[#(]|[,;:)]$/g, ''));
  let start = 0;
  let end = words.length;
  while (start < end && FILLER.test(words[start]!.replace(/[.!?]+$/, ''))) start++;
  while (end > start && (TRAILING_FILLER.test(words[end - 1]!.replace(/[.!?]+$/, '')) || words[end - 1] === '-')) end--;
  return words
    .slice(start, end)
    .filter((w) => !/^(?:yesterday|today)$/i.test(w))
    .join(' ')
    .replace(/[.!?]+$/, '')
    .trim();
}

function parseExpense(text: string, ctx: ParseContext): LedgerCommand {
  const tokens = tokenize(text);
  const found = candidates(tokens);
  if (found.length === 0) return reject('no-amount', `I couldn't find an amount in that. Try ${EXAMPLES}.`);
  // Highest score; on a tie the later number, since prices tend to follow what was bought.
  const best = found.reduce((a, b) => (b.score >= a.score ? b : a));
  const anyCurrency = [...new Set(tokens.map(currencyOf).filter((c): c is string => c !== undefined))];
  const currency = best.currency ?? (anyCurrency.length === 1 ? anyCurrency[0]! : ctx.currency);
  if (best.decimal === undefined) return reject('bad-amount', `I couldn't read "${best.raw}" as an amount. Write it like 12.50 or 1.234,56.`);
  const amountMinor = toMinor(best.decimal, currency);
  if (amountMinor === undefined) return reject('bad-amount', `"${best.raw}" has more decimals than ${currency} uses.`);
  if (amountMinor === 0) return reject('zero', 'An expense needs an amount above zero.');
  if (Number(best.decimal) > MAX_AMOUNT_MAJOR) return reject('too-large', `${best.raw} ${currency} is more than I record for one expense; check the amount.`);

  const skip = new Set(best.span);
  // A currency named elsewhere ("paid 45 for the taxi in USD") is not part of the description.
  if (!best.currency) tokens.forEach((tok, i) => currencyOf(tok) && skip.add(i));
  let description = describe(tokens, skip);
  const tag = /#(\p{L}+)/u.exec(text);
  const tagged = tag ? categoryNamed(tag[1]!) : undefined;
  if (tag && tagged) description = description.replace(new RegExp(`\\s*#?${tag[1]}\\b`, 'u'), '').trim();
  const category = tagged ?? inferCategory(description);
  const today = dayIn(ctx.now, ctx.timeZone);
  const spentOn = /\byesterday\b/i.test(text) ? shiftDay(today, -1) : today;
  return { kind: 'record', expense: { amountMinor, currency, category, description: description || category, spentOn } };
}
