import { describe, expect, it } from 'vitest';
import { alertText, budgetLine, crossedLine, percentUsed, type Budget } from '../src/domain/budgets.js';

const food: Budget = { category: 'food', limitMinor: 30000, currency: 'EUR' };

describe('crossedLine', () => {
  it.each([
    // [before, after, alert]
    [0, 1000, undefined],
    [20000, 23999, undefined],
    [20000, 24000, 'warning'], // exactly 80%
    [23999, 24000, 'warning'],
    [24000, 25000, undefined], // already past 80%: said once
    [25000, 30000, 'over'], // exactly 100%
    [20000, 31000, 'over'], // both lines in one go: the bigger news only
    [30000, 35000, undefined], // already over: said once
    [0, 0, undefined],
  ])('%i -> %i', (before, after, alert) => {
    expect(crossedLine(food.limitMinor, before, after)).toBe(alert);
  });

  it('ignores a zero budget', () => {
    expect(crossedLine(0, 0, 100)).toBeUndefined();
  });
});

describe('budget texts', () => {
  it('rounds the percentage down', () => {
    expect(percentUsed(30000, 23990)).toBe(79);
    expect(percentUsed(30000, 24000)).toBe(80);
  });

  it('shows a line with a mark from 80%', () => {
    expect(budgetLine(food, 12000)).toBe('food: 120.00 / 300.00 EUR (40%)');
    expect(budgetLine(food, 25500)).toBe('food: 255.00 / 300.00 EUR (85%) ⚠️');
    expect(budgetLine(food, 31000)).toBe('food: 310.00 / 300.00 EUR (103%) 🚨');
  });

  it('words the alerts', () => {
    expect(alertText('warning', food, 25500)).toBe("⚠️ You've used 85% of your food budget this month; 45.00 EUR left.");
    expect(alertText('over', food, 31000)).toBe("🚨 You're over your food budget this month: 310.00 EUR of 300.00 EUR (103%).");
  });
});
