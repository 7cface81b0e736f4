/** agent.requests / summary.request: herald asks for the day's nutrition line for a briefing. */
import type { AgentMessage, Outgoing } from '@hive/agent';
import { reply } from '@hive/bus';
import type { PayloadInput } from '@hive/contracts';
import { sumMacros } from '../domain/macros.js';
import { briefingLine } from '../domain/replies.js';
import { createNutritionStore } from '../store.js';
import type { BoxContext, BoxServices } from './intent-classified.js';

/** Answer a summary request addressed to box (others are ignored), unless the requester has stopped waiting. */
export async function onSummaryRequest(message: AgentMessage<'agent.requests', 'summary.request'>, ctx: BoxContext, services: BoxServices) {
  const r = message.data;
  if (r.to !== ctx.agent) return undefined;
  if (r.replyBy !== undefined && Date.parse(r.replyBy) < services.now().getTime()) {
    ctx.log.info({ chatId: r.chatId, day: r.day, replyBy: r.replyBy }, 'summary request expired; not answering');
    return undefined;
  }
  const store = createNutritionStore(ctx.bus.driver, ctx.bus.keys, ctx.config.BOX_RETENTION_DAYS);
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
  // The bus's reply() addresses the requester's reply stream; the runtime's Outgoing type has no field for that yet.
  return reply(message, 'summary.reply', data, { stream: 'agent.requests' }) as unknown as Outgoing<'agent.requests'>;
}
