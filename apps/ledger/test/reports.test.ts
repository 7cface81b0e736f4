import { describe, expect, it } from 'vitest';
import { periodRange } from '../src/domain/periods.js';
import { briefingSummary, confirmBudget, confirmExpense, confirmUndo, formatBudgets, formatTotals, type Expense } from '../src/domain/reports.js';

const today = '2025-03-14';
let n = 0;
const exp = (amountMinor: number, category: Expense['category'], description: string, spentOn = today, currency = 'EUR'): Expense => ({
  id: `e${++n}`, amountMinor, currency, category, description, spentOn, recordedAt: `2025-03-14T10:00:0${n % 10}.000Z`, recordedBy: 'rules',
});

const week = periodRange('this week', today);
const month = periodRange('this month', today);
const food = { category: 'food' as const, limitMinor: 30000, currency: 'EUR' };

describe('confirmExpense', () => {
  it('confirms with the month so far, and the alert when a line is crossed', () => {
    const e = exp(1250, 'food', 'lunch');
    expect(confirmExpense(e, today, { spentMinor: 4200, alert: undefined })).toBe('✅ 12.50 EUR — lunch (food).\nThis month food: 42.00 EUR.');
    expect(confirmExpense(e, today, { spentMinor: 24500, budget: food, alert: 'warning' })).toBe(
      "✅ 12.50 EUR — lunch (food).\nThis month food: 245.00 / 300.00 EUR (81%) ⚠️\n⚠️ You've used 81% of your food budget this month; 55.00 EUR left.",
    );
    expect(confirmExpense(exp(3000, 'groceries', 'groceries', '2025-03-13'), today, { spentMinor: 3000, alert: undefined })).toBe(
      '✅ 30.00 EUR — groceries on 13 Mar.\nThis month groceries: 30.00 EUR.',
    );
  });
});

describe('formatTotals', () => {
  const all = [exp(1250, 'food', 'lunch'), exp(3000, 'groceries', 'groceries'), exp(4500, 'transport', 'taxi', '2025-03-12', 'USD'), exp(800, 'food', 'coffee', '2025-03-11')];

  it('sums per currency without converting', () => {
    expect(formatTotals(all, { period: week, byCategory: false, itemize: false })).toBe('You spent 50.50 EUR + 45.00 USD this week (10 Mar–16 Mar), 4 expenses.');
  });

  it('breaks down by category, largest first', () => {
    expect(formatTotals(all, { period: month, byCategory: true, itemize: false })).toBe(
      ['You spent 50.50 EUR + 45.00 USD this month (1 Mar–31 Mar), 4 expenses.', '• transport: 45.00 USD', '• groceries: 30.00 EUR', '• food: 20.50 EUR'].join('\n'),
    );
  });

  it('filters a category and shows its budget this month', () => {
    expect(formatTotals(all, { period: month, category: 'food', byCategory: false, itemize: false }, [food])).toBe(
      'You spent 20.50 EUR on food this month (1 Mar–31 Mar), 2 expenses.\nBudget food: 20.50 / 300.00 EUR (6%)',
    );
  });

  it('lists the entries, newest first', () => {
    expect(formatTotals(all.slice(0, 2), { period: week, byCategory: false, itemize: true })).toBe(
      ['You spent 42.50 EUR this week (10 Mar–16 Mar), 2 expenses.', '• 14 Mar 30.00 EUR groceries', '• 14 Mar 12.50 EUR lunch (food)'].join('\n'),
    );
  });

  it('says when there is nothing', () => {
    expect(formatTotals([], { period: periodRange('today', today), byCategory: false, itemize: false })).toBe('No expenses today yet.');
    expect(formatTotals(all, { period: week, category: 'travel', byCategory: false, itemize: false })).toBe('No travel expenses this week (10 Mar–16 Mar) yet.');
  });
});

describe('budgets and undo', () => {
  it('lists budgets in category order', () => {
    const travel = { category: 'travel' as const, limitMinor: 50000, currency: 'EUR' };
    expect(formatBudgets([travel, food], new Map([['food', 25500]]), 'March')).toBe(
      'Budgets for March:\n• food: 255.00 / 300.00 EUR (85%) ⚠️\n• travel: 0.00 / 500.00 EUR (0%)',
    );
    expect(formatBudgets([], new Map(), 'March')).toContain('No budgets yet');
  });

  it('confirms a budget and an undo', () => {
    expect(confirmBudget(food, 12000)).toBe("📊 Budget set: food 300.00 EUR a month.\nSo far this month: 120.00 EUR (40%).\nI'll warn you at 80% and at 100%.");
    expect(confirmUndo(exp(1250, 'food', 'lunch'))).toBe('↩️ Removed 12.50 EUR — lunch (food) on 14 Mar.');
    expect(confirmUndo(undefined)).toContain('Nothing to undo');
  });
});

describe('briefingSummary', () => {
  it('says what was spent, the month so far, and the budgets at risk', () => {
    const yesterday = [exp(4200, 'food', 'dinner', '2025-03-13'), exp(1000, 'transport', 'taxi', '2025-03-13')];
    const month = [...yesterday, exp(20000, 'food', 'groceries', '2025-03-02'), exp(500, 'travel', 'bus', '2025-03-03')];
    const travel = { category: 'travel' as const, limitMinor: 50000, currency: 'EUR' };
    expect(briefingSummary(yesterday, month, [travel, food], 'yesterday')).toBe(
      ['Spent yesterday: 52.00 EUR (2 expenses).', 'This month so far: 257.00 EUR.', 'Budget food: 242.00 / 300.00 EUR (80%) ⚠️'].join('\n'),
    );
    expect(briefingSummary([], [], [food], 'yesterday')).toBeUndefined();
  });
});
