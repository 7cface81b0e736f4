/** box's replies: short WhatsApp text, numbers people can add up in their head. */
import type { Macros } from './food-table.js';
import type { LoggedItem, MealEstimate } from './macros.js';
import type { Meal, Nutrient } from './request.js';

/** A meal as stored for the day, for summaries. */
export interface DayMeal {
  readonly meal?: Meal | undefined;
  /** When it was eaten (HH:MM), shown for meals without a name. */
  readonly time?: string;
  readonly items: readonly Pick<LoggedItem, 'name' | 'said' | 'kcal'>[];
  readonly totals: Macros;
}

/** Made once: `toLocaleString` with options builds a new formatter on every call (45 µs warm, against 1). */
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** "12.6", "12", "1,240": one decimal for grams, none for kcal, thousands separated. */
export function grams(n: number): string {
  return ONE_DECIMAL.format(Math.round(n * 10) / 10);
}
function kcal(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function itemText(i: LoggedItem): string {
  // Protein only where it is worth mentioning: "2 eggs (155 kcal, 12.6 g protein), toast (80 kcal)".
  return `${i.said} (${kcal(i.kcal)} kcal${i.proteinG >= 5 ? `, ${grams(i.proteinG)} g protein` : ''})`;
}

/** "today 235 / 2,200 kcal", plus what is left or how far over. */
export function progress(dayKcal: number, goal: number): string {
  const left = goal - dayKcal;
  return `today ${kcal(dayKcal)} / ${kcal(goal)} kcal${left >= 0 ? ` (${kcal(left)} left)` : ` (${kcal(-left)} over)`}`;
}

function unknownText(unknown: readonly string[]): string {
  const list = unknown.map((u) => `"${u}"`).join(', ');
  return `I don't know ${list} yet, so ${unknown.length === 1 ? "it isn't" : "they aren't"} counted — try a common name or a weight, e.g. "150 g chicken breast".`;
}

/** The reply to a logged meal. */
export function loggedReply(meal: Meal | undefined, estimate: MealEstimate, dayTotals: Macros, goal: number): string {
  const head = `Logged${meal ? ` ${meal}` : ''}: ${estimate.items.map(itemText).join(', ')}`;
  const total = estimate.items.length > 1 ? ` = ${kcal(estimate.totals.kcal)} kcal` : '';
  const lines = [`${head}${total} — ${progress(dayTotals.kcal, goal)}.`];
  if (estimate.unknown.length > 0) lines.push(unknownText(estimate.unknown));
  return lines.join('\n');
}

/** The reply when nothing in the message is in the table. */
export function nothingKnownReply(estimate: MealEstimate, said: string): string {
  if (estimate.unknown.length === 0) return `I couldn't find any food in "${said}" — tell me what you ate, e.g. "2 eggs and toast" or "150 g chicken breast".`;
  return `${unknownText(estimate.unknown)} Nothing was logged.`;
}

function dayLabel(day: 'today' | 'yesterday'): string {
  return day === 'today' ? 'Today' : 'Yesterday';
}

/** "how much protein today", "calories today", "what did I eat today". */
export function summaryReply(meals: readonly DayMeal[], totals: Macros, goal: number, nutrient: Nutrient | undefined, day: 'today' | 'yesterday'): string {
  const label = dayLabel(day);
  if (meals.length === 0) {
    return day === 'today' ? 'Nothing logged today yet — tell me what you ate, e.g. "2 eggs and toast".' : 'Nothing was logged yesterday.';
  }
  const count = `${meals.length} ${meals.length === 1 ? 'meal' : 'meals'}`;
  const macroLine = `protein ${grams(totals.proteinG)} g · carbs ${grams(totals.carbsG)} g · fat ${grams(totals.fatG)} g`;
  switch (nutrient) {
    case 'protein':
      return `Protein ${label.toLowerCase()}: ${grams(totals.proteinG)} g (from ${count}, ${kcal(totals.kcal)} kcal).`;
    case 'carbs':
      return `Carbs ${label.toLowerCase()}: ${grams(totals.carbsG)} g (from ${count}, ${kcal(totals.kcal)} kcal).`;
    case 'fat':
      return `Fat ${label.toLowerCase()}: ${grams(totals.fatG)} g (from ${count}, ${kcal(totals.kcal)} kcal).`;
    case 'kcal':
    case 'macros':
      return `${label}: ${kcal(totals.kcal)} / ${kcal(goal)} kcal${day === 'today' ? (goal >= totals.kcal ? ` — ${kcal(goal - totals.kcal)} left` : ` — ${kcal(totals.kcal - goal)} over`) : ''}; ${macroLine}.`;
    default: {
      const lines = meals.map((m) => `• ${m.meal ?? m.time ?? 'meal'}: ${m.items.map((i) => i.said).join(', ')} — ${kcal(m.totals.kcal)} kcal`);
      return [`${label}:`, ...lines, `Total ${kcal(totals.kcal)} / ${kcal(goal)} kcal · ${macroLine}`].join('\n');
    }
  }
}

/** After setting the goal. */
export function goalSetReply(goal: number, todayKcal: number): string {
  return `Daily goal set to ${kcal(goal)} kcal — ${progress(todayKcal, goal)}.`;
}

/** "what's my goal". */
export function goalReply(goal: number, todayKcal: number, isDefault: boolean): string {
  return `Your daily goal is ${kcal(goal)} kcal${isDefault ? ' (the default; say "set my goal to 2200 kcal" to change it)' : ''} — ${progress(todayKcal, goal)}.`;
}

/** A goal outside what box accepts. */
export function badGoalReply(min: number, max: number): string {
  return `A daily goal should be between ${kcal(min)} and ${kcal(max)} kcal — e.g. "set my goal to 2200 kcal".`;
}

/** "how many calories in a banana": facts, nothing logged. */
export function lookupReply(estimate: MealEstimate): string {
  if (estimate.items.length === 0) return nothingKnownReply(estimate, '');
  const lines = estimate.items.map((i) => `${i.said} (${grams(i.grams ?? 0)} g): ${kcal(i.kcal)} kcal · protein ${grams(i.proteinG)} g · carbs ${grams(i.carbsG)} g · fat ${grams(i.fatG)} g`);
  if (estimate.unknown.length > 0) lines.push(unknownText(estimate.unknown));
  return `${lines.join('\n')}\n(Not logged — say "I had …" to log it.)`;
}

/** One line for a briefing (herald): the day's kcal against the goal and the protein so far. */
export function briefingLine(meals: number, totals: Macros, goal: number): string {
  if (meals === 0) return `Nutrition: nothing logged yet · goal ${kcal(goal)} kcal.`;
  return `Nutrition: ${kcal(totals.kcal)} / ${kcal(goal)} kcal from ${meals} ${meals === 1 ? 'meal' : 'meals'} · protein ${grams(totals.proteinG)} g.`;
}

/** After an undo: what was removed and where the day stands now. */
export function undoneReply(removed: DayMeal, dayTotals: Macros, goal: number, sameDay: boolean): string {
  const what = `${removed.meal ?? removed.time ?? 'meal'}: ${removed.items.map((i) => i.said).join(', ')} (${kcal(removed.totals.kcal)} kcal)`;
  return `Removed ${what}${sameDay ? ` — ${progress(dayTotals.kcal, goal)}` : ' from yesterday'}.`;
}

/** An undo with nothing to take back. */
export function nothingToUndoReply(): string {
  return 'Nothing to undo — no meals logged today or yesterday.';
}
