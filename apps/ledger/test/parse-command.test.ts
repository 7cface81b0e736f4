import { CURRENCY_SIGNS, CURRENCY_WORDS } from '@hive/agent';
import { describe, expect, it } from 'vitest';
import { parseLedgerCommand, type LedgerCommand } from '../src/domain/parse-command.js';

// Friday 14 March 2025, 11:00 in Berlin; EUR unless the message says otherwise.
const ctx = { now: new Date('2025-03-14T10:00:00.000Z'), timeZone: 'Europe/Berlin', currency: 'EUR' };

type Row = [input: string, amountMinor: number, currency: string, category: string, description: string];

const expenses: Row[] = [
  ['spent 12.50 on lunch', 1250, 'EUR', 'food', 'lunch'],
  ['€30 groceries', 3000, 'EUR', 'groceries', 'groceries'],
  ['coffee 3.20', 320, 'EUR', 'food', 'coffee'],
  ['paid 45 USD for the taxi', 4500, 'USD', 'transport', 'taxi'],
  ['1.234,56 EUR rent', 123456, 'EUR', 'housing', 'rent'],
  ['12,50 € lunch', 1250, 'EUR', 'food', 'lunch'],
  ['30€ pharmacy', 3000, 'EUR', 'health', 'pharmacy'],
  ['$5 coffee', 500, 'USD', 'food', 'coffee'],
  ['1,234.56 USD flight to NYC', 123456, 'USD', 'travel', 'flight to NYC'],
  ['12.50EUR cinema', 1250, 'EUR', 'entertainment', 'cinema'],
  ['30eur gas', 3000, 'EUR', 'transport', 'gas'],
  ['£12 pint', 1200, 'GBP', 'entertainment', 'pint'],
  ['¥1200 ramen', 1200, 'JPY', 'food', 'ramen'],
  ['spent 20 bucks on a haircut', 2000, 'USD', 'shopping', 'haircut'],
  ['taxi home 23,80', 2380, 'EUR', 'transport', 'taxi home'],
  ['rent 950', 95000, 'EUR', 'housing', 'rent'],
  ['gas bill 60', 6000, 'EUR', 'utilities', 'gas bill'],
  ['uber eats 25.90', 2590, 'EUR', 'food', 'uber eats'],
  ['netflix 12.99 #entertainment', 1299, 'EUR', 'entertainment', 'netflix'],
  ['birthday present for mum 40 #shopping', 4000, 'EUR', 'shopping', 'birthday present for mum'],
  ['paid 45 for the taxi in USD', 4500, 'USD', 'transport', 'taxi'],
  // A count next to a price: the price wins.
  ['2 coffees 7.00', 700, 'EUR', 'food', '2 coffees'],
  ['bought 2 pizzas for 18', 1800, 'EUR', 'food', '2 pizzas'],
  ['paid 45 for 3 tickets to the concert', 4500, 'EUR', 'entertainment', '3 tickets to the concert'],
  ['spent 20', 2000, 'EUR', 'other', 'other'],
  ['new shoes 89,99', 8999, 'EUR', 'shopping', 'new shoes'],
  ['I just paid 1200 for the hotel', 120000, 'EUR', 'travel', 'hotel'],
  ['electricity 75.40 CHF', 7540, 'CHF', 'utilities', 'electricity'],
  ['groceries at Lidl: 43,17', 4317, 'EUR', 'groceries', 'groceries at Lidl'],
];

describe('recording expenses', () => {
  it.each(expenses)('%s', (input, amountMinor, currency, category, description) => {
    expect(parseLedgerCommand(input, ctx)).toEqual({
      kind: 'record',
      expense: { amountMinor, currency, category, description, spentOn: '2025-03-14' },
    });
  });

  it('books "yesterday" on the day before, in the owner\'s zone', () => {
    const cmd = parseLedgerCommand('yesterday dinner 42 with Ann', ctx);
    expect(cmd).toMatchObject({ kind: 'record', expense: { amountMinor: 4200, description: 'dinner with Ann', category: 'food', spentOn: '2025-03-13' } });
    // 00:30 on the 15th in Berlin is still the 14th in UTC.
    const late = { ...ctx, now: new Date('2025-03-14T23:30:00.000Z') };
    expect(parseLedgerCommand('coffee 3', late)).toMatchObject({ expense: { spentOn: '2025-03-15' } });
  });

  it('uses the configured default currency', () => {
    expect(parseLedgerCommand('coffee 3.20', { ...ctx, currency: 'GBP' })).toMatchObject({ expense: { currency: 'GBP', amountMinor: 320 } });
  });
});

