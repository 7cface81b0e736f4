/** agent.requests / summary.request: herald asks for what is still coming up today, for a briefing. */
import { summaryReply, summaryRequestFor, type AgentMessage, type OutgoingReply, type SummaryContext } from '@hive/agent';
import type { HermesConfig } from '../config.js';
import { agendaForToday } from '../domain/reminders.js';
import type { HandlerDeps } from './intent-classified.js';

/**
 * Answer a summary request addressed to hermes (others are ignored), unless the requester has
 * stopped waiting: the reminders that fire from now to the end of the day in the request's zone.
 */
export async function onSummaryRequest(
  message: AgentMessage<'agent.requests', 'summary.request'>,
  ctx: SummaryContext<HermesConfig>,
  deps: HandlerDeps,
): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const now = deps.now();
  const r = summaryRequestFor(message, ctx, now);
  if (!r) return undefined;
  const { store } = await deps.services();
  const reminders = await store.list(r.chatId);
  const agenda = agendaForToday(reminders, now, r.timezone);
  const text = agenda ? `⏰ Coming up today:\n${agenda}` : '⏰ No more reminders today.';
  return summaryReply(ctx, r, text, { remindersToday: agenda ? agenda.split('\n').length : 0, reminders: reminders.length });
}
