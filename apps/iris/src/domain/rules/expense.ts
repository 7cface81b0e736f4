/**
 * expense: spending and budgets for ledger. Entities: action (record | budget | remove-budget |
 * budgets | summary), amount,
 * currency (ISO 4217, only when said), description, category (budgets and summaries), period
 * (today | yesterday | week | month | year).
 */
import { match, type Rule } from '../classification.js';
import { findBareAmount, findMoney, type Money } from '../money.js';
import { tidyPhrase } from '../text.js';

const SPEND_VERB = /\b(?:spent|spend|spending|paid|pay|bought|buy|cost|costs|costed|expense|expensed|charged|tipped|donated|gave|owe|splurged|dropped)\b/;
const CURRENCY_WORD = /\b(?:euros?|dollars?|bucks|pounds|quid|francs|yen|rupees|eur|usd|gbp|chf)\b|[€$£¥₹]/;

const PERIODS: ReadonlyArray<[RegExp, string]> = [
  [/\btoday\b/, 'today'],
  [/\byesterday\b/, 'yesterday'],
  [/\b(?:this|per|a|the)\s+week\b|\bweekly\b|\blast\s+7\s+days\b/, 'week'],
  [/\b(?:this|per|a|the)\s+month\b|\bmonthly\b|\blast\s+30\s+days\b/, 'month'],
  [/\b(?:this|per|a|the)\s+year\b|\byearly\b|\bannual(?:ly)?\b/, 'year'],
];

