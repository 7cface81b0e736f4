/** agent.requests / summary.request: herald asks for what is still coming up today, for a briefing. */
import type { AgentMessage, Outgoing } from '@hive/agent';
import { reply } from '@hive/bus';
import type { PayloadInput } from '@hive/contracts';
import { agendaForToday } from '../domain/reminders.js';
import type { HandlerDeps, HermesContext } from './intent-classified.js';

/**
 * Answer a summary request addressed to hermes (others are ignored), unless the requester has
 * stopped waiting: the reminders that fire from now to the end of the day in the request's zone.
 */
export async function onSummaryRequest(
  message: AgentMessage<'agent.requests', 'summary.request'>,
  ctx: HermesContext,
  deps: HandlerDeps,
): Promise<Outgoing<'agent.requests'> | undefined> {
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
  // reply() addresses the requester's reply stream; the spread keeps the runtime's typed Outgoing shape.
  return { ...reply(message, 'summary.reply', data, { stream: 'agent.requests' }), stream: 'agent.requests', type: 'summary.reply', data };
}
