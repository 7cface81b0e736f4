/**
 * intent.classified with intent "habit": log a workout, water, sleep, steps or meditation; answer
 * with the day against its goal and the streak; summarize today, the week or the streaks; set goals.
 * An entry's id derives from its source message, so a redelivered message logs nothing twice and
 * republishes the same habit.logged.
 */
import type { AgentContext, ClassifiedMessage, Outgoing, StoreDeps } from '@hive/agent';
import type { PulseConfig } from '../config.js';
import { addDays, chatReply, dayIn, derivedId } from '@hive/agent';
import { contractHabit, HABIT_KINDS, mainQuantity, type Goals, type HabitEntry, type HabitKind } from '../domain/habits.js';
import { parsePulseCommand } from '../domain/parse-command.js';
import { dayLabel, goalReply, loggedReply, streaksReply, todayReply, unclearReply, undoneReply, weekReply } from '../domain/replies.js';
import { dayTotals, longestStreak, streak, summarize, type Streak } from '../domain/stats.js';
import type { HabitStore } from '../habit-store.js';

export type PulseWrites = 'habit.logged' | 'wa.outbound';
export type PulseContext = AgentContext<PulseConfig, PulseWrites>;

export type HandlerDeps = StoreDeps<HabitStore>;

/** The contract's logId for the entry a message logged: stable across redeliveries, unique across chats. */
export function logIdFor(chatId: string, sourceMessageId: string): string {
  return derivedId('habit_', [chatId, sourceMessageId], 24);
}

/** The chat's goals over the configured defaults. */
export function effectiveGoals(config: PulseConfig, own: Goals): Goals {
  return { waterMl: config.PULSE_WATER_GOAL_ML, sleepHours: config.PULSE_SLEEP_GOAL_H, steps: config.PULSE_STEPS_GOAL, ...own };
}

/** Every habit's current streak as of `today`, and its best. */
export async function allStreaks(store: HabitStore, chatId: string, today: string): Promise<{ current: Record<HabitKind, Streak>; best: Record<HabitKind, number> }> {
  const days = await Promise.all(HABIT_KINDS.map((k) => store.days(chatId, k)));
  const current = {} as Record<HabitKind, Streak>;
  const best = {} as Record<HabitKind, number>;
  HABIT_KINDS.forEach((k, i) => {
    current[k] = streak(days[i]!, today);
    best[k] = longestStreak(days[i]!);
  });
  return { current, best };
}

/** Handle one classified message; only intent "habit" is pulse's. */
export async function onIntentClassified(message: ClassifiedMessage, ctx: PulseContext, deps: HandlerDeps): Promise<Outgoing<PulseWrites>[] | undefined> {
  const d = message.data;
  if (d.intent !== 'habit') return undefined;
  const tz = ctx.config.HIVE_TZ;
  const today = dayIn(deps.now(), tz);
  const reply = (text: string) => chatReply(d, text);
  const cmd = parsePulseCommand(d.text, d.entities);
  if (cmd.action === 'unclear') return [reply(unclearReply(cmd.hint))];

  const store = deps.store();
  switch (cmd.action) {
    case 'undo': {
      const removed = await store.undoLast(d.chatId, d.sourceMessageId);
      if (removed) ctx.log.info({ logId: removed.logId, kind: removed.kind, day: removed.day }, 'habit entry undone');
      return [reply(undoneReply(removed, today))];
    }
    case 'log': {
      // The moment the owner said it decides the day, the same on every redelivery.
      const loggedAt = new Date(d.sentAt);
      const entry: HabitEntry = { ...cmd.log, logId: logIdFor(d.chatId, d.sourceMessageId), day: dayIn(loggedAt, tz), loggedAt: loggedAt.toISOString() };
      // The record and the reads go out together: one round trip fewer on the way to the reply. The
      // reads may or may not see the new entry (a script reloaded after NOSCRIPT goes out after
      // them), so it is counted here either way, once (as ledger counts a new expense).
      const [added, read, readDays, own] = await Promise.all([
        store.record(d.chatId, entry),
        store.between(d.chatId, addDays(entry.day, -6), entry.day),
        store.days(d.chatId, entry.kind),
        store.goals(d.chatId),
      ]);
      ctx.log.info({ logId: entry.logId, kind: entry.kind, day: entry.day, added }, added ? 'habit logged' : 'habit already logged (redelivery)');
      const week = read.some((e) => e.logId === entry.logId) ? read : [...read, entry];
      const days = readDays.includes(entry.day) ? readDays : [entry.day, ...readDays];
      const s = streak(days, entry.day);
      const q = mainQuantity(entry);
      const name = entry.kind === 'workout' ? entry.activity : entry.kind === 'steps' || entry.kind === 'meditation' ? entry.kind : undefined;
      return [
        {
          stream: 'habit.logged',
          type: 'habit.logged',
          data: { chatId: d.chatId, logId: entry.logId, habit: contractHabit(entry.kind), ...(name ? { name } : {}), ...(q ?? {}), day: entry.day, streakDays: s.days, loggedAt: entry.loggedAt },
        },
        reply(
          loggedReply(entry, {
            day: dayTotals(week.filter((e) => e.day === entry.day)),
            goals: effectiveGoals(ctx.config, own),
            streak: s,
            workoutsThisWeek: week.filter((e) => e.kind === 'workout').length,
            dayLabel: dayLabel(entry.day, today),
          }),
        ),
      ];
    }
    case 'goal': {
      await store.setGoal(d.chatId, cmd.goal, cmd.value);
      return [reply(goalReply(cmd.goal, cmd.value))];
    }
    case 'summary': {
      const goals = effectiveGoals(ctx.config, await store.goals(d.chatId));
      const { current, best } = await allStreaks(store, d.chatId, today);
      if (cmd.scope === 'streaks') return [reply(streaksReply(current, best))];
      if (cmd.scope === 'today') return [reply(todayReply(dayTotals(await store.between(d.chatId, today, today)), goals, cmd.kind))];
      const from = addDays(today, -6);
      return [reply(weekReply(summarize(await store.between(d.chatId, from, today), from, today), goals, current, today, cmd.kind))];
    }
  }
}
