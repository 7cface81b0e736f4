/** agent.requests / summary.request: herald asks for the habits line of a chat's daily briefing. */
import type { AgentHandlerContext, AgentMessage, OutgoingReply } from '@hive/agent';
import type { PayloadInput } from '@hive/contracts';
import type { PulseConfig } from '../config.js';
import { addDays } from '../domain/calendar.js';
import { briefingLine } from '../domain/replies.js';
import { dayTotals } from '../domain/stats.js';
import { allStreaks, effectiveGoals, type HandlerDeps } from './intent-classified.js';

/** It publishes nothing: it only answers, on the requester's reply stream. */
type SummaryContext = AgentHandlerContext<PulseConfig, never, 'agent.requests'>;

/**
 * Answer a summary request addressed to pulse (others are ignored), unless the requester has
 * stopped waiting: the day's sleep, workouts (or yesterday's), water and steps, and live streaks.
 */
export async function onSummaryRequest(message: AgentMessage<'agent.requests', 'summary.request'>, ctx: SummaryContext, deps: HandlerDeps): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const r = message.data;
  if (r.to !== ctx.agent) return undefined;
  if (r.replyBy !== undefined && Date.parse(r.replyBy) < deps.now().getTime()) {
    ctx.log.info({ chatId: r.chatId, day: r.day, replyBy: r.replyBy }, 'summary request expired; not answering');
    return undefined;
  }
  const store = deps.store();
  const yesterday = addDays(r.day, -1);
  const [entries, own, { current }] = await Promise.all([store.between(r.chatId, yesterday, r.day), store.goals(r.chatId), allStreaks(store, r.chatId, r.day)]);
  const day = dayTotals(entries.filter((e) => e.day === r.day));
  const before = dayTotals(entries.filter((e) => e.day === yesterday));
  const goals = effectiveGoals(ctx.config, own);
  const data: PayloadInput<'agent.requests', 'summary.reply'> = {
    agent: ctx.agent,
    chatId: r.chatId,
    day: r.day,
    text: briefingLine(day, before, goals, current),
    data: {
      waterMl: day.waterMl,
      ...(goals.waterMl !== undefined ? { waterGoalMl: goals.waterMl } : {}),
      ...(day.sleepHours !== undefined ? { sleepHours: day.sleepHours } : {}),
      workouts: day.workouts.length,
      steps: day.steps,
      workoutStreak: current.workout.days,
      waterStreak: current.water.days,
      sleepStreak: current.sleep.days,
    },
  };
  return ctx.reply('summary.reply', data);
}
