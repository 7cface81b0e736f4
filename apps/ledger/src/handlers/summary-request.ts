/** agent.requests / summary.request: herald asks for the day's spending lines for a briefing. */
import { summaryReply, summaryRequestFor, type AgentMessage, type OutgoingReply, type SummaryContext } from '@hive/agent';
import type { LedgerConfig } from '../config.js';
import { periodRange, shiftDay } from '../domain/periods.js';
import { briefingSummary, sumByCurrency } from '../domain/reports.js';
import type { HandlerDeps } from './intent-classified.js';

/**
 * Answer a summary request addressed to ledger (others are ignored), unless the requester has
 * stopped waiting: the day's spending (or, early in a day with none yet, the day before's), the
 * month so far, and the budgets at 80% or more.
 */
export async function onSummaryRequest(
  message: AgentMessage<'agent.requests', 'summary.request'>,
  ctx: SummaryContext<LedgerConfig>,
  deps: HandlerDeps,
): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const r = summaryRequestFor(message, ctx, deps.now());
  if (!r) return undefined;
  const store = await deps.store();
  const month = periodRange('this month', r.day);
  const monthSoFar = await store.between(r.chatId, month.from, r.day);
  const onDay = monthSoFar.filter((e) => e.spentOn === r.day);
  const yesterday = shiftDay(r.day, -1);
  const dayBefore = onDay.length > 0 ? [] : await store.between(r.chatId, yesterday, yesterday);
  const text =
    (onDay.length > 0 ? briefingSummary(onDay, monthSoFar, await store.budgets(r.chatId), 'today') : briefingSummary(dayBefore, monthSoFar, await store.budgets(r.chatId), 'yesterday')) ??
    'Spending: nothing recorded this month yet.';
  const first = (m: Map<string, number>) => [...m][0];
  const dayTotal = first(sumByCurrency(onDay));
  const monthTotal = first(sumByCurrency(monthSoFar));
  return summaryReply(ctx, r, text, {
    expenses: onDay.length,
    monthExpenses: monthSoFar.length,
    ...(dayTotal ? { currency: dayTotal[0], spentMinor: dayTotal[1] } : {}),
    ...(monthTotal ? { monthCurrency: monthTotal[0], monthSpentMinor: monthTotal[1] } : {}),
  });
}