const SUMMARY = [
  /^how\s+much\s+(?:money\s+)?(?:did|have|do)\s+i\s+(?:spent|spend|spending|paid|pay|been\s+spending)\b(.*)$/,
  /^(?:what|how\s+much)\s+(?:did|have)\s+i\s+(?:spent|spend|paid)\b(.*)$/,
  /^(?:show\s+(?:me\s+)?|list\s+|my\s+|total\s+)*(?:expenses|spending|spendings|costs|outgoings)\b(.*)$/,
  /^(?:how\s+much\s+(?:is\s+)?(?:left|remaining)\s+(?:in|of|on)\s+(?:my\s+)?(.*?)\s*budget|(?:budget|budgets)\s+(?:status|left|remaining)|how(?:'s| is| are)\s+my\s+budgets?|am\s+i\s+(?:over|under|within)\s+(?:my\s+)?budget)(.*)$/,
];

const BUDGET = [
  // "budget food 300", "budget for food 300 a month", "food budget 300", "set my food budget to 300"
  /^(?:set\s+(?:a\s+|my\s+|the\s+)?)?(?:(?:monthly|weekly)\s+)?budget\s+(?:for\s+)?([a-z][a-z &]*?)\s+(?:to\s+|at\s+|of\s+|is\s+|=\s*)?(.+)$/,
  /^(?:set\s+(?:a\s+|my\s+|the\s+)?)?(?:(?:monthly|weekly)\s+)?([a-z][a-z &]*?)\s+budget\s+(?:to\s+|at\s+|of\s+|is\s+|=\s*)?(.+)$/,
  /^(?:set\s+(?:a\s+|my\s+|the\s+)?)?(?:(?:monthly|weekly)\s+)?budget\s+(?:of\s+|to\s+)?(.+?)\s+(?:for|on)\s+([a-z][a-z &]*)$/,
];

const REMOVE_BUDGET = /^(?:remove|delete|clear|drop|cancel|stop)\s+(?:the\s+|my\s+)?(?:budget\s+(?:for\s+)?([a-z][a-z &]*?)|([a-z][a-z &]*?)\s+budget)$/;
const BUDGETS = /^(?:(?:show|list|see|view)\s+(?:me\s+)?)?(?:all\s+)?(?:my\s+)?budgets\??$|^what(?:'s|s|\s+is|\s+are)\s+(?:my|the)\s+(?:[a-z]+\s+)?budgets?\??$/;
// "Netflix 12.99", "3.50 coffee": a price with cents and a word is money even without a currency.
const PRICED = /^([a-z][a-z' &-]{1,40}?)\s+(\d+[.,]\d{2})$|^(\d+[.,]\d{2})\s+([a-z][a-z' &-]{1,40})$/;

/** Budgets, spending summaries, and spending records ("spent 12.50 on lunch", "€30 groceries"). */
export const expenseRule: Rule = (t) => {
  const remove = REMOVE_BUDGET.exec(t);
  if (remove) return match('expense.budget.remove', 'expense', 0.95, { action: 'remove-budget', category: (remove[1] ?? remove[2] ?? '').trim() });
  if (BUDGETS.test(t)) return match('expense.budgets', 'expense', 0.95, { action: 'budgets' });
  const priced = PRICED.exec(t);
  if (priced) {
    const amount = Number((priced[2] ?? priced[3] ?? '').replace(',', '.'));
    return match('expense.priced', 'expense', 0.75, { action: 'record', amount, description: (priced[1] ?? priced[4] ?? '').trim() });
  }
  return budget(t) ?? summary(t) ?? record(t);
};

function budget(t: string) {
  for (const [i, re] of BUDGET.entries()) {
    const m = re.exec(t);
    if (!m) continue;
    const [categoryRaw, amountText] = i === 2 ? [m[2], m[1]] : [m[1], m[2]];
    const money = findMoney(amountText ?? '') ?? findBareAmount(amountText ?? '');
    const category = (categoryRaw ?? '').replace(/^(?:my|the|a)\s+/, '').trim();
    if (!money || category === '' || /\b(?:calorie|kcal|water|sleep|step)s?\b/.test(category)) continue;
    return match('expense.budget', 'expense', 0.9, { action: 'budget', category, amount: money.amount, currency: money.currency, period: period(amountText ?? '') });
  }
  return undefined;
}

function summary(t: string) {
  for (const re of SUMMARY) {
    const m = re.exec(t);
    if (!m) continue;
    const rest = m.slice(1).filter((g) => g !== undefined).join(' ');
    // "spending 20 on taxis" is a record, not a question about spending.
    if (/\d/.test(rest)) return undefined;
    const onWhat = /\b(?:on|for|in)\s+([a-z][a-z &]*?)(?:\s+(?:today|yesterday|this|last|per|in|so)\b|\??$)/.exec(rest.replace(/\?$/, ''));
    const category = onWhat?.[1] !== undefined && !/^(?:the|total)$/.test(onWhat[1]) ? onWhat[1] : undefined;
    return match('expense.summary', 'expense', 0.9, { action: 'summary', period: period(t), category });
  }
  return undefined;
}

function record(t: string) {
  if (/\?$/.test(t) || /^(?:how|what|when|where|why|who)\b/.test(t)) return undefined;
  const money = findMoney(t);
  const verb = SPEND_VERB.test(t);
  let found: Money | undefined = money;
  if (!found && verb) found = findBareAmount(t);
  if (!found) return undefined;
  // A bare number needs a spending verb; an amount with a currency is an expense on its own ("€30 groceries").
  const description = tidyPhrase(
    (t.slice(0, found.index) + ' ' + t.slice(found.index + found.match.length))
      .replace(/^(?:i\s+)?(?:just\s+)?(?:have\s+|had\s+|got\s+)?/, '')
      .replace(SPEND_VERB, ' ')
      .replace(/\b(?:on|for|at|in)\s*$/, ' ')
      .replace(/^\s*(?:on|for|at)\b/, ' ')
      .replace(/\s+(?:on|for)\s+(?=\S)/, ' ')
      .replace(CURRENCY_WORD, ' ')
      .replace(/\s+(?:today|yesterday|this\s+(?:morning|afternoon|evening|week|month)|tonight|last\s+night|just\s+now)\s*$/, ' '),
    ['to', 'on', 'for', 'and', 'at', 'i', 'me', 'was', 'it'],
  );
  return match(money ? 'expense.money' : 'expense.spent', 'expense', money && verb ? 0.95 : 0.85, {
    action: 'record',
    amount: found.amount,
    currency: found.currency,
    description: description === '' ? undefined : description,
  });
}

function period(t: string): string | undefined {
  return PERIODS.find(([re]) => re.test(t))?.[1];
}
