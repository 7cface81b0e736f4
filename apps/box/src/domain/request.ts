/**
 * What a nutrition message asks for. iris's entities come first (action, foods, meal, nutrient,
 * day, goalKcal); when they are missing (a model that filled fewer of them), box reads the text itself.
 */
import { entityText, type Entities } from '@hive/agent';

export const MEALS = ['breakfast', 'lunch', 'dinner', 'snack'] as const;
export type Meal = (typeof MEALS)[number];
export const NUTRIENTS = ['kcal', 'protein', 'carbs', 'fat', 'macros'] as const;
export type Nutrient = (typeof NUTRIENTS)[number];

export type NutritionRequest =
  | { readonly kind: 'log'; readonly foods: string; readonly meal: Meal | undefined }
  | { readonly kind: 'summary'; readonly nutrient: Nutrient | undefined; readonly day: 'today' | 'yesterday' }
  | { readonly kind: 'goal'; readonly kcal: number | undefined }
  | { readonly kind: 'lookup'; readonly foods: string; readonly nutrient: Nutrient | undefined }
  | { readonly kind: 'undo' };


const MEAL_WORDS: Record<string, Meal> = {
  breakfast: 'breakfast', brekkie: 'breakfast', brunch: 'breakfast',
  lunch: 'lunch', dinner: 'dinner', supper: 'dinner',
  snack: 'snack', snacks: 'snack', dessert: 'snack',
};
const NUTRIENT_WORDS: Record<string, Nutrient> = {
  kcal: 'kcal', calorie: 'kcal', calories: 'kcal', cals: 'kcal', energy: 'kcal',
  protein: 'protein', proteins: 'protein', carb: 'carbs', carbs: 'carbs', carbohydrates: 'carbs',
  fat: 'fat', fats: 'fat', macros: 'macros',
};

