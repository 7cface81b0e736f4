/** Turning grams of a food into kcal and macros, and adding them up, with one rounding rule. */
import type { Macros } from './food-table.js';
import type { ParsedItem } from './quantities.js';

/** One logged item, as nutrition.logged carries it. */
export interface LoggedItem extends Macros {
  readonly name: string;
  readonly quantity?: string;
  readonly grams?: number;
  /** What the owner said for this item ("2 eggs"), for replies. */
  readonly said: string;
}

export const ZERO: Macros = { kcal: 0, proteinG: 0, carbsG: 0, fatG: 0 };

/** kcal to the whole number, grams of macros to one decimal: what replies show and totals add. */
export function roundMacros(m: Macros): Macros {
  return { kcal: Math.round(m.kcal), proteinG: round1(m.proteinG), carbsG: round1(m.carbsG), fatG: round1(m.fatG) };
}

/** Macros of `grams` of a food given per 100 g, rounded. */
export function macrosFor(per100g: Macros, grams: number): Macros {
  const k = grams / 100;
  return roundMacros({ kcal: per100g.kcal * k, proteinG: per100g.proteinG * k, carbsG: per100g.carbsG * k, fatG: per100g.fatG * k });
}

/** The sum of already-rounded macros; rounded again only to drop floating-point dust. */
export function sumMacros(list: readonly Macros[]): Macros {
  const s = list.reduce((a, m) => ({ kcal: a.kcal + m.kcal, proteinG: a.proteinG + m.proteinG, carbsG: a.carbsG + m.carbsG, fatG: a.fatG + m.fatG }), ZERO);
  return { kcal: Math.round(s.kcal), proteinG: round1(s.proteinG), carbsG: round1(s.carbsG), fatG: round1(s.fatG) };
}

export interface MealEstimate {
  readonly items: LoggedItem[];
  /** Names of what the table does not know, as said. */
  readonly unknown: string[];
  readonly totals: Macros;
}

/** Weigh every parsed item against the table; unknown ones are listed, not guessed. */
export function estimateMeal(parsed: readonly ParsedItem[]): MealEstimate {
  const items: LoggedItem[] = [];
  const unknown: string[] = [];
  for (const p of parsed) {
    if (!p.known) {
      unknown.push(p.name);
      continue;
    }
    items.push({ name: p.food.name, ...(p.quantity !== undefined ? { quantity: p.quantity } : {}), grams: p.grams, said: p.said, ...macrosFor(p.food.per100g, p.grams) });
  }
  return { items, unknown, totals: sumMacros(items) };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
