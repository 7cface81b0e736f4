/**
 * From what was eaten, as said ("2 eggs and toast", "150 g chicken breast and a bowl of rice",
 * "half an avocado"), to items with a food and a weight in grams.
 */
import { NUMBER_WORDS, wordsPattern } from '@hive/agent';
import type { Food } from './food-table.js';
import { findFood, JOINED_NAMES, tokens } from './food-match.js';
import { canonicalUnit, MASS_UNITS, UNIT_SOURCE, unitGrams } from './units.js';

const WORD_NUMBERS = NUMBER_WORDS;
const FRACTIONS: Record<string, number> = { '½': 0.5, '¼': 0.25, '¾': 0.75, '⅓': 1 / 3, '⅔': 2 / 3 };

const NUMBER =
  `(?:half\\s+a\\s+dozen|a\\s+dozen|dozen|a\\s+couple(?:\\s+of)?|couple\\s+of|a\\s+few|few|several|` +
  `(?:\\d+|one|two|three)\\s+and\\s+a\\s+half|\\d+\\s+\\d+\\s*/\\s*\\d+|\\d+(?:[.,]\\d+)?\\s*[½¼¾⅓⅔]|\\d+\\s*/\\s*\\d+|\\d+(?:[.,]\\d+)?|[½¼¾⅓⅔]|` +
  `a\\s+half(?:\\s+of)?|half(?:\\s+of)?(?:\\s+an?|\\s+the)?|a\\s+quarter(?:\\s+of)?(?:\\s+an?)?|quarter(?:\\s+of)?(?:\\s+an?)?|an?|${wordsPattern(Object.keys(WORD_NUMBERS))})`;
const SIZE = '(?:extra\\s+large|extra\\s+small|small|medium|large|big|huge|generous|heaping|heaped|level|little|thick|thin)';
const SIZES: Record<string, number> = {
  small: 0.75, little: 0.75, thin: 0.75, 'extra small': 0.6,
  medium: 1, level: 1,
  large: 1.25, big: 1.25, thick: 1.25, generous: 1.25, heaping: 1.25, heaped: 1.25,
  huge: 1.5, 'extra large': 1.5,
};

const LEAD = new RegExp(
  `^(?:(?:about|around|approx(?:imately)?|roughly|nearly|like|~)\\s*)?(?:(?<num>${NUMBER})(?:(?<=[\\d½¼¾⅓⅔])|(?![a-z])))?\\s*(?:(?<size1>${SIZE})\\s+)?(?:(?<unit>${UNIT_SOURCE})\\.?(?![a-z]))?\\s*(?:of\\s+)?(?:(?<size2>${SIZE})\\s+)?(?<rest>.*)$`,
  'i',
);
const TRAIL = new RegExp(`^(?<rest>.*?)\\s*[:,\\-]?\\s+(?:x\\s*)?(?<num>\\d+(?:[.,]\\d+)?)\\s*(?:(?<unit>${UNIT_SOURCE})\\.?(?![a-z]))?$`, 'i');
const TIMES = /^(?<num>\d+)\s*x\s*(?<rest>.+)$|^(?<rest2>.+?)\s*x\s*(?<num2>\d+)$/i;
const FILLER = /^(?:some|a\s+bit\s+of|a\s+little(?:\s+bit\s+of)?|bit\s+of|lots\s+of|a\s+lot\s+of|plenty\s+of|more|the|my|our|fresh|homemade|leftover|of)\s+/i;

/**
 * The food names that hold a joiner ("mac and cheese"), longest first, each with its pattern (plurals
 * allowed), compiled once at load: splitItems runs on every meal said. Global, but only ever used by
 * String.prototype.replace, which starts from lastIndex 0.
 */
const JOINED_PATTERNS: readonly RegExp[] = [...JOINED_NAMES]
  .sort((a, b) => b.length - a.length)
  .map((name) => new RegExp(`(?<![a-z])${tokens(name).map((w) => `${w}s?`).join('\\s+')}(?![a-z])`, 'gi'));

/** One thing eaten, as parsed: a known food with its weight, or an unknown name. */
export type ParsedItem =
  | {
      readonly known: true;
      readonly said: string;
      readonly food: Food;
      /** The quantity as said ("2", "a bowl", "150 g"); undefined when none was. */
      readonly quantity: string | undefined;
      readonly grams: number;
    }
  | { readonly known: false; readonly said: string; readonly name: string };

/** A number as said ("2", "1,5", "half", "a couple", "1 1/2", "2½"), or undefined for none. */
export function parseCount(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === '') return undefined;
  if (/^(?:a |an )?half/.test(t) || /^a half/.test(t)) return /dozen/.test(t) ? 6 : 0.5;
  if (/quarter/.test(t)) return 0.25;
  if (/dozen/.test(t)) return 12;
  if (/couple/.test(t)) return 2;
  if (/^(?:a )?few|several/.test(t)) return 3;
  const andHalf = /^(\d+|one|two|three) and a half$/.exec(t);
  if (andHalf) return (andHalf[1] === undefined ? 0 : (WORD_NUMBERS[andHalf[1]] ?? Number(andHalf[1]))) + 0.5;
  const mixed = /^(\d+) (\d+) ?\/ ?(\d+)$/.exec(t);
  if (mixed) return Number(mixed[1]) + Number(mixed[2]) / Number(mixed[3] || 1);
  const withGlyph = /^(\d+(?:[.,]\d+)?)? ?([½¼¾⅓⅔])$/.exec(t);
  if (withGlyph) return Number((withGlyph[1] ?? '0').replace(',', '.')) + (FRACTIONS[withGlyph[2] ?? ''] ?? 0);
  const fraction = /^(\d+) ?\/ ?(\d+)$/.exec(t);
  if (fraction) return Number(fraction[2]) === 0 ? undefined : Number(fraction[1]) / Number(fraction[2]);
  if (/^\d+(?:[.,]\d+)?$/.test(t)) return Number(t.replace(',', '.'));
  if (t === 'a' || t === 'an') return 1;
  return WORD_NUMBERS[t];
}