const queries: [string, Partial<Extract<LedgerCommand, { kind: 'totals' }>> & { from: string; to: string }][] = [
  ['how much did I spend this week', { byCategory: false, itemize: false, from: '2025-03-10', to: '2025-03-16' }],
  ['how much did I spend today?', { from: '2025-03-14', to: '2025-03-14' }],
  ['how much have I spent this month', { from: '2025-03-01', to: '2025-03-31' }],
  ['what did I spend yesterday', { from: '2025-03-13', to: '2025-03-13' }],
  ['spending by category this month', { byCategory: true, from: '2025-03-01', to: '2025-03-31' }],
  ['breakdown last month', { byCategory: true, from: '2025-02-01', to: '2025-02-28' }],
  ['how much did I spend on food this month', { category: 'food', from: '2025-03-01', to: '2025-03-31' }],
  ['expenses today', { itemize: true, from: '2025-03-14', to: '2025-03-14' }],
  ['list my expenses this week', { itemize: true, from: '2025-03-10', to: '2025-03-16' }],
  ['how much did I spend', { from: '2025-03-01', to: '2025-03-31' }],
  ['total last week', { from: '2025-03-03', to: '2025-03-09' }],
];

describe('totals', () => {
  it.each(queries)('%s', (input, expected) => {
    const { from, to, ...rest } = expected;
    const cmd = parseLedgerCommand(input, ctx);
    expect(cmd).toMatchObject({ kind: 'totals', ...rest, period: { from, to } });
  });
});

const budgets: [string, LedgerCommand][] = [
  ['budget food 300', { kind: 'set-budget', category: 'food', limitMinor: 30000, currency: 'EUR' }],
  ['budget 300 for food', { kind: 'set-budget', category: 'food', limitMinor: 30000, currency: 'EUR' }],
  ['set budget for groceries to 400 EUR', { kind: 'set-budget', category: 'groceries', limitMinor: 40000, currency: 'EUR' }],
  ['food budget 250', { kind: 'set-budget', category: 'food', limitMinor: 25000, currency: 'EUR' }],
  ['budget transport 1.200,50 per month', { kind: 'set-budget', category: 'transport', limitMinor: 120050, currency: 'EUR' }],
  ['budget entertainment $80', { kind: 'set-budget', category: 'entertainment', limitMinor: 8000, currency: 'USD' }],
  ['budget food 0', { kind: 'remove-budget', category: 'food' }],
  ['remove budget food', { kind: 'remove-budget', category: 'food' }],
  ['delete the travel budget', { kind: 'remove-budget', category: 'travel' }],
  ['budgets', { kind: 'budgets' }],
  ['budget', { kind: 'budgets' }],
  ['show my budgets', { kind: 'budgets' }],
  ['how are my budgets doing?', { kind: 'budgets' }],
  ['undo', { kind: 'undo' }],
  ['delete last expense', { kind: 'undo' }],
];

describe('budgets and undo', () => {
  it.each(budgets)('%s', (input, expected) => {
    expect(parseLedgerCommand(input, ctx)).toEqual(expected);
  });
});

const rejects: [string, string, string][] = [
  ['lunch', 'no-amount', "I couldn't find an amount in that"],
  ['', 'empty', 'Tell me what you spent'],
  ['0 lunch', 'zero', 'above zero'],
  ['0,00 € coffee', 'zero', 'above zero'],
  ['coffee 3.5.0', 'bad-amount', 'as an amount'],
  ['laptop 1,234.567 EUR', 'bad-amount', 'more decimals than EUR uses'],
  ['ramen 12.5 JPY', 'bad-amount', 'more decimals than JPY uses'],
  ['spent 99999999 on a yacht', 'too-large', 'check the amount'],
  ['budget cats 300', 'no-category', 'is not one of my categories'],
  ['set a budget please', 'no-category', 'budget food 300'],
];

describe('rejected with a helpful reply', () => {
  it.each(rejects)('%s', (input, reason, reply) => {
    const cmd = parseLedgerCommand(input, ctx);
    expect(cmd).toMatchObject({ kind: 'rejected', reason });
    expect(cmd.kind === 'rejected' && cmd.reply).toContain(reply);
  });
});

// iris routes the same words (apps/iris/test/parts.test.ts reads the same table): the two never disagree.
describe('every currency word and sign of the shared table', () => {
  it.each(Object.entries({ ...CURRENCY_WORDS, ...CURRENCY_SIGNS }))('spent 30 %s on lunch → %s', (word, code) => {
    expect(parseLedgerCommand(`spent 30 ${word} on lunch`, ctx)).toMatchObject({ kind: 'record', expense: { currency: code } });
  });
  it.each([['30 zł lunch', 'PLN'], ['30 Kč lunch', 'CZK'], ['30 NZD lunch', 'NZD']])('%s is %s', (input, code) => {
    expect(parseLedgerCommand(input, ctx)).toMatchObject({ expense: { currency: code } });
  });
});
