/**
 * ledger, expenses and budgets: "spent 12.50 on lunch" becomes an expense in the chat's ledger in
 * Redis (and an expense.recorded for whoever listens); "how much did I spend this week" and
 * "budget food 300" are answered from it, with a warning when a budget passes 80% and 100%.
 */
import { defineAgent, setupValue } from '@hive/agent';
import { ledgerConfig } from './config.js';
import { createExpenseStore, type ExpenseStore } from './expense-store.js';
import { LLM_EXTRACTION, onIntentClassified } from './handlers/intent-classified.js';
import { onSummaryRequest } from './handlers/summary-request.js';

export interface LedgerOptions {
  /** The clock handlers read "now" from (which day "today" is). @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** A ledger definition with its own store; `ledger` below is the one the process runs. */
export function createLedger(options: LedgerOptions = {}) {
  const now = options.now ?? (() => new Date());
  const expenses = setupValue<ExpenseStore>('ledger expense store');
  const store = async () => expenses.get();

  return defineAgent({
    name: 'ledger',
    version: '0.1.0',
    description: 'Expenses and monthly budgets: records what you spend, sums it up, warns before a budget runs out.',
    skills: [
      {
        name: 'record expense',
        description: 'Records an expense with its amount, currency and category (decimals either way: 12.50 or 12,50)',
        examples: ['spent 12.50 on lunch', '€30 groceries', 'coffee 3.20', 'paid 45 USD for the taxi', '1.234,56 EUR rent'],
      },
      {
        name: 'spending',
        description: 'Totals for today, this week or this month, overall, per category or itemized',
        examples: ['how much did I spend this week', 'spending by category this month', 'how much did I spend on food this month', 'list my expenses today'],
      },
      {
        name: 'budgets',
        description: 'A monthly budget per category, with a warning at 80% and at 100%',
        examples: ['budget food 300', 'budgets', 'remove budget food'],
      },
      { name: 'undo', description: 'Takes back the last expense', examples: ['undo'] },
    ],
    config: ledgerConfig,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'expense', description: 'Money spent, budgets and spending totals', examples: ['spent 12.50 on lunch', 'budget food 300', 'how much did I spend this week'] },
    ],
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { store, now }) },
      'agent.requests': { 'summary.request': (message, ctx) => onSummaryRequest(message, ctx, { store, now }) },
    },
    writes: ['expense.recorded', 'wa.outbound'],
    // Offline the rules (and iris's entities) already had their say; the port still needs an extractor.
    offlineLlm: { extract: { [LLM_EXTRACTION]: () => ({ amount: 0, currency: '', description: '', category: 'other' }) } },
    start(ctx) {
      return expenses.open(createExpenseStore(ctx.bus.driver, ctx.bus.keys));
    },
  });
}

/** The ledger the process runs. */
export const ledger = createLedger();
