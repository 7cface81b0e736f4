/** agent.requests / summary.request: herald asks for what is still coming up today, for a briefing. */
import type { AgentHandlerContext, AgentMessage, OutgoingReply } from '@hive/agent';
import type { PayloadInput } from '@hive/contracts';
import type { HermesConfig } from '../config.js';
import { agendaForToday } from '../domain/reminders.js';
import type { HandlerDeps } from './intent-classified.js';

/** It publishes nothing: it only answers, on the requester's reply stream. */
type SummaryContext = AgentHandlerContext<HermesConfig, never, 'agent.requests'>;

/**
 * Answer a summary request addressed to hermes (others are ignored), unless the requester has
 * stopped waiting: the reminders that fire from now to the end of the day in the request's zone.
 */
export async function onSummaryRequest(
  message: AgentMessage<'agent.requests', 'summary.request'>,
  ctx: SummaryContext,
  deps: HandlerDeps,
): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const r = message.data;
  if (r.to !== ctx.agent) return undefined;
  const now = deps.now();
  if (r.replyBy !== undefined && Date.parse(r.replyBy) < now.getTime()) {
    ctx.log.info({ chatId: r.chatId, day: r.day, replyBy: r.replyBy }, 'summary request expired; not answering');
    return undefined;
  }
  const { store } = await deps.services();
  const reminders = await store.list(r.chatId);
  const agenda = agendaForToday(reminders, now, r.timezone);
  const data: PayloadInput<'agent.requests', 'summary.reply'> = {
    agent: ctx.agent,
    chatId: r.chatId,
    day: r.day,
    text: agenda ? `⏰ Coming up today:\n${agenda}` : '⏰ No more reminders today.',
    data: { remindersToday: agenda ? agenda.split('\n').length : 0, reminders: reminders.length },
  };
  return ctx.reply('summary.reply', data);
}
