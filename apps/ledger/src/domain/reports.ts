/** What ledger says: confirmations, totals, breakdowns, budget overviews. Pure functions of the data. */
import { alertText, budgetLine, percentUsed, type Budget, type BudgetAlert } from './budgets.js';
import { CATEGORIES, type Category } from './categories.js';
import { formatMoney } from './money.js';
import type { ExpenseDraft } from './parse-command.js';
import { describePeriod, type Period } from './periods.js';

/** A recorded expense. */
export interface Expense extends ExpenseDraft {
  readonly id: string;
  readonly recordedAt: string;
  readonly recordedBy: 'rules' | 'llm';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "14 Mar". */
export function shortDay(day: string): string {
  const [, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]}`;
}

/** Sum per currency, in the order currencies first appear. */
export function sumByCurrency(expenses: readonly Pick<Expense, 'amountMinor' | 'currency'>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of expenses) out.set(e.currency, (out.get(e.currency) ?? 0) + e.amountMinor);
  return out;
}

/** "123.45 EUR + 45.00 USD" (never converted: offline there is no exchange rate to trust). */
export function formatSums(sums: ReadonlyMap<string, number>): string {
  return [...sums].map(([c, m]) => formatMoney(m, c)).join(' + ');
}

/** What the month's spending in a category looks like after an expense, for the confirmation. */
export interface CategoryMonth {
  readonly spentMinor: number;
  readonly budget?: Budget;
  readonly alert: BudgetAlert;
}

/** The reply to a recorded expense, with the category's month and any budget alert. */
export function confirmExpense(e: ExpenseDraft, today: string, month: CategoryMonth): string {
  const when = e.spentOn === today ? '' : ` on ${shortDay(e.spentOn)}`;
  const what = e.description === e.category ? e.category : `${e.description} (${e.category})`;
  const lines = [`✅ ${formatMoney(e.amountMinor, e.currency)} — ${what}${when}.`];
  if (month.budget && month.budget.currency === e.currency) {
    lines.push(`This month ${budgetLine(month.budget, month.spentMinor)}`);
    if (month.alert) lines.push(alertText(month.alert, month.budget, month.spentMinor));
  } else {
    lines.push(`This month ${e.category}: ${formatMoney(month.spentMinor, e.currency)}.`);
  }
  return lines.join('\n');
}

/** The reply to a totals question: a sum, a breakdown by category, or the entries themselves. */
export function formatTotals(
  expenses: readonly Expense[],
  q: { readonly period: Period; readonly category?: Category; readonly byCategory: boolean; readonly itemize: boolean },
  budgets: readonly Budget[] = [],
): string {
  const scope = q.category ? `${q.category} ` : '';
  const period = describePeriod(q.period);
  const chosen = q.category ? expenses.filter((e) => e.category === q.category) : expenses;
  if (chosen.length === 0) return `No ${scope}expenses ${period} yet.`;
  const n = chosen.length;
  const count = n === 1 ? '1 expense' : `${n} expenses`;
  const lines = [`You spent ${formatSums(sumByCurrency(chosen))}${q.category ? ` on ${q.category}` : ''} ${period}, ${count}.`];
  if (q.category && q.period.name === 'this month') {
    const budget = budgets.find((b) => b.category === q.category);
    const inBudgetCurrency = budget ? chosen.filter((e) => e.currency === budget.currency).reduce((s, e) => s + e.amountMinor, 0) : 0;
    if (budget) lines.push(`Budget ${budgetLine(budget, inBudgetCurrency)}`);
  }
  if (q.byCategory && !q.category) {
    const totals = CATEGORIES.map((c) => ({ c, sums: sumByCurrency(chosen.filter((e) => e.category === c)) })).filter((x) => x.sums.size > 0);
    // Largest first, by the first currency's amount (mixed currencies are rare and not comparable).
    totals.sort((a, b) => ([...b.sums.values()][0] ?? 0) - ([...a.sums.values()][0] ?? 0));
    for (const { c, sums } of totals) lines.push(`• ${c}: ${formatSums(sums)}`);
  }
  if (q.itemize) {
    const shown = [...chosen].sort((a, b) => b.spentOn.localeCompare(a.spentOn) || b.recordedAt.localeCompare(a.recordedAt)).slice(0, 15);
    for (const e of shown) lines.push(`• ${shortDay(e.spentOn)} ${formatMoney(e.amountMinor, e.currency)} ${e.description}${e.description === e.category ? '' : ` (${e.category})`}`);
    if (chosen.length > shown.length) lines.push(`…and ${chosen.length - shown.length} more.`);
  }
  return lines.join('\n');
}

/** The budgets overview for the current month. */
export function formatBudgets(budgets: readonly Budget[], spentByCategory: ReadonlyMap<Category, number>, monthName: string): string {
  if (budgets.length === 0) return 'No budgets yet. Set a monthly one with "budget food 300".';
  const ordered = [...budgets].sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));
  return [`Budgets for ${monthName}:`, ...ordered.map((b) => `• ${budgetLine(b, spentByCategory.get(b.category) ?? 0)}`)].join('\n');
}

/** The reply to setting a budget. */
export function confirmBudget(budget: Budget, spentMinor: number): string {
  const pct = percentUsed(budget.limitMinor, spentMinor);
  return [
    `📊 Budget set: ${budget.category} ${formatMoney(budget.limitMinor, budget.currency)} a month.`,
    `So far this month: ${formatMoney(spentMinor, budget.currency)} (${pct}%).`,
    "I'll warn you at 80% and at 100%.",
  ].join('\n');
}

/** The reply to undo. */
export function confirmUndo(e: Expense | undefined): string {
  if (!e) return 'Nothing to undo: you have no recorded expenses.';
  return `↩️ Removed ${formatMoney(e.amountMinor, e.currency)} — ${e.description}${e.description === e.category ? '' : ` (${e.category})`} on ${shortDay(e.spentOn)}.`;
}

/**
 * A few lines for a daily briefing: what was spent on `day` (usually yesterday), the month so far,
 * and the budgets at 80% or more. Undefined when there is nothing to say.
 */
export function briefingSummary(
  onDay: readonly Expense[],
  monthSoFar: readonly Expense[],
  budgets: readonly Budget[],
  dayLabel: string,
): string | undefined {
  const lines: string[] = [];
  if (onDay.length > 0) lines.push(`Spent ${dayLabel}: ${formatSums(sumByCurrency(onDay))} (${onDay.length === 1 ? '1 expense' : `${onDay.length} expenses`}).`);
  if (monthSoFar.length > 0) lines.push(`This month so far: ${formatSums(sumByCurrency(monthSoFar))}.`);
  for (const b of [...budgets].sort((x, y) => CATEGORIES.indexOf(x.category) - CATEGORIES.indexOf(y.category))) {
    const spent = monthSoFar.filter((e) => e.category === b.category && e.currency === b.currency).reduce((s, e) => s + e.amountMinor, 0);
    if (spent >= b.limitMinor * 0.8) lines.push(`Budget ${budgetLine(b, spent)}`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}
