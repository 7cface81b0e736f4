/** The table itself: big enough, consistent, every name pointing at one food. */
import { describe, expect, it } from 'vitest';
import { allNames, findFood, tokens } from '../src/domain/food-match.js';
import { FOOD_TABLE_SOURCE, FOODS } from '../src/domain/food-table.js';

const ALCOHOLIC = new Set(['beer', 'red wine', 'white wine', 'prosecco', 'spirits']);

describe('food table', () => {
  it('holds 150+ foods and names its source', () => {
    expect(FOODS.length).toBeGreaterThanOrEqual(150);
    expect(FOOD_TABLE_SOURCE).toMatch(/USDA FoodData Central/);
  });

  it('has sane numbers for every food', () => {
    for (const f of FOODS) {
      const m = f.per100g;
      expect(m.kcal, f.name).toBeGreaterThanOrEqual(0);
      expect(m.kcal, f.name).toBeLessThanOrEqual(900);
      expect(m.proteinG + m.carbsG + m.fatG, f.name).toBeLessThanOrEqual(100);
      expect(f.portion, f.name).toBeGreaterThan(0);
      if (f.piece !== undefined) expect(f.piece, f.name).toBeGreaterThan(0);
      for (const g of Object.values(f.units ?? {})) expect(g, f.name).toBeGreaterThan(0);
    }
  });

  it('agrees with the Atwater factors (4/4/9 kcal per g), except for alcohol', () => {
    // A typo in a macro shows up here: energy from protein, carbs and fat must match the kcal given
    // (within 16 kcal or 12%: fibre and organic acids make fruit and vegetables come out a little high).
    for (const f of FOODS) {
      if (ALCOHOLIC.has(f.name)) continue;
      const m = f.per100g;
      const fromMacros = 4 * m.proteinG + 4 * m.carbsG + 9 * m.fatG;
      expect(Math.abs(fromMacros - m.kcal), `${f.name}: ${m.kcal} kcal vs ${fromMacros.toFixed(0)} from macros`).toBeLessThanOrEqual(Math.max(16, 0.12 * m.kcal));
    }
  });

  it('gives every name to exactly one food', () => {
    const owner = new Map<string, string>();
    for (const [name, food] of allNames()) {
      const key = tokens(name).join(' ');
      expect(owner.get(key) ?? food.name, `"${name}" names both ${owner.get(key)} and ${food.name}`).toBe(food.name);
      owner.set(key, food.name);
    }
  });

  it('matches common reference values', () => {
    // Spot checks against USDA FDC SR Legacy, per 100 g.
    const at = (name: string) => FOODS.find((f) => f.name === name)!.per100g;
    expect(at('egg')).toEqual({ kcal: 155, proteinG: 12.6, carbsG: 1.1, fatG: 10.6 }); // 01129 egg, hard-boiled
    expect(at('white rice')).toEqual({ kcal: 130, proteinG: 2.7, carbsG: 28.2, fatG: 0.3 }); // 20045 rice, white, cooked
    expect(at('chicken breast')).toEqual({ kcal: 165, proteinG: 31, carbsG: 0, fatG: 3.6 }); // 05064 roasted
    expect(at('banana')).toEqual({ kcal: 89, proteinG: 1.1, carbsG: 22.8, fatG: 0.3 }); // 09040
    expect(at('avocado').kcal).toBe(160); // 09037
  });
});

describe('findFood', () => {
  it.each([
    ['2 eggs', 'egg'],
    ['chicken breast', 'chicken breast'],
    ['grilled chicken', 'chicken breast'],
    ['brown rice', 'brown rice'],
    ['rice', 'white rice'],
    ['a ham sandwich', 'sandwich'],
    ['wholemeal toast', 'whole wheat bread'],
    ['strawberries', 'strawberries'],
    ['tomatoes', 'tomato'],
    ['milk chocolate', 'milk chocolate'],
    ['hot chocolate', 'hot chocolate'],
    ['mac & cheese', 'mac and cheese'],
    ['Crème brûlée', undefined],
    ['zorgburger', undefined],
  ] as const)('%s → %s', (phrase, name) => {
    expect(findFood(phrase)?.food.name).toBe(name);
  });
});
