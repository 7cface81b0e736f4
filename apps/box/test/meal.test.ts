/** From what was said to grams, kcal and macros; and what a message asks for. */
import { describe, expect, it } from 'vitest';
import { assertTimeZone, InvalidTimeZoneError } from '@hive/agent';
import { dayIn, previousDay, timeIn } from '../src/domain/day.js';
import { estimateMeal, sumMacros } from '../src/domain/macros.js';
import { acceptEstimates } from '../src/domain/model-estimate.js';
import { parseCount, parseItem, parseMeal, splitItems } from '../src/domain/quantities.js';
import { foodsOf, readRequest } from '../src/domain/request.js';

const one = (said: string) => {
  const p = parseItem(said);
  if (!p.known) throw new Error(`"${said}" not known: ${p.name}`);
  return p;
};

describe('parseItem: quantities as said', () => {
  it.each([
    ['2 eggs', 'egg', '2', 100],
    ['an egg', 'egg', 'an', 50],
    ['eggs', 'egg', undefined, 100],
    ['2 large eggs', 'egg', '2 large', 100],
    ['150 g chicken breast', 'chicken breast', '150 g', 150],
    ['150g chicken breast', 'chicken breast', '150 g', 150],
    ['chicken breast 150g', 'chicken breast', '150 g', 150],
    ['a chicken breast', 'chicken breast', 'a', 170],
    ['a bowl of rice', 'white rice', 'a bowl', 150],
    ['rice', 'white rice', undefined, 150],
    ['1 1/2 cups of rice', 'white rice', '1 1/2 cups', 237],
    ['half an avocado', 'avocado', 'half an', 75],
    ['a cup of milk', 'milk', 'a cup', 244],
    ['half a cup of milk', 'milk', 'half a cup', 122],
    ['200ml orange juice', 'orange juice', '200 ml', 200],
    ['two slices of toast', 'white bread', 'two slices', 60],
    ['toast', 'white bread', undefined, 30],
    ['2½ slices of bread', 'white bread', '2½ slices', 75],
    ['1.5 bananas', 'banana', '1.5', 177],
    ['1,5 bananas', 'banana', '1,5', 177],
    ['a small banana', 'banana', 'a small', 88.5],
    ['an apple', 'apple', 'an', 180],
    ['3 tbsp peanut butter', 'peanut butter', '3 tbsp', 48],
    ['a handful of almonds', 'almonds', 'a handful', 28],
    ['a large bowl of pasta', 'pasta', 'a large bowl', 275],
    ['a slice of pizza', 'pizza', 'a slice', 107],
    ['a pint of beer', 'beer', 'a pint', 500],
    ['2 glasses of red wine', 'red wine', '2 glasses', 300],
    ['a can of coke', 'cola', 'a can', 330],
    ['eggs x2', 'egg', '2', 100],
    ['3x pancakes', 'pancake', '3', 120],
    ['a couple of cookies', 'chocolate chip cookie', 'a couple of', 40],
    ['some oats', 'rolled oats', undefined, 40],
    ['cup noodles', 'instant noodles', undefined, 85],
    ['a big mac', 'big mac', 'a', 219],
    ['1/2 cup oats', 'rolled oats', '1/2 cup', 40.5],
    ['8 oz steak', 'steak', '8 oz', 226.8],
  ] as const)('%s → %s, %s, %d g', (said, name, quantity, grams) => {
    const p = one(said);
    expect(p.food.name).toBe(name);
    expect(p.quantity).toBe(quantity);
    expect(p.grams).toBe(grams);
  });

  it('reports unknown foods by name', () => {
    expect(parseItem('a zorgburger')).toEqual({ known: false, said: 'a zorgburger', name: 'zorgburger' });
    expect(parseItem('2 crème brûlées')).toMatchObject({ known: false, name: '2 crème brûlées' });
  });

  it('reads counts in all their spellings', () => {
    expect(parseCount('half')).toBe(0.5);
    expect(parseCount('a half')).toBe(0.5);
    expect(parseCount('half a dozen')).toBe(6);
    expect(parseCount('a dozen')).toBe(12);
    expect(parseCount('one and a half')).toBe(1.5);
    expect(parseCount('2 and a half')).toBe(2.5);
    expect(parseCount('¾')).toBe(0.75);
    expect(parseCount('three')).toBe(3);
    expect(parseCount('a few')).toBe(3);
    expect(parseCount('1/0')).toBeUndefined();
    expect(parseCount(undefined)).toBeUndefined();
  });
});

