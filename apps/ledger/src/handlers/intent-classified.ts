/**
 * intent.classified with intent "expense": record an expense (publishing expense.recorded), answer
 * totals, set budgets, undo; every answer goes back to the chat on wa.outbound. Ids derive from the
 * input message id, so a redelivered message records nothing twice and answers with the same words.
 */
import type { AgentContext, ClassifiedMessage, Outgoing, StoreDeps } from '@hive/agent';
import { chatReply, derivedId } from '@hive/agent';
import { z } from 'zod';
import type { LedgerConfig } from '../config.js';
import { crossedLine } from '../domain/budgets.js';
import { CATEGORIES, categoryNamed, inferCategory } from '../domain/categories.js';
import { minorDigits } from '../domain/money.js';
import { parseLedgerCommand, type ExpenseDraft, type LedgerCommand } from '../domain/parse-command.js';
import { dayIn, periodRange } from '../domain/periods.js';
import { confirmBudget, confirmExpense, confirmUndo, formatBudgets, formatTotals, type Expense } from '../domain/reports.js';
import type { ExpenseStore } from '../expense-store.js';

export type LedgerWrites = 'expense.recorded' | 'wa.outbound';
export type LedgerContext = AgentContext<LedgerConfig, LedgerWrites>;

export type HandlerDeps = StoreDeps<Promise<ExpenseStore>>;

/** The expense id for the message that recorded it: stable across redeliveries. */
export function expenseIdFor(messageId: string): string {
  return derivedId('exp_', [messageId], 22);
}

/** The LLM's reading of an expense the rules could not find an amount in. */
export const llmExpenseSchema = z.object({
  amount: z.number().nonnegative().describe('the amount spent, as a number in major units (12.5 for 12,50 €); 0 if none'),
  currency: z.string().describe('ISO 4217 code if the message names a currency, else empty'),
  description: z.string().describe('what the money was spent on, a few words'),
  category: z.enum(CATEGORIES),
});
export const LLM_EXTRACTION = 'expense';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** An amount as a number in major units, to minor units of `currency`; undefined when it does not fit. */
function minorOf(amount: number, currency: string): number | undefined {
  let digits: number;
  try {
    digits = minorDigits(currency);
  } catch {
    return undefined;
  }
  const minor = Math.round(amount * 10 ** digits);
  return Number.isSafeInteger(minor) && minor > 0 ? minor : undefined;
}

/** A draft from what iris or the model extracted, when the rules found no amount. */
function draftFrom(x: { amount?: unknown; currency?: unknown; description?: unknown; category?: unknown }, fallbackCurrency: string, spentOn: string): ExpenseDraft | undefined {
  if (typeof x.amount !== 'number' || !(x.amount > 0)) return undefined;
  const currency = typeof x.currency === 'string' && /^[A-Z]{3}$/.test(x.currency) ? x.currency : fallbackCurrency;
  const amountMinor = minorOf(x.amount, currency);
  if (amountMinor === undefined) return undefined;
  const description = typeof x.description === 'string' && x.description.trim() !== '' ? x.description.trim() : '';
  const category = (typeof x.category === 'string' ? categoryNamed(x.category) : undefined) ?? inferCategory(description);
  return { amountMinor, currency, category, description: description || category, spentOn };
}

async function understand(
  data: ClassifiedMessage['data'],
  ctx: LedgerContext,
  now: Date,
): Promise<{ cmd: LedgerCommand; by: 'rules' | 'llm' }> {
  const parseCtx = { now, timeZone: ctx.config.HIVE_TZ, currency: ctx.config.HIVE_CURRENCY };
  const cmd = parseLedgerCommand(data.text, parseCtx);
  if (cmd.kind !== 'rejected' || cmd.reason !== 'no-amount') return { cmd, by: 'rules' };
  const today = dayIn(now, ctx.config.HIVE_TZ);
  // iris may have read an amount the rules here missed (its model, or "twenty euros").
  const fromIris = data.entities.action === undefined || data.entities.action === 'record' ? draftFrom(data.entities, ctx.config.HIVE_CURRENCY, today) : undefined;
  if (fromIris) return { cmd: { kind: 'record', expense: fromIris }, by: data.classifier };
  if (ctx.llm.kind === 'offline') return { cmd, by: 'rules' };
  try {
    const { data: x, source } = await ctx.llm.extract(data.text, llmExpenseSchema, {
      name: LLM_EXTRACTION,
      instructions: 'The user reports money they spent. Extract the amount, the currency if named, a short description and the best category.',
    });
    const draft = draftFrom(x, ctx.config.HIVE_CURRENCY, today);
    return draft ? { cmd: { kind: 'record', expense: draft }, by: source } : { cmd, by: 'rules' };
  } catch (err) {
    ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'LLM could not read the expense; answering from the rules');
    return { cmd, by: 'rules' };
  }
}

