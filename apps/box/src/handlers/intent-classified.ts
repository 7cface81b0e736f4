/** intent.classified (intent "nutrition"): log a meal, answer a question about the day, set the goal. */
import type { AgentContext, ClassifiedMessage, Outgoing, StoreDeps } from '@hive/agent';
import { chatReply, derivedId } from '@hive/agent';
import type { BoxConfig } from '../config.js';
import { GOAL_RANGE } from '../config.js';
import { dayIn, previousDay, timeIn } from '../domain/day.js';
import { estimateMeal, sumMacros, type LoggedItem, type MealEstimate } from '../domain/macros.js';
import { acceptEstimates, MODEL_ESTIMATE, MODEL_INSTRUCTIONS, modelEstimateSchema, modelPrompt } from '../domain/model-estimate.js';
import { parseMeal } from '../domain/quantities.js';
import { badGoalReply, goalReply, goalSetReply, loggedReply, lookupReply, nothingKnownReply, nothingToUndoReply, summaryReply, undoneReply } from '../domain/replies.js';
import { readRequest } from '../domain/request.js';
import type { NutritionStore, StoredMeal } from '../store.js';

type Writes = 'nutrition.logged' | 'wa.outbound';
export type BoxContext = AgentContext<BoxConfig, Writes>;

export type BoxServices = StoreDeps<NutritionStore>;

/** A meal's id, derived from the WhatsApp message: a redelivery overwrites the same entry. */
export function mealEntryId(sourceMessageId: string): string {
  return derivedId('meal_', [sourceMessageId], 26);
}

/** Weigh a meal with the table, then let a model (when configured) estimate what the table lacks. */
async function estimate(foods: string, ctx: BoxContext): Promise<{ estimate: MealEstimate; by: 'llm' | 'rules' }> {
  const parsed = parseMeal(foods);
  const table = estimateMeal(parsed);
  if (table.unknown.length === 0 || ctx.llm.kind === 'offline') return { estimate: table, by: 'rules' };
  const r = await ctx.llm.extract(modelPrompt(table.unknown), modelEstimateSchema, { name: MODEL_ESTIMATE, instructions: MODEL_INSTRUCTIONS });
  if (r.source !== 'llm') return { estimate: table, by: 'rules' };
  const accepted = acceptEstimates(r.data, table.unknown);
  if (accepted.items.length === 0) return { estimate: table, by: 'rules' };
  // Keep the order the owner said things in.
  const byName = new Map(accepted.items.map((i) => [i.said, i]));
  const known = [...table.items];
  const items: LoggedItem[] = [];
  for (const p of parsed) {
    const item = p.known ? known.shift() : byName.get(p.name);
    if (item) items.push(p.known ? item : { ...item, said: p.said });
  }
  return { estimate: { items, unknown: accepted.unknown, totals: sumMacros(items) }, by: 'llm' };
}

/** Handle one classified message; anything but "nutrition" is someone else's. */
export async function onIntentClassified(message: ClassifiedMessage, ctx: BoxContext, services: BoxServices) {
  const m = message.data;
  if (m.intent !== 'nutrition') return undefined;
  const store = services.store();
  const tz = ctx.config.HIVE_TZ;
  // The day the owner sent it, in their zone: a message sent at 23:59 and handled at 00:01 is yesterday's.
  const today = dayIn(new Date(m.sentAt), tz);
  const request = readRequest(m.text, m.entities);
  const reply = (text: string) => chatReply(m, text);
  const goalFor = async () => {
    const own = await store.goal(m.chatId);
    return { goal: own ?? ctx.config.BOX_DAILY_KCAL, isDefault: own === undefined };
  };
  const totalsOf = (meals: readonly StoredMeal[]) => sumMacros(meals.map((x) => x.totals));
  const dayTotals = async (day: string) => {
    const meals = await store.meals(m.chatId, day);
    return { meals, totals: totalsOf(meals) };
  };

  switch (request.kind) {
    case 'log': {
      const { estimate: e, by } = await estimate(request.foods, ctx);
      if (e.items.length === 0) return reply(nothingKnownReply(e, request.foods || m.text));
      const entryId = mealEntryId(m.sourceMessageId);
      const loggedAt = services.now().toISOString();
      // The meal written and the day read back in one round trip, the goal read beside it.
      const [meals, { goal }] = await Promise.all([
        store.saveMeal(m.chatId, today, { entryId, sourceMessageId: m.sourceMessageId, description: m.text, meal: request.meal, items: e.items, totals: e.totals, estimatedBy: by, sentAt: m.sentAt, loggedAt }),
        goalFor(),
      ]);
      const totals = totalsOf(meals);
      ctx.log.info({ entryId, items: e.items.length, unknown: e.unknown.length, kcal: e.totals.kcal, dayKcal: totals.kcal }, 'meal logged');
      const logged: Outgoing<Writes> = {
        stream: 'nutrition.logged',
        type: 'nutrition.logged',
        data: {
          chatId: m.chatId,
          entryId,
          description: m.text,
          ...(request.meal ? { meal: request.meal } : {}),
          items: e.items.map(({ said: _said, ...item }) => item),
          totals: e.totals,
          day: today,
          dayTotals: totals,
          estimatedBy: by,
          loggedAt,
        },
      };
      return [logged, reply(loggedReply(request.meal, e, totals, goal))];
    }
    case 'summary': {
      const day = request.day === 'yesterday' ? previousDay(today) : today;
      const { meals, totals } = await dayTotals(day);
      const { goal } = await goalFor();
      const listed = meals.map((x) => ({ ...x, time: timeIn(new Date(x.sentAt), tz) }));
      return reply(summaryReply(listed, totals, goal, request.nutrient, request.day));
    }
    case 'goal': {
      const { totals } = await dayTotals(today);
      if (request.kcal === undefined) {
        const { goal, isDefault } = await goalFor();
        return reply(goalReply(goal, totals.kcal, isDefault));
      }
      if (!Number.isFinite(request.kcal) || request.kcal < GOAL_RANGE.min || request.kcal > GOAL_RANGE.max) return reply(badGoalReply(GOAL_RANGE.min, GOAL_RANGE.max));
      const kcal = Math.round(request.kcal);
      await store.setGoal(m.chatId, kcal);
      return reply(goalSetReply(kcal, totals.kcal));
    }
    case 'undo': {
      // The latest meal of today, else of yesterday (an undo just after midnight); a replayed undo repeats, never removes another.
      let target = await store.undone(m.sourceMessageId);
      if (!target) {
        for (const day of [today, previousDay(today)]) {
          const meals = await store.meals(m.chatId, day);
          const last = meals.at(-1);
          if (last) {
            target = await store.claimUndo(m.sourceMessageId, day, last);
            break;
          }
        }
      }
      if (!target) return reply(nothingToUndoReply());
      await store.removeMeal(m.chatId, target.day, target.meal.entryId);
      const { totals } = await dayTotals(today);
      const { goal } = await goalFor();
      ctx.log.info({ entryId: target.meal.entryId, day: target.day }, 'meal removed');
      return reply(undoneReply({ ...target.meal, time: timeIn(new Date(target.meal.sentAt), tz) }, totals, goal, target.day === today));
    }
    case 'lookup': {
      const { estimate: e } = await estimate(request.foods, ctx);
      return reply(lookupReply(e));
    }
  }
}
