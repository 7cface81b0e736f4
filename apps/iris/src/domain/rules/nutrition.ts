/**
 * nutrition: meals for box. Entities: action (log | summary | goal | lookup), foods (the food text,
 * without "I had" or "for breakfast"), meal (breakfast | lunch | dinner | snack, the contract's enum),
 * nutrient (kcal | protein | carbs | fat | …), day (today | yesterday), goalKcal.
 */
import { match, type Rule } from '../classification.js';
import { isFoodWord } from '../food-words.js';
import { tidyPhrase, words } from '../text.js';

const MEALS: Record<string, string> = {
  breakfast: 'breakfast',
  brekkie: 'breakfast',
  brunch: 'breakfast',
  lunch: 'lunch',
  dinner: 'dinner',
  supper: 'dinner',
  snack: 'snack',
  snacks: 'snack',
  dessert: 'snack',
  'pre-workout': 'snack',
  'post-workout': 'snack',
};
const MEAL = '(?:breakfast|brekkie|brunch|lunch|dinner|supper|snacks?|dessert|pre-workout|post-workout)';

const NUTRIENTS: Record<string, string> = {
  protein: 'protein',
  proteins: 'protein',
  carb: 'carbs',
  carbs: 'carbs',
  carbohydrates: 'carbs',
  fat: 'fat',
  fats: 'fat',
  calories: 'kcal',
  calorie: 'kcal',
  kcal: 'kcal',
  cals: 'kcal',
  sugar: 'sugar',
  fiber: 'fiber',
  fibre: 'fiber',
  macros: 'macros',
};
const NUTRIENT = '(?:proteins?|carbs?|carbohydrates|fats?|calories|calorie|kcal|cals|sugar|fib(?:er|re)|macros)';
const DAY = '(today|yesterday|so far(?: today)?|this morning)';

const LOOKUP = new RegExp(`^how\\s+(?:much|many)\\s+(?:grams\\s+of\\s+)?(${NUTRIENT})\\s+(?:are\\s+|is\\s+)?(?:there\\s+)?in\\s+(.+?)\\??$`);
const QUERIES: RegExp[] = [
  new RegExp(`^how\\s+(?:much|many)\\s+(?:grams\\s+of\\s+)?(${NUTRIENT})\\b.*?(?:${DAY})?\\??$`),
  new RegExp(`^(?:what|wat)\\s+(?:did|have)\\s+i\\s+(?:eat|eaten|ate|had)(?:\\s+(?:for\\s+)?${MEAL})?(?:\\s+${DAY})?\\??$`),
  new RegExp(`^(?:show\\s+(?:me\\s+)?)?(?:my\\s+|today'?s\\s+)?(?:daily\\s+)?(${NUTRIENT}|nutrition|food\\s+(?:log|diary)|meals|intake|totals?)(?:\\s+(?:so\\s+far\\s+)?(?:for\\s+)?${DAY})?(?:\\s+(?:left|remaining))?\\??$`),
  new RegExp(`^(?:${NUTRIENT}|nutrition|food)\\s+(?:so\\s+far\\s+)?${DAY}\\??$`),
  new RegExp(`^how\\s+am\\s+i\\s+doing\\s+(?:on|with)\\s+(?:my\\s+)?(${NUTRIENT}|food|nutrition|goal)(?:\\s+${DAY})?\\??$`),
];