describe('splitItems', () => {
  it.each([
    ['2 eggs and toast', ['2 eggs', 'toast']],
    ['2 eggs, toast, and a coffee', ['2 eggs', 'toast', 'a coffee']],
    ['mac and cheese and a coke', ['mac and cheese', 'a coke']],
    ['fish & chips + a beer', ['fish and chips', 'a beer']],
    ['peanut butter and jelly sandwich with milk', ['peanut butter and jelly sandwich', 'milk']],
    ['2 scrambled eggs on toast', ['2 scrambled eggs', 'toast']],
    ['fries on the side', ['fries']],
  ])('%s', (text, items) => {
    expect(splitItems(text).map((i) => i.said)).toEqual(items);
  });

  it('counts "with X" as a topping: a splash of milk, a knob of butter', () => {
    const [coffee, milk] = parseMeal('coffee with milk');
    expect(coffee).toMatchObject({ known: true, grams: 240 });
    expect(milk).toMatchObject({ known: true, grams: 30 });
    const toast = parseMeal('toast with butter and jam');
    expect(toast.map((i) => (i.known ? i.grams : 0))).toEqual([30, 7, 15]);
    // A topping with its own quantity keeps it.
    expect(parseMeal('oatmeal with 2 tbsp honey')[1]).toMatchObject({ grams: 42 });
  });
});

describe('estimateMeal', () => {
  it('weighs "2 eggs and toast" like the contract example', () => {
    const e = estimateMeal(parseMeal('2 eggs and toast'));
    expect(e.items).toEqual([
      { name: 'egg', quantity: '2', grams: 100, said: '2 eggs', kcal: 155, proteinG: 12.6, carbsG: 1.1, fatG: 10.6 },
      { name: 'white bread', grams: 30, said: 'toast', kcal: 80, proteinG: 2.3, carbsG: 15.2, fatG: 1 },
    ]);
    expect(e.totals).toEqual({ kcal: 235, proteinG: 14.9, carbsG: 16.3, fatG: 11.6 });
    expect(e.unknown).toEqual([]);
  });

  it('weighs the brief\'s examples', () => {
    const kcal = (t: string) => estimateMeal(parseMeal(t)).totals.kcal;
    expect(kcal('150 g chicken breast')).toBe(248);
    expect(kcal('a bowl of rice')).toBe(195);
    expect(kcal('half an avocado')).toBe(120);
    expect(kcal('a cup of milk')).toBe(149);
    expect(kcal('two slices of toast')).toBe(160);
    expect(kcal('1.5 bananas')).toBe(158);
    expect(estimateMeal(parseMeal('150 g chicken breast')).totals.proteinG).toBe(46.5);
  });

  it('keeps known items and lists the unknown ones', () => {
    const e = estimateMeal(parseMeal('2 eggs and a zorgburger'));
    expect(e.items.map((i) => i.name)).toEqual(['egg']);
    expect(e.unknown).toEqual(['zorgburger']);
    expect(e.totals.kcal).toBe(155);
  });

  it('adds rounded values so the reply adds up', () => {
    expect(sumMacros([{ kcal: 0.1, proteinG: 0.1, carbsG: 0.2, fatG: 0.3 }, { kcal: 0.2, proteinG: 0.2, carbsG: 0.1, fatG: 0 }])).toEqual({ kcal: 0, proteinG: 0.3, carbsG: 0.3, fatG: 0.3 });
  });
});

