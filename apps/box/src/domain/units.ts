/** Units people measure food in, and what one of each weighs when a food does not say otherwise. */
import type { Food, UnitName } from './food-table.js';

/** Units with a fixed weight in grams, whatever the food (a millilitre counts as a gram). */
export const MASS_UNITS: Readonly<Record<string, number>> = { g: 1, kg: 1000, oz: 28.35, lb: 453.6, ml: 1, cl: 10, dl: 100, l: 1000 };

/** Generic weights of the household units, used when the food has no weight of its own for them. */
export const GENERIC_UNITS: Readonly<Record<UnitName, number | undefined>> = {
  slice: 30,
  cup: 240,
  bowl: 250,
  plate: 300,
  glass: 250,
  mug: 300,
  can: 330,
  bottle: 500,
  pint: 500, // between the US (473 ml) and the UK (568 ml) pint
  shot: 40,
  tbsp: 15,
  tsp: 5,
  scoop: 30,
  handful: 30,
  bar: 50,
  square: 10,
  // These depend entirely on the food: its own weight, else its piece, else its portion.
  pack: undefined,
  piece: undefined,
  serving: undefined,
};

/** Spoken forms of each unit, singular; plurals are matched by the pattern below. */
const SPOKEN: ReadonlyArray<readonly [string, string]> = [
  ['g', 'g'], ['gr', 'g'], ['gram', 'g'], ['gramme', 'g'], ['grams', 'g'],
  ['kg', 'kg'], ['kilo', 'kg'], ['kilogram', 'kg'],
  ['oz', 'oz'], ['ounce', 'oz'], ['lb', 'lb'], ['lbs', 'lb'], ['pound', 'lb'],
  ['ml', 'ml'], ['millilitre', 'ml'], ['milliliter', 'ml'], ['cl', 'cl'], ['dl', 'dl'], ['l', 'l'], ['litre', 'l'], ['liter', 'l'], ['ltr', 'l'],
  ['slice', 'slice'], ['rasher', 'slice'], ['wedge', 'slice'], ['strip', 'slice'],
  ['cup', 'cup'], ['bowl', 'bowl'], ['bowlful', 'bowl'], ['plate', 'plate'], ['plateful', 'plate'],
  ['glass', 'glass'], ['mug', 'mug'], ['can', 'can'], ['tin', 'can'], ['bottle', 'bottle'], ['pint', 'pint'], ['shot', 'shot'],
  ['tbsp', 'tbsp'], ['tbs', 'tbsp'], ['tablespoon', 'tbsp'], ['spoon', 'tbsp'], ['spoonful', 'tbsp'], ['dollop', 'tbsp'],
  ['tsp', 'tsp'], ['teaspoon', 'tsp'],
  ['scoop', 'scoop'], ['handful', 'handful'], ['bar', 'bar'], ['square', 'square'],
  ['pack', 'pack'], ['packet', 'pack'], ['bag', 'pack'], ['pot', 'pack'], ['tub', 'pack'], ['sachet', 'pack'],
  ['piece', 'piece'], ['pc', 'piece'], ['pcs', 'piece'], ['fillet', 'piece'], ['stick', 'piece'], ['cube', 'piece'],
  ['serving', 'serving'], ['portion', 'serving'], ['helping', 'serving'],
];

const CANONICAL = new Map(SPOKEN);

function plural(w: string): string {
  if (/(?:s|sh|ch|x)$/.test(w)) return `${w}es`;
  return `${w}s`;
}

/** Regex source matching one unit word, singular or plural, longest first. */
export const UNIT_SOURCE = `(?:${[...new Set(SPOKEN.flatMap(([w]) => (w.length <= 2 ? [w] : [plural(w), w])))]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|')})`;

/** The canonical unit of a spoken unit word ("slices" → "slice", "grams" → "g"). */
export function canonicalUnit(word: string): string | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  return CANONICAL.get(w) ?? CANONICAL.get(w.replace(/es$/, '')) ?? CANONICAL.get(w.replace(/s$/, ''));
}

/** Grams of one `unit` of `food`: fixed for mass and volume, else the food's own, else generic. */
export function unitGrams(unit: string, food: Food): number {
  const fixed = MASS_UNITS[unit];
  if (fixed !== undefined) return fixed;
  const name = unit as UnitName;
  return food.units?.[name] ?? (name === 'piece' ? food.piece : undefined) ?? GENERIC_UNITS[name] ?? food.piece ?? food.portion;
}