const UNDO = /^(?:undo|oops|scratch\s+that|(?:undo|delete|remove|cancel|scrap|drop)\s+(?:the\s+|my\s+|that\s+)?last\s+(?:meal|food|entry|one|breakfast|lunch|dinner|snack))[.!]?$/i;
const GOAL = /\b(?:goal|target|limit)\b.*?(\d{3,5})|(\d{3,5})\s*(?:kcal|calories|cals)\b.*\b(?:goal|target|a\s+day|per\s+day|daily)\b/i;
const GOAL_SHOW = /\b(?:my|the)\s+(?:daily\s+)?(?:calorie\s+|kcal\s+)?(?:goal|target)\b/i;
const LOOKUP = /^how\s+(?:much|many)\s+(?:grams\s+of\s+)?(\w+)\s+(?:are\s+|is\s+)?(?:there\s+)?in\s+(.+?)\??$/i;
const SUMMARY = /^(?:how\s+(?:much|many)\b|what\s+(?:did|have)\s+i\s+(?:eat|eaten|ate|had)\b|(?:my\s+|today'?s\s+)?(?:calories|kcal|protein|carbs|fat|macros|nutrition|food\s+log|totals?)\b(?:\s+(?:so\s+far|today|yesterday|left|remaining))*\??$)/i;

// "I had", "just ate", "for breakfast:", "… today": around the food, never part of it.
const LEAD = /^(?:(?:ok|so|well|hey)\s*,?\s+)?(?:i(?:'m|m|'ve|ve|\s+am|\s+have|\s+just)?\s+)?(?:just\s+|also\s+|finally\s+)?(?:had|ate|eaten|having|eating|drank|drink|drinking|log(?:ged)?|track|add|munched(?:\s+on)?|grabbed|snacked\s+on|finished)\s+/i;
const MEAL_LEAD = /^(?:for\s+)?(?:my\s+|today'?s\s+)?(breakfast|brekkie|brunch|lunch|dinner|supper|snacks?|dessert)\s*(?::|-|=|was|were|is|today\s+was|today)?\s*(?:i\s+(?:had|ate)\s+|had\s+|ate\s+)?/i;
const MEAL_TAIL = /\s+(?:for|as|at|with)\s+(?:my\s+|a\s+)?(breakfast|brekkie|brunch|lunch|dinner|supper|snacks?|dessert)(?:\s+(?:today|this morning|tonight))?\s*[.!]*$/i;
const TIME_TAIL = /\s+(?:today|this\s+morning|this\s+afternoon|this\s+evening|tonight|just\s+now|earlier|so\s+far)\s*[.!]*$/i;

/** The meal named in a text or entity, if any, as the contract's enum. */
export function mealOf(word: string | undefined): Meal | undefined {
  if (word === undefined) return undefined;
  return MEAL_WORDS[word.toLowerCase().trim()];
}

/** The food part of a logging message: "I had 2 eggs and toast for breakfast" → "2 eggs and toast" (and the meal). */
export function foodsOf(text: string): { foods: string; meal: Meal | undefined } {
  let t = text.trim().replace(/[.!]+$/, '');
  let meal: Meal | undefined;
  const lead = MEAL_LEAD.exec(t);
  if (lead) {
    meal = mealOf(lead[1]);
    t = t.slice(lead[0].length);
  }
  t = t.replace(LEAD, '');
  const tail = MEAL_TAIL.exec(t);
  if (tail) {
    meal ??= mealOf(tail[1]);
    t = t.slice(0, tail.index);
  }
  return { foods: t.replace(TIME_TAIL, '').trim(), meal };
}

/** Read what the owner asks for, from iris's entities when they say, else from the text. */
export function readRequest(text: string, entities: Entities = {}): NutritionRequest {
  const str = (k: string) => entityText(entities, k);
  const num = (k: string) => (typeof entities[k] === 'number' && Number.isFinite(entities[k]) ? (entities[k] as number) : undefined);
  const nutrientEntity = str('nutrient');
  const nutrient = nutrientEntity === undefined ? undefined : (NUTRIENT_WORDS[nutrientEntity.toLowerCase()] ?? undefined);
  const dayOf = (): 'today' | 'yesterday' => (str('day') === 'yesterday' || /\byesterday\b/i.test(text) ? 'yesterday' : 'today');

  switch (str('action')) {
    case 'undo':
      return { kind: 'undo' };
    case 'goal':
      return { kind: 'goal', kcal: num('goalKcal') ?? goalIn(text) };
    case 'summary':
      return { kind: 'summary', nutrient: nutrient ?? nutrientIn(text), day: dayOf() };
    case 'lookup':
      return { kind: 'lookup', foods: str('foods') ?? LOOKUP.exec(text.trim())?.[2] ?? text, nutrient: nutrient ?? nutrientIn(text) };
    case 'log': {
      const own = foodsOf(text);
      return { kind: 'log', foods: str('foods') ?? own.foods, meal: mealOf(str('meal')) ?? own.meal };
    }
  }

  // No action entity: read the text.
  const t = text.trim();
  if (UNDO.test(t)) return { kind: 'undo' };
  if (num('goalKcal') !== undefined) return { kind: 'goal', kcal: num('goalKcal') };
  const goal = GOAL.exec(t);
  if (goal) return { kind: 'goal', kcal: Number(goal[1] ?? goal[2]) };
  if (GOAL_SHOW.test(t) && !/\d/.test(t)) return { kind: 'goal', kcal: undefined };
  const lookup = LOOKUP.exec(t);
  if (lookup && !/\b(?:today|yesterday|so far)\b/i.test(lookup[2] ?? '')) return { kind: 'lookup', foods: lookup[2] ?? '', nutrient: NUTRIENT_WORDS[(lookup[1] ?? '').toLowerCase()] };
  if (SUMMARY.test(t)) return { kind: 'summary', nutrient: nutrient ?? nutrientIn(t), day: dayOf() };
  const own = foodsOf(t);
  return { kind: 'log', foods: str('foods') ?? own.foods, meal: mealOf(str('meal')) ?? own.meal };
}

function nutrientIn(text: string): Nutrient | undefined {
  const m = /\b(kcal|calories|calorie|cals|energy|protein|proteins|carbs?|carbohydrates|fats?|macros)\b/i.exec(text);
  return m ? NUTRIENT_WORDS[(m[1] ?? '').toLowerCase()] : undefined;
}

function goalIn(text: string): number | undefined {
  const m = /(\d{3,5})/.exec(text);
  return m ? Number(m[1]) : undefined;
}