describe('readRequest', () => {
  it('follows iris\'s entities', () => {
    expect(readRequest('I had 2 eggs and toast for breakfast', { action: 'log', foods: '2 eggs and toast', meal: 'breakfast' })).toEqual({ kind: 'log', foods: '2 eggs and toast', meal: 'breakfast' });
    expect(readRequest('how much protein today', { action: 'summary', nutrient: 'protein', day: 'today' })).toEqual({ kind: 'summary', nutrient: 'protein', day: 'today' });
    expect(readRequest('set my goal to 2200 kcal', { action: 'goal', goalKcal: 2200 })).toEqual({ kind: 'goal', kcal: 2200 });
    expect(readRequest("what's my goal", { action: 'goal' })).toEqual({ kind: 'goal', kcal: undefined });
    expect(readRequest('how many calories in a banana', { action: 'lookup', nutrient: 'kcal', foods: 'a banana' })).toEqual({ kind: 'lookup', foods: 'a banana', nutrient: 'kcal' });
  });

  it('reads the text when there are no entities', () => {
    expect(readRequest('I had 2 eggs and toast for breakfast')).toEqual({ kind: 'log', foods: '2 eggs and toast', meal: 'breakfast' });
    expect(readRequest('lunch: chicken salad')).toEqual({ kind: 'log', foods: 'chicken salad', meal: 'lunch' });
    expect(readRequest('how much protein today')).toEqual({ kind: 'summary', nutrient: 'protein', day: 'today' });
    expect(readRequest('what did I eat yesterday')).toEqual({ kind: 'summary', nutrient: undefined, day: 'yesterday' });
    expect(readRequest('set my goal to 2200 kcal')).toEqual({ kind: 'goal', kcal: 2200 });
    expect(readRequest('how much fat is in an avocado?')).toEqual({ kind: 'lookup', foods: 'an avocado', nutrient: 'fat' });
  });

  it('ignores a meal outside the contract\'s enum', () => {
    expect(readRequest('tea: biscuits', { action: 'log', foods: 'biscuits', meal: 'tea' })).toEqual({ kind: 'log', foods: 'biscuits', meal: undefined });
  });

  it('cuts "I had" and the meal off the food', () => {
    expect(foodsOf("I've had 3 coffees today")).toEqual({ foods: '3 coffees', meal: undefined });
    expect(foodsOf('for dinner I had pasta carbonara.')).toEqual({ foods: 'pasta carbonara', meal: 'dinner' });
  });
});

describe('days in the owner\'s time zone', () => {
  it('decides "today" in HIVE_TZ', () => {
    const lateUtc = new Date('2025-03-14T23:30:00Z');
    expect(dayIn(lateUtc, 'UTC')).toBe('2025-03-14');
    expect(dayIn(lateUtc, 'Europe/Berlin')).toBe('2025-03-15');
    expect(dayIn(lateUtc, 'America/New_York')).toBe('2025-03-14');
    expect(previousDay('2025-03-01')).toBe('2025-02-28');
    expect(timeIn(lateUtc, 'UTC')).toBe('23:30');
    expect(timeIn(lateUtc, 'Europe/Berlin')).toBe('00:30');
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(InvalidTimeZoneError);
  });
});

describe('acceptEstimates (model output)', () => {
  it('keeps plausible estimates and drops the impossible', () => {
    const r = acceptEstimates(
      {
        items: [
          { name: 'Zorgburger', grams: 250, kcal: 600, proteinG: 30, carbsG: 45, fatG: 32 },
          { name: 'moon cheese', grams: 30, kcal: 900, proteinG: 0, carbsG: 0, fatG: 100 },
          { name: 'not asked', grams: 100, kcal: 100, proteinG: 5, carbsG: 10, fatG: 4 },
        ],
      },
      ['zorgburger', 'moon cheese'],
    );
    expect(r.items).toEqual([{ name: 'zorgburger', grams: 250, said: 'zorgburger', kcal: 600, proteinG: 30, carbsG: 45, fatG: 32 }]);
    expect(r.unknown).toEqual(['moon cheese']);
  });
});