/** Handle one classified message; only intent "expense" is ledger's. */
export async function onIntentClassified(message: ClassifiedMessage, ctx: LedgerContext, deps: HandlerDeps): Promise<Outgoing<LedgerWrites>[] | undefined> {
  const d = message.data;
  if (d.intent !== 'expense') return undefined;
  const now = deps.now();
  const tz = ctx.config.HIVE_TZ;
  const today = dayIn(now, tz);
  const reply = (text: string) => chatReply(d, text);
  const { cmd, by } = await understand(d, ctx, now);
  if (cmd.kind === 'rejected') return [reply(cmd.reply)];
  const store = await deps.store();
  const month = periodRange('this month', today);
  const monthName = MONTHS[Number(today.slice(5, 7)) - 1]!;

  switch (cmd.kind) {
    case 'record': {
      const e = cmd.expense;
      const expense: Expense = { ...e, id: expenseIdFor(message.id), recordedAt: now.toISOString(), recordedBy: by };
      // The budget month is the month the expense was spent in.
      const spentMonth = periodRange('this month', e.spentOn);
      // The record and both reads go out together: one round trip on the way to the reply, not two.
      // The reads may or may not see the new expense (a script reloaded after NOSCRIPT goes out
      // after them), so it is counted here either way, once.
      const [added, budgets, stored] = await Promise.all([store.record(d.chatId, expense), store.budgets(d.chatId), store.between(d.chatId, spentMonth.from, spentMonth.to)]);
      if (!added) ctx.log.info({ expenseId: expense.id }, 'expense already recorded (redelivery)');
      const spentThen = stored.some((x) => x.id === expense.id) ? stored : [...stored, expense];
      const budget = budgets.find((b) => b.category === e.category && b.currency === e.currency);
      const inMonth = spentThen.filter((x) => x.category === e.category && x.currency === e.currency);
      const after = inMonth.reduce((s, x) => s + x.amountMinor, 0);
      const alert = budget ? crossedLine(budget.limitMinor, after - e.amountMinor, after) : undefined;
      ctx.log.info({ expenseId: expense.id, category: e.category, amountMinor: e.amountMinor, currency: e.currency, alert }, 'expense recorded');
      return [
        {
          stream: 'expense.recorded',
          type: 'expense.recorded',
          data: {
            chatId: d.chatId,
            expenseId: expense.id,
            amountMinor: e.amountMinor,
            currency: e.currency,
            category: e.category,
            description: e.description,
            spentOn: e.spentOn,
            ...(budget ? { budget: { period: 'month' as const, limitMinor: budget.limitMinor, spentMinor: after } } : {}),
            recordedBy: by,
            recordedAt: expense.recordedAt,
          },
        },
        reply(confirmExpense(e, today, { spentMinor: after, alert, ...(budget ? { budget } : {}) })),
      ];
    }
    case 'totals': {
      const [expenses, budgets] = await Promise.all([store.between(d.chatId, cmd.period.from, cmd.period.to), store.budgets(d.chatId)]);
      return [reply(formatTotals(expenses, cmd, budgets))];
    }
    case 'set-budget': {
      const budget = { category: cmd.category, limitMinor: cmd.limitMinor, currency: cmd.currency };
      await store.setBudget(d.chatId, budget);
      const spent = (await store.between(d.chatId, month.from, month.to)).filter((x) => x.category === cmd.category && x.currency === cmd.currency);
      return [reply(confirmBudget(budget, spent.reduce((s, x) => s + x.amountMinor, 0)))];
    }
    case 'remove-budget': {
      const removed = await store.removeBudget(d.chatId, cmd.category);
      return [reply(removed ? `Removed your ${cmd.category} budget.` : `You have no ${cmd.category} budget.`)];
    }
    case 'budgets': {
      const [budgets, expenses] = await Promise.all([store.budgets(d.chatId), store.between(d.chatId, month.from, month.to)]);
      const spent = new Map<(typeof CATEGORIES)[number], number>();
      for (const b of budgets) spent.set(b.category, expenses.filter((x) => x.category === b.category && x.currency === b.currency).reduce((s, x) => s + x.amountMinor, 0));
      return [reply(formatBudgets(budgets, spent, monthName))];
    }
    case 'undo':
      return [reply(confirmUndo(await store.undoLast(d.chatId, message.id)))];
  }
}
