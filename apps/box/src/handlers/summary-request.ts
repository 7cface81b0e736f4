/** agent.requests / summary.request: herald asks for the day's nutrition line for a briefing. */
import type { AgentHandlerContext, AgentMessage, OutgoingReply } from '@hive/agent';
import type { PayloadInput } from '@hive/contracts';
import type { BoxConfig } from '../config.js';
import { sumMacros } from '../domain/macros.js';
import { briefingLine } from '../domain/replies.js';
import type { BoxServices } from './intent-classified.js';

/** It publishes nothing: it only answers, on the requester's reply stream. */
type SummaryContext = AgentHandlerContext<BoxConfig, never, 'agent.requests'>;

/** Answer a summary request addressed to box (others are ignored), unless the requester has stopped waiting. */
export async function onSummaryRequest(message: AgentMessage<'agent.requests', 'summary.request'>, ctx: SummaryContext, services: BoxServices): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const r = message.data;
  if (r.to !== ctx.agent) return undefined;
  if (r.replyBy !== undefined && Date.parse(r.replyBy) < services.now().getTime()) {
    ctx.log.info({ chatId: r.chatId, day: r.day, replyBy: r.replyBy }, 'summary request expired; not answering');
    return undefined;
  }
  const store = services.store();
  const meals = await store.meals(r.chatId, r.day);
  const totals = sumMacros(meals.map((m) => m.totals));
  const goal = (await store.goal(r.chatId)) ?? ctx.config.BOX_DAILY_KCAL;
  const data: PayloadInput<'agent.requests', 'summary.reply'> = {
    agent: ctx.agent,
    chatId: r.chatId,
    day: r.day,
    text: briefingLine(meals.length, totals, goal),
    data: { meals: meals.length, kcal: totals.kcal, goalKcal: goal, proteinG: totals.proteinG, carbsG: totals.carbsG, fatG: totals.fatG },
  };
  return ctx.reply('summary.reply', data);
}
