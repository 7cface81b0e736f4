/** Finding the food a phrase names: whole words, singular or plural, the longest name wins. */
import { FOODS, type Food } from './food-table.js';

/** Crude English singular, applied to both the table's names and what was said, so they meet. */
export function singular(word: string): string {
  if (word.length <= 3 || /(?:ss|us|is)$/.test(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(?:ch|sh|x|o|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** Lower-case words of a phrase as written, "&" read as "and", accents dropped. */
function rawTokens(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ')
    .split(/[^a-z0-9%']+/)
    .filter((w) => w.length > 0);
}

/** The words of a phrase, each made singular: what names are matched on. */
export function tokens(phrase: string): string[] {
  return rawTokens(phrase).map(singular);
}

interface Name {
  readonly words: readonly string[];
  /** As written in the table, to tell "eggs" (plural of "egg") from "noodles" (a name that is plural). */
  readonly raw: readonly string[];
  readonly food: Food;
}

function buildIndex(foods: readonly Food[]): Name[] {
  const names: Name[] = [];
  for (const food of foods) for (const n of [food.name, ...food.aliases]) names.push({ words: tokens(n), raw: rawTokens(n), food });
  return names;
}

const INDEX = buildIndex(FOODS);

export interface FoodMatch {
  readonly food: Food;
  /** Token span of the name in the phrase. */
  readonly start: number;
  readonly end: number;
  /** The name's last word was said in the plural ("eggs"). */
  readonly plural: boolean;
}

/**
 * The food a phrase names. Longest name first ("chicken breast" over "chicken"); between names of
 * one length the rightmost, because English puts the head noun last ("ham sandwich" is a sandwich).
 */
export function findFood(phrase: string, index: readonly Name[] = INDEX): FoodMatch | undefined {
  const raw = rawTokens(phrase);
  const words = raw.map(singular);
  let best: FoodMatch | undefined;
  for (const name of index) {
    const n = name.words.length;
    if (n === 0) continue;
    for (let i = 0; i + n <= words.length; i++) {
      let ok = true;
      for (let j = 0; j < n && ok; j++) ok = words[i + j] === name.words[j];
      if (!ok) continue;
      const better = !best || n > best.end - best.start || (n === best.end - best.start && i + n > best.end);
      if (better) best = { food: name.food, start: i, end: i + n, plural: raw[i + n - 1] !== name.raw[n - 1] };
    }
  }
  return best;
}

/** Names that contain a joining word ("mac and cheese", "fish & chips"), which must not be split there. */
export const JOINED_NAMES: readonly string[] = [...new Set(FOODS.flatMap((f) => [f.name, ...f.aliases]).filter((n) => /\s(?:and|with|n)\s|&/.test(n)))];

/** Every name in the table, for checks. */
export function allNames(): ReadonlyArray<readonly [string, Food]> {
  return FOODS.flatMap((f) => [f.name, ...f.aliases].map((n) => [n, f] as const));
}
