/** agent.requests / summary.request: herald asks for the day's nutrition line for a briefing. */
import { summaryReply, summaryRequestFor, type AgentMessage, type OutgoingReply, type SummaryContext } from '@hive/agent';
import type { BoxConfig } from '../config.js';
import { sumMacros } from '../domain/macros.js';
import { briefingLine } from '../domain/replies.js';
import type { BoxServices } from './intent-classified.js';

/** Answer a summary request addressed to box (others are ignored), unless the requester has stopped waiting. */
export async function onSummaryRequest(message: AgentMessage<'agent.requests', 'summary.request'>, ctx: SummaryContext<BoxConfig>, services: BoxServices): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const r = summaryRequestFor(message, ctx, services.now());
  if (!r) return undefined;
  const store = services.store();
  const meals = await store.meals(r.chatId, r.day);
  const totals = sumMacros(meals.map((m) => m.totals));
  const goal = (await store.goal(r.chatId)) ?? ctx.config.BOX_DAILY_KCAL;
  return summaryReply(ctx, r, briefingLine(meals.length, totals, goal), { meals: meals.length, kcal: totals.kcal, goalKcal: goal, proteinG: totals.proteinG, carbsG: totals.carbsG, fatG: totals.fatG });
}
