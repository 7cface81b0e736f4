/** agent.requests / summary.request: herald asks for the day's spending lines for a briefing. */
import type { AgentHandlerContext, AgentMessage, OutgoingReply } from '@hive/agent';
import type { PayloadInput } from '@hive/contracts';
import type { LedgerConfig } from '../config.js';
import { periodRange, shiftDay } from '../domain/periods.js';
import { briefingSummary, sumByCurrency } from '../domain/reports.js';
import type { HandlerDeps } from './intent-classified.js';

/** It publishes nothing: it only answers, on the requester's reply stream. */
type SummaryContext = AgentHandlerContext<LedgerConfig, never, 'agent.requests'>;

/**
 * Answer a summary request addressed to ledger (others are ignored), unless the requester has
 * stopped waiting: the day's spending (or, early in a day with none yet, the day before's), the
 * month so far, and the budgets at 80% or more.
 */
export async function onSummaryRequest(
  message: AgentMessage<'agent.requests', 'summary.request'>,
  ctx: SummaryContext,
  deps: HandlerDeps,
): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const r = message.data;
  if (r.to !== ctx.agent) return undefined;
  if (r.replyBy !== undefined && Date.parse(r.replyBy) < deps.now().getTime()) {
    ctx.log.info({ chatId: r.chatId, day: r.day, replyBy: r.replyBy }, 'summary request expired; not answering');
    return undefined;
  }
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
  const data: PayloadInput<'agent.requests', 'summary.reply'> = {
    agent: ctx.agent,
    chatId: r.chatId,
    day: r.day,
    text,
    data: {
      expenses: onDay.length,
      monthExpenses: monthSoFar.length,
      ...(dayTotal ? { currency: dayTotal[0], spentMinor: dayTotal[1] } : {}),
      ...(monthTotal ? { monthCurrency: monthTotal[0], monthSpentMinor: monthTotal[1] } : {}),
    },
  };
  return ctx.reply('summary.reply', data);
}