/**
 * Split a meal into item phrases at commas, "and", "with", "plus" — except inside a food's own name
 * ("mac and cheese"). Items after "with" are marked: "coffee with milk" means a splash of milk.
 */
export function splitItems(text: string): { said: string; added: boolean }[] {
  let t = ` ${text.toLowerCase().replace(/&/g, ' and ').replace(/\+/g, ' plus ').replace(/\s+/g, ' ')} `;
  const held: string[] = [];
  for (const re of JOINED_PATTERNS) {
    t = t.replace(re, (m) => {
      held.push(m);
      return ` \u0000${held.length - 1}\u0000 `;
    });
  }
  const out: { said: string; added: boolean }[] = [];
  const parts = t.split(/(,|;|\n|\s(?:and|with|plus|then|also|alongside|along with|topped with|on top of|on)\s)/);
  let added = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i % 2 === 1) {
      // Toppings stay toppings through "and" ("toast with butter and jam"); "on toast" and "then" start a new item.
      if (/with|plus|topped|on top/.test(part)) added = true;
      else if (/\son\s|then|also/.test(part)) added = false;
      continue;
    }
    // eslint-disable-next-line no-control-regex -- NUL brackets the placeholders this function put in
    const said = part.replace(/\u0000(\d+)\u0000/g, (_, n: string) => held[Number(n)] ?? '').replace(/\s+/g, ' ').trim();
    if (said !== '' && !/^(?:and|with|a|an|some|the side|the go|side)$/.test(said)) out.push({ said, added });
  }
  return out;
}

/** Parse one item phrase into a food and grams, or report it unknown by name. */
export function parseItem(said: string, added = false): ParsedItem {
  let phrase = said.toLowerCase().replace(/\s+/g, ' ').trim();
  let countText: string | undefined;
  let unitWord: string | undefined;
  let sizeWord: string | undefined;

  const times = TIMES.exec(phrase);
  if (times?.groups) {
    countText = times.groups.num ?? times.groups.num2;
    phrase = (times.groups.rest ?? times.groups.rest2 ?? '').trim();
  }
  const lead = LEAD.exec(phrase);
  let rest = phrase;
  if (lead?.groups) {
    countText ??= lead.groups.num;
    unitWord = lead.groups.unit;
    sizeWord = lead.groups.size1 ?? lead.groups.size2;
    rest = lead.groups.rest ?? '';
  }
  // "chicken breast 150g", "rice: 200 g"
  if (countText === undefined && unitWord === undefined) {
    const trail = TRAIL.exec(rest);
    if (trail?.groups && trail.groups.rest) {
      countText = trail.groups.num;
      unitWord = trail.groups.unit;
      rest = trail.groups.rest;
    }
  }
  for (let m = FILLER.exec(rest); m; m = FILLER.exec(rest)) rest = rest.slice(m[0].length);
  rest = rest.replace(/^(?:of\s+)/, '').trim();

  let match = findFood(rest);
  // "cup noodles", "big mac": what looked like a unit or a size was part of the food's name.
  for (const [prefix, drop] of [
    [unitWord, () => (unitWord = undefined)],
    [sizeWord, () => (sizeWord = undefined)],
  ] as const) {
    if (prefix === undefined) continue;
    const longer = findFood(`${prefix} ${rest}`);
    if (longer && longer.start === 0 && (!match || longer.end - longer.start > match.end - match.start)) {
      match = longer;
      drop();
    }
  }
  if (!match) {
    const name = said.trim().replace(/^(?:an?|some|the|my)\s+/i, '').replace(/[^\p{L}\p{N}'%&.,\s-]/gu, '').trim() || said.trim();
    return { known: false, said: said.trim(), name };
  }

  const food = match.food;
  const count = parseCount(countText);
  const unit = unitWord === undefined ? undefined : canonicalUnit(unitWord);
  let grams: number;
  if (unit !== undefined) grams = (count ?? 1) * unitGrams(unit, food);
  else if (count !== undefined) grams = count * (food.piece ?? food.portion);
  else if (added && food.extra !== undefined) grams = food.extra;
  // "eggs with bacon": a plural with no number reads as two of a counted food.
  else if (match.plural && food.piece !== undefined && food.portion === food.piece) grams = 2 * food.piece;
  else grams = food.portion;
  const massOrVolume = unit !== undefined && MASS_UNITS[unit] !== undefined;
  if (sizeWord !== undefined && !massOrVolume && food.sized !== false) grams *= SIZES[sizeWord.toLowerCase().replace(/\s+/g, ' ')] ?? 1;

  const quantity = [countText, sizeWord, unitWord].filter((p) => p !== undefined && p.trim() !== '').join(' ').replace(/\s+/g, ' ').trim();
  return { known: true, said: said.trim(), food, quantity: quantity === '' ? undefined : quantity, grams: Math.round(grams * 10) / 10 };
}

/** Every item of a meal, parsed. */
export function parseMeal(text: string): ParsedItem[] {
  return splitItems(text).map(({ said, added }) => parseItem(said, added));
}
