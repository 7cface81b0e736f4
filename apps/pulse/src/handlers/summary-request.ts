/** agent.requests / summary.request: herald asks for the habits line of a chat's daily briefing. */
import { summaryReply, summaryRequestFor, type AgentMessage, type OutgoingReply, type SummaryContext } from '@hive/agent';
import type { PulseConfig } from '../config.js';
import { addDays } from '../domain/calendar.js';
import { briefingLine } from '../domain/replies.js';
import { dayTotals } from '../domain/stats.js';
import { allStreaks, effectiveGoals, type HandlerDeps } from './intent-classified.js';

/**
 * Answer a summary request addressed to pulse (others are ignored), unless the requester has
 * stopped waiting: the day's sleep, workouts (or yesterday's), water and steps, and live streaks.
 */
export async function onSummaryRequest(message: AgentMessage<'agent.requests', 'summary.request'>, ctx: SummaryContext<PulseConfig>, deps: HandlerDeps): Promise<OutgoingReply<'agent.requests'> | undefined> {
  const r = summaryRequestFor(message, ctx, deps.now());
  if (!r) return undefined;
  const store = deps.store();
  const yesterday = addDays(r.day, -1);
  const [entries, own, { current }] = await Promise.all([store.between(r.chatId, yesterday, r.day), store.goals(r.chatId), allStreaks(store, r.chatId, r.day)]);
  const day = dayTotals(entries.filter((e) => e.day === r.day));
  const before = dayTotals(entries.filter((e) => e.day === yesterday));
  const goals = effectiveGoals(ctx.config, own);
  return summaryReply(ctx, r, briefingLine(day, before, goals, current), {
    waterMl: day.waterMl,
    ...(goals.waterMl !== undefined ? { waterGoalMl: goals.waterMl } : {}),
    ...(day.sleepHours !== undefined ? { sleepHours: day.sleepHours } : {}),
    workouts: day.workouts.length,
    steps: day.steps,
    workoutStreak: current.workout.days,
    waterStreak: current.water.days,
    sleepStreak: current.sleep.days,
  });
}
