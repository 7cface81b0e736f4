/**
 * herald's briefing asks each source agent for its line with one `summary.request` on
 * agent.requests; every agent reads them all and answers only its own, in time.
 */
import type { Payload, PayloadInput } from '@hive/contracts';
import type { AgentHandlerContext, AgentMessage, OutgoingReply } from './define-agent.js';

/** What a summary request asks: whose summary, of which chat's day, in which zone, by when. */
export type SummaryRequest = Payload<'agent.requests', 'summary.request'>;

/** The context a summary-request handler gets: it publishes nothing, it only answers. */
export type SummaryContext<Config> = AgentHandlerContext<Config, never, 'agent.requests'>;

/**
 * The request when it is this agent's to answer; undefined when it names another agent, or when the
 * requester stopped waiting before `now` (logged, so a late briefing line can be told from a lost one).
 */
export function summaryRequestFor<Config>(message: AgentMessage<'agent.requests', 'summary.request'>, ctx: SummaryContext<Config>, now: Date): SummaryRequest | undefined {
  const r = message.data;
  if (r.to !== ctx.agent) return undefined;
  if (r.replyBy !== undefined && Date.parse(r.replyBy) < now.getTime()) {
    ctx.log.info({ chatId: r.chatId, day: r.day, replyBy: r.replyBy }, 'summary request expired; not answering');
    return undefined;
  }
  return r;
}

/** This agent's answer to `request`: its line of the briefing and the figures behind it. */
export function summaryReply<Config>(
  ctx: SummaryContext<Config>,
  request: SummaryRequest,
  text: string,
  data: PayloadInput<'agent.requests', 'summary.reply'>['data'],
): OutgoingReply<'agent.requests'> {
  return ctx.reply('summary.reply', { agent: ctx.agent, chatId: request.chatId, day: request.day, text, data });
}