const GOAL = [
  /^(?:set|change|update|make)?\s*(?:my\s+|the\s+|a\s+)?(?:daily\s+)?(?:calorie|calories|kcal|cal|energy|food|diet)?\s*(?:goal|target|limit)\s*(?:to\s+|is\s+|of\s+|at\s+|=\s*|:\s*)?(\d{3,5})\s*(?:kcal|calories|cals|cal)?(?:\s+(?:a|per)\s+day|\s+daily)?$/,
  /^(\d{3,5})\s*(?:kcal|calories|cals)\s+(?:(?:a|per)\s+day\s+|daily\s+)?(?:goal|target)$/,
  /^(\d{3,5})\s*(?:kcal|calories|cals)\s+(?:(?:a|per)\s+day|daily)$/,
  /^i\s+want\s+to\s+eat\s+(\d{3,5})\s*(?:kcal|calories)\s*(?:a\s+day|per\s+day|daily)?$/,
];
const GOAL_QUERY = /^(?:what(?:'s| is)\s+)?my\s+(?:daily\s+)?(?:calorie\s+|kcal\s+)?(?:goal|target)\??$/;

const VERB =
  /^(?:i(?:'m|m|'ve|ve|\s+am|\s+have|\s+just)?\s+)?(?:just\s+|also\s+|finally\s+)?(?:had|ate|eaten|having|eating|drank|drink|drinking|log(?:ged)?|track|add|munched(?:\s+on)?|grabbed|snacked\s+on|finished|cooked\s+and\s+ate|made\s+and\s+ate)\s+(.+)$/;
const MEAL_PREFIX = new RegExp(`^(?:for\\s+)?(?:my\\s+|today'?s\\s+)?(${MEAL})\\s*(?::|-|=|was|were|is|today\\s+was|today)?\\s*(?:i\\s+(?:had|ate)\\s+|had\\s+|ate\\s+)?(.+)$`);
const MEAL_SUFFIX = new RegExp(`\\s+(?:for|as|at|with)\\s+(?:my\\s+|a\\s+)?(${MEAL})(?:\\s+(?:today|this morning|tonight))?$`);
const TIME_TAIL = /\s+(?:today|this\s+morning|this\s+afternoon|this\s+evening|tonight|just\s+now|earlier|so\s+far)$/;

const ERRAND = /^(?:buy|get|pick\s+up|order|make|cook|bake|bring|prepare|defrost|call|pay|need|want|try|find)\b/;

// Words that say nothing either way when deciding whether a bare message is a list of foods.
const NEUTRAL = new Set(
  'a an and with of some the half quarter one two three four five six seven eight nine ten few couple handful slice slices piece pieces cup cups bowl bowls plate plates glass glasses can cans bottle bottles mug mugs spoon spoons tbsp tsp tablespoon tablespoons teaspoon teaspoons g gr gram grams kg ml l oz lb serving servings portion portions small medium large big little extra plus & + breast thigh thighs wing wings fillet fillets brown white whole wholegrain wholemeal greek plain scrambled boiled fried grilled baked roasted raw cooked steamed mashed poached dark green red black skimmed semi skim low full fat fresh frozen homemade leftover my for breakfast lunch dinner snack'.split(' '),
);

/** Queries about the day's food and the calorie goal; before questions, so "how much protein today" reaches box. */
export const nutritionQueryRule: Rule = (t) => {
  let m = LOOKUP.exec(t);
  if (m && !/\b(?:today|yesterday|so far|my)\b/.test(m[2] ?? '')) {
    return match('nutrition.lookup', 'nutrition', 0.85, { action: 'lookup', nutrient: NUTRIENTS[m[1] ?? ''], foods: tidyPhrase(m[2] ?? '') });
  }
  if (GOAL_QUERY.test(t)) return match('nutrition.goal.show', 'nutrition', 0.85, { action: 'goal' });
  for (const re of GOAL) {
    m = re.exec(t);
    if (m) return match('nutrition.goal', 'nutrition', 0.95, { action: 'goal', goalKcal: Number(m[1]) });
  }
  for (const re of QUERIES) {
    m = re.exec(t);
    if (!m) continue;
    const nutrient = m.slice(1).map((g) => (g === undefined ? undefined : NUTRIENTS[g])).find((n) => n !== undefined);
    const day = /\byesterday\b/.test(t) ? 'yesterday' : 'today';
    return match('nutrition.summary', 'nutrition', 0.9, { action: 'summary', nutrient, day });
  }
  return undefined;
};

/** Logging what was eaten: "I had 2 eggs and toast", "lunch: chicken salad", "2 eggs and toast". */
export const nutritionLogRule: Rule = (t) => {
  if (/\?$/.test(t)) return undefined;
  let meal: string | undefined;
  let body = t;

  const prefix = MEAL_PREFIX.exec(body);
  if (prefix) {
    meal = MEALS[prefix[1] ?? ''];
    body = prefix[2] ?? '';
  }
  const verb = VERB.exec(body);
  if (verb) body = verb[1] ?? '';
  const suffix = MEAL_SUFFIX.exec(body);
  if (suffix) {
    meal ??= MEALS[suffix[1] ?? ''];
    body = body.slice(0, suffix.index);
  }
  body = body.replace(TIME_TAIL, '');
  const foods = tidyPhrase(body, ['and', 'with', 'for', 'i', 'just']);
  if (foods === '') return undefined;

  const tokens = words(foods).map((w) => w.replace(/^\d+(?:[.,]\d+)?(?=[a-z])/, ''));
  const food = tokens.filter((w) => isFoodWord(w)).length;
  const counted = tokens.filter((w) => !NEUTRAL.has(w) && !/^\d+(?:[.,]\d+)?$/.test(w)).length;
  const entities = { action: 'log', meal, foods };
  if (food > 0 && (verb || prefix || suffix)) return match(verb ? 'nutrition.log' : 'nutrition.meal', 'nutrition', 0.9, entities);
  if (prefix && counted > 0) return match('nutrition.meal', 'nutrition', 0.8, entities);
  // A bare list of foods: more food words than other words, and not an errand ("buy milk").
  if (food > 0 && food * 2 > counted && !ERRAND.test(foods)) return match('nutrition.foods', 'nutrition', 0.7, entities);
  return undefined;
};
