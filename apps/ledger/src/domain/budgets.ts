/** Monthly budgets per category, and the 80% and 100% lines an expense can cross. */
import type { Category } from './categories.js';
import { formatMoney } from './money.js';

export interface Budget {
  readonly category: Category;
  /** Per calendar month, in minor units of `currency`. */
  readonly limitMinor: number;
  readonly currency: string;
}

/** The share of a budget at which the owner is warned. */
export const WARN_AT = 0.8;

export type BudgetAlert = 'warning' | 'over' | undefined;

/**
 * Which line an expense crossed: "over" when the month's spending went from under 100% to 100% or
 * more, "warning" when it went from under 80% to 80% or more (and not over), else undefined. Only a
 * crossing alerts, so the owner hears about each line once a month, not on every later expense.
 */
export function crossedLine(limitMinor: number, beforeMinor: number, afterMinor: number): BudgetAlert {
  if (limitMinor <= 0) return undefined;
  if (beforeMinor < limitMinor && afterMinor >= limitMinor) return 'over';
  if (beforeMinor < limitMinor * WARN_AT && afterMinor >= limitMinor * WARN_AT) return 'warning';
  return undefined;
}

/** Whole percent of the budget used (rounded down, so 79.9% is not yet 80%). */
export function percentUsed(limitMinor: number, spentMinor: number): number {
  return limitMinor <= 0 ? 0 : Math.floor((spentMinor * 100) / limitMinor);
}

/** "food: 255.00 / 300.00 EUR (85%)". */
export function budgetLine(budget: Budget, spentMinor: number): string {
  const pct = percentUsed(budget.limitMinor, spentMinor);
  const mark = pct >= 100 ? ' 🚨' : pct >= WARN_AT * 100 ? ' ⚠️' : '';
  return `${budget.category}: ${formatMoney(spentMinor, budget.currency).replace(` ${budget.currency}`, '')} / ${formatMoney(budget.limitMinor, budget.currency)} (${pct}%)${mark}`;
}

/** The alert sentence for a crossing. */
export function alertText(alert: Exclude<BudgetAlert, undefined>, budget: Budget, spentMinor: number): string {
  const pct = percentUsed(budget.limitMinor, spentMinor);
  const left = budget.limitMinor - spentMinor;
  if (alert === 'over') {
    return `🚨 You're over your ${budget.category} budget this month: ${formatMoney(spentMinor, budget.currency)} of ${formatMoney(budget.limitMinor, budget.currency)} (${pct}%).`;
  }
  return `⚠️ You've used ${pct}% of your ${budget.category} budget this month; ${formatMoney(left, budget.currency)} left.`;
}
