/**
 * The bundled food table: energy and macros per 100 g (as eaten: cooked where food is usually
 * eaten cooked), the weight of one typical piece, and the portion meant when no quantity is said.
 */

/** Where the numbers come from. */
export const FOOD_TABLE_SOURCE =
  'Per 100 g, rounded from USDA FoodData Central: SR Legacy for single foods, FNDDS for prepared dishes (marked "dish", ' +
  'typical recipes, so estimates); a few café and retail items (marked "label") from typical nutrition labels. ' +
  'Piece and portion weights from the USDA household measures, rounded.';

/** kcal, protein, carbohydrate and fat per 100 g. */
export interface Macros {
  readonly kcal: number;
  readonly proteinG: number;
  readonly carbsG: number;
  readonly fatG: number;
}

/** Units a food can be measured in; see units.ts for what each weighs by default. */
export type UnitName =
  | 'slice' | 'cup' | 'bowl' | 'plate' | 'glass' | 'mug' | 'can' | 'bottle' | 'pint' | 'shot' | 'tbsp' | 'tsp' | 'scoop'
  | 'handful' | 'bar' | 'square' | 'pack' | 'piece' | 'serving';

export interface Food {
  /** Canonical name, singular: what nutrition.logged carries. */
  readonly name: string;
  /** Other names, singular; matched as whole words, longest first. */
  readonly aliases: readonly string[];
  readonly per100g: Macros;
  /** Grams of one piece ("2 eggs", "an apple"); undefined for foods not counted in pieces. */
  readonly piece?: number;
  /** Grams meant when no quantity is said ("toast", "rice"). */
  readonly portion: number;
  /** Grams of one unit, where this food differs from the generic unit (a bowl of rice is 150 g). */
  readonly units?: Partial<Record<UnitName, number>>;
  /** Grams meant by "with X" and no quantity ("coffee with milk", "toast with butter"). */
  readonly extra?: number;
  /** Drunk rather than eaten; documentation only, since a millilitre counts as a gram for every food. */
  readonly liquid?: boolean;
  /** false when size words do not change the weight (a "large egg" is the standard 50 g egg). */
  readonly sized?: false;
  /** "dish" (FNDDS recipe estimate) or "label" (typical retail label); SR Legacy otherwise. */
  readonly basis?: 'dish' | 'label';
}

type Opts = Omit<Food, 'name' | 'aliases' | 'per100g' | 'portion'> & { aliases?: readonly string[]; portion?: number };

function f(name: string, [kcal, proteinG, carbsG, fatG]: readonly [number, number, number, number], opts: Opts = {}): Food {
  const { aliases = [], portion, ...rest } = opts;
  return { name, aliases, per100g: { kcal, proteinG, carbsG, fatG }, portion: portion ?? opts.piece ?? 100, ...rest };
}

export const FOODS: readonly Food[] = [
  // ── eggs and dairy ──
  f('egg', [155, 12.6, 1.1, 10.6], { piece: 50, sized: false, aliases: ['boiled egg', 'hard boiled egg', 'soft boiled egg', 'poached egg'] }),
  f('fried egg', [196, 13.6, 0.8, 14.8], { piece: 46 }),
  f('scrambled egg', [149, 10, 1.6, 11], { piece: 61, portion: 122, aliases: ['scrambled'] }),
  f('omelette', [154, 10.6, 0.6, 11.7], { portion: 120, aliases: ['omelet'] }),
  f('egg white', [52, 10.9, 0.7, 0.2], { piece: 33 }),
  f('milk', [61, 3.2, 4.8, 3.3], { liquid: true, portion: 244, extra: 30, units: { cup: 244, glass: 250 }, aliases: ['whole milk', 'full fat milk'] }),
  f('semi-skimmed milk', [50, 3.3, 4.8, 2], { liquid: true, portion: 244, extra: 30, aliases: ['semi skimmed milk', '2% milk', 'reduced fat milk', 'low fat milk'] }),
  f('skim milk', [34, 3.4, 5, 0.1], { liquid: true, portion: 244, extra: 30, aliases: ['skimmed milk', 'nonfat milk', 'fat free milk'] }),
  f('oat milk', [50, 1, 6.6, 2], { liquid: true, portion: 240, extra: 30, basis: 'label' }),
  f('almond milk', [15, 0.6, 0.6, 1.1], { liquid: true, portion: 240, extra: 30 }),
  f('soy milk', [54, 3.3, 6.3, 1.8], { liquid: true, portion: 240, extra: 30, aliases: ['soya milk', 'soymilk'] }),
  f('greek yogurt', [59, 10.2, 3.6, 0.4], { portion: 170, units: { cup: 245, tbsp: 15 }, aliases: ['greek yoghurt', 'nonfat greek yogurt', 'fat free greek yogurt'] }),
  f('full fat greek yogurt', [97, 9, 4, 5], { portion: 170, aliases: ['whole milk greek yogurt', 'full fat greek yoghurt'] }),
  f('yogurt', [61, 3.5, 4.7, 3.3], { portion: 150, units: { cup: 245, tbsp: 15 }, aliases: ['yoghurt', 'plain yogurt', 'natural yogurt', 'natural yoghurt'] }),
  f('skyr', [63, 11, 4, 0.2], { portion: 150, basis: 'label' }),
  f('cottage cheese', [98, 11.1, 3.4, 4.3], { portion: 113, units: { cup: 226 } }),
  f('cheddar', [403, 24.9, 1.3, 33.1], { portion: 28, extra: 20, units: { slice: 20 }, aliases: ['cheese', 'cheddar cheese', 'cheese slice'] }),
  f('mozzarella', [300, 22.2, 2.2, 22.4], { portion: 28, units: { slice: 20 }, aliases: ['mozzarella cheese', 'mozz'] }),
  f('feta', [264, 14.2, 4.1, 21.3], { portion: 28, aliases: ['feta cheese'] }),
  f('parmesan', [392, 35.8, 3.2, 25.8], { portion: 10, extra: 10, units: { tbsp: 5 }, aliases: ['parmigiano', 'parmesan cheese'] }),
  f('brie', [334, 20.8, 0.5, 27.7], { portion: 28 }),
  f('goat cheese', [264, 18.5, 0, 21.1], { portion: 28, aliases: ["goat's cheese", 'chevre'] }),
  f('halloumi', [321, 21, 2.2, 25], { portion: 80, basis: 'label' }),
  f('ricotta', [174, 11.3, 3, 13], { portion: 60, units: { cup: 246 } }),
  f('cream cheese', [342, 5.9, 4.1, 34.2], { portion: 30, extra: 15, units: { tbsp: 15 }, aliases: ['philadelphia'] }),
  f('butter', [717, 0.9, 0.1, 81.1], { portion: 10, extra: 7, units: { tbsp: 14, tsp: 5, slice: 10 } }),
  f('cream', [340, 2.8, 2.7, 36], { liquid: true, portion: 30, extra: 15, units: { tbsp: 15 }, aliases: ['heavy cream', 'double cream', 'whipping cream', 'whipped cream'] }),
  f('sour cream', [198, 2.4, 4.6, 19.4], { portion: 30, extra: 30, units: { tbsp: 12 } }),
  f('kefir', [41, 3.8, 4.5, 1], { liquid: true, portion: 243 }),
  f('ice cream', [207, 3.5, 23.6, 11], { portion: 66, units: { scoop: 66, cup: 132, bowl: 132 }, aliases: ['vanilla ice cream', 'gelato'] }),

  // ── bread, grains, breakfast ──
  f('white bread', [266, 7.6, 50.6, 3.3], { piece: 30, units: { slice: 30 }, aliases: ['bread', 'toast', 'white toast', 'slice of bread', 'sandwich bread'] }),
  f('whole wheat bread', [252, 12.4, 42.7, 3.5], { piece: 32, units: { slice: 32 }, aliases: ['wholemeal bread', 'whole grain bread', 'wholegrain bread', 'brown bread', 'wholemeal toast', 'brown toast', 'whole wheat toast', 'multigrain bread', 'granary bread'] }),
  f('sourdough', [272, 10.8, 51.9, 3], { piece: 45, units: { slice: 45 }, aliases: ['sourdough bread', 'sourdough toast', 'french bread', 'baguette'] }),
  f('rye bread', [259, 8.5, 48.3, 3.3], { piece: 32, units: { slice: 32 }, aliases: ['rye', 'pumpernickel', 'rye toast'] }),
  f('bread roll', [310, 10.9, 52, 6.9], { piece: 40, aliases: ['roll', 'dinner roll', 'bun', 'bap', 'brotchen'] }),
  f('bagel', [257, 10, 50.5, 1.6], { piece: 105 }),
  f('croissant', [406, 8.2, 45.8, 21], { piece: 57 }),
  f('english muffin', [227, 8.9, 44.2, 1.7], { piece: 57 }),
  f('pita', [275, 9.1, 55.7, 1.2], { piece: 60, aliases: ['pita bread', 'pitta'] }),
  f('flour tortilla', [304, 8.1, 49.5, 8], { piece: 45, aliases: ['tortilla', 'wrap'] }),
  f('corn tortilla', [218, 5.7, 44.6, 2.9], { piece: 26 }),
  f('naan', [291, 9.6, 50.6, 5.7], { piece: 90, aliases: ['naan bread', 'nan bread'] }),
  f('cracker', [418, 9.5, 74, 8.6], { piece: 3, portion: 30, aliases: ['saltine', 'crackers'] }),
  f('rice cake', [387, 8.2, 81.5, 2.8], { piece: 9 }),
  f('white rice', [130, 2.7, 28.2, 0.3], { portion: 150, units: { cup: 158, bowl: 150, plate: 200 }, aliases: ['rice', 'boiled rice', 'steamed rice', 'jasmine rice', 'basmati rice', 'cooked rice', 'sushi rice'] }),
  f('brown rice', [111, 2.6, 23, 0.9], { portion: 150, units: { cup: 195, bowl: 150, plate: 200 }, aliases: ['wholegrain rice', 'whole grain rice'] }),
  f('pasta', [158, 5.8, 30.9, 0.9], { portion: 200, units: { cup: 140, bowl: 220, plate: 250 }, aliases: ['spaghetti', 'penne', 'macaroni', 'fusilli', 'linguine', 'tagliatelle', 'rigatoni', 'farfalle', 'cooked pasta'] }),
  f('whole wheat pasta', [124, 5.3, 26.5, 0.5], { portion: 200, units: { cup: 140, bowl: 220, plate: 250 }, aliases: ['wholemeal pasta', 'whole grain pasta', 'wholewheat pasta'] }),
  f('egg noodles', [138, 4.5, 25.2, 2.1], { portion: 160, units: { cup: 160, bowl: 220 }, aliases: ['noodles', 'noodle'] }),
  f('instant noodles', [436, 10, 62, 17], { piece: 85, portion: 85, units: { pack: 85, bowl: 85, cup: 64 }, aliases: ['instant ramen', 'cup noodles', 'pot noodle'] }),
  f('rolled oats', [379, 13.2, 67.7, 6.5], { portion: 40, units: { cup: 81, tbsp: 5 }, aliases: ['oats', 'oat', 'porridge oats', 'oat flakes', 'overnight oats'] }),
  f('oatmeal', [71, 2.5, 12, 1.5], { portion: 234, units: { cup: 234, bowl: 234 }, aliases: ['porridge', 'cooked oatmeal'] }),
  f('granola', [471, 10, 64, 20], { portion: 50, units: { cup: 122, bowl: 60, tbsp: 8 }, basis: 'label' }),
  f('muesli', [360, 10, 66, 6], { portion: 50, units: { cup: 85, bowl: 60 } }),
  f('corn flakes', [357, 7.5, 84, 0.4], { portion: 30, units: { cup: 28, bowl: 40 }, aliases: ['cornflakes', 'cereal', 'breakfast cereal'] }),
  f('quinoa', [120, 4.4, 21.3, 1.9], { portion: 185, units: { cup: 185, bowl: 185 } }),
  f('couscous', [112, 3.8, 23.2, 0.2], { portion: 157, units: { cup: 157, bowl: 157 } }),
  f('bulgur', [83, 3.1, 18.6, 0.2], { portion: 182, units: { cup: 182 } }),
  f('pancake', [227, 6.4, 28.3, 9.7], { piece: 40, aliases: ['pancakes', 'crepe'] }),
  f('waffle', [291, 7.9, 32.9, 14.1], { piece: 75 }),
  f('blueberry muffin', [377, 4.4, 54.5, 16], { piece: 113, aliases: ['muffin'] }),

  // ── meat, fish, protein ──
  f('chicken breast', [165, 31, 0, 3.6], { piece: 170, portion: 150, aliases: ['chicken', 'chicken fillet', 'grilled chicken', 'roast chicken', 'chicken breast fillet', 'chicken meat'] }),
  f('chicken thigh', [209, 26, 0, 10.9], { piece: 52, portion: 150, aliases: ['chicken thighs', 'chicken leg'] }),
  f('chicken wing', [290, 26.9, 0, 19.5], { piece: 34, portion: 170, aliases: ['wing', 'buffalo wing'] }),
  f('chicken nugget', [247, 14.1, 15.3, 14.7], { piece: 16, portion: 96, aliases: ['nugget', 'mcnugget'] }),
  f('turkey breast', [147, 30.1, 0, 2.1], { portion: 100, units: { slice: 28 }, aliases: ['turkey', 'roast turkey'] }),
  f('duck', [201, 23.5, 0, 11.2], { portion: 150, aliases: ['duck breast', 'roast duck'] }),
  f('steak', [244, 27, 0, 14.3], { piece: 170, portion: 170, aliases: ['beef steak', 'sirloin', 'sirloin steak', 'ribeye', 'rib eye', 'beef', 'fillet steak', 'rump steak'] }),
  f('ground beef', [250, 25.9, 0, 15.4], { portion: 100, aliases: ['minced beef', 'beef mince', 'mince', 'hamburger meat'] }),
  f('meatball', [286, 12.4, 9.7, 21.7], { piece: 28, portion: 112, aliases: ['meat ball', 'meatballs'] }),
  f('pork chop', [231, 25.7, 0, 13.5], { piece: 150, portion: 150, aliases: ['pork', 'pork loin', 'roast pork', 'pork steak', 'pulled pork'] }),
  f('bacon', [541, 37, 1.4, 41.8], { piece: 8, portion: 16, units: { slice: 8 }, aliases: ['rasher', 'bacon rasher', 'streaky bacon'] }),
  f('ham', [163, 16.6, 3.8, 8.6], { piece: 15, portion: 30, units: { slice: 15 }, aliases: ['ham slice', 'cooked ham'] }),
  f('sausage', [325, 18.5, 1.4, 27.3], { piece: 50, aliases: ['pork sausage', 'banger', 'bratwurst'] }),
  f('frankfurter', [305, 11.7, 2.9, 27.6], { piece: 45, aliases: ['wiener', 'hot dog sausage'] }),
  f('salami', [407, 22.6, 1.6, 33.7], { piece: 10, portion: 30, units: { slice: 10 } }),
  f('pepperoni', [504, 19.3, 1.2, 46.3], { piece: 2, portion: 28, units: { slice: 2 } }),
  f('chorizo', [455, 24.1, 1.9, 38.3], { portion: 50, units: { slice: 6 } }),
  f('lamb', [294, 24.5, 0, 20.9], { portion: 150, aliases: ['lamb chop', 'roast lamb', 'lamb leg'] }),
  f('salmon', [206, 22.1, 0, 12.4], { piece: 150, portion: 150, aliases: ['salmon fillet', 'grilled salmon', 'baked salmon'] }),
  f('smoked salmon', [117, 18.3, 0, 4.3], { portion: 50, units: { slice: 20 }, aliases: ['lox'] }),
  f('tuna', [116, 25.5, 0, 0.8], { portion: 100, units: { can: 140 }, aliases: ['canned tuna', 'tinned tuna', 'tuna in water'] }),
  f('cod', [105, 22.8, 0, 0.9], { piece: 150, portion: 150, aliases: ['cod fillet', 'white fish', 'haddock', 'pollock'] }),
  f('tilapia', [128, 26.2, 0, 2.7], { piece: 120, portion: 120 }),
  f('mackerel', [262, 23.9, 0, 17.8], { piece: 100, portion: 100 }),
  f('sardine', [208, 24.6, 0, 11.5], { piece: 12, portion: 92, units: { can: 92 } }),
  f('shrimp', [99, 24, 0.2, 0.3], { piece: 6, portion: 85, aliases: ['prawn', 'king prawn'] }),
  f('tofu', [144, 17.3, 2.8, 8.7], { portion: 120, aliases: ['firm tofu', 'bean curd'] }),
  f('tempeh', [192, 20.3, 7.6, 10.8], { portion: 100 }),
  f('whey protein', [400, 80, 10, 5], { portion: 30, units: { scoop: 30 }, basis: 'label', aliases: ['protein powder', 'protein shake', 'whey', 'protein scoop'] }),
  f('protein bar', [370, 30, 38, 12], { piece: 60, units: { bar: 60 }, basis: 'label' }),

  // ── legumes, nuts, seeds, spreads ──
  f('black beans', [132, 8.9, 23.7, 0.5], { portion: 130, units: { cup: 172, can: 240 }, aliases: ['black bean'] }),
  f('kidney beans', [127, 8.7, 22.8, 0.5], { portion: 130, units: { cup: 177, can: 240 }, aliases: ['kidney bean', 'red beans'] }),
  f('chickpeas', [164, 8.9, 27.4, 2.6], { portion: 130, units: { cup: 164, can: 240 }, aliases: ['chickpea', 'garbanzo', 'garbanzo beans'] }),
  f('lentils', [116, 9, 20.1, 0.4], { portion: 150, units: { cup: 198, bowl: 200 }, aliases: ['lentil', 'dal', 'dahl', 'daal'] }),
  f('baked beans', [94, 4.8, 21.1, 0.4], { portion: 200, units: { can: 415, cup: 254 }, aliases: ['beans', 'bean', 'baked bean'] }),
  f('hummus', [166, 7.9, 14.3, 9.6], { portion: 30, extra: 30, units: { tbsp: 15 }, aliases: ['houmous', 'hummous'] }),
  f('falafel', [333, 13.3, 31.8, 17.8], { piece: 17, portion: 85 }),
  f('edamame', [121, 11.9, 8.9, 5.2], { portion: 75, units: { cup: 155 } }),
  f('peanut butter', [588, 25.1, 20, 50.4], { portion: 32, extra: 16, units: { tbsp: 16, tsp: 5 }, aliases: ['pb'] }),
  f('almond butter', [614, 21, 18.8, 55.5], { portion: 32, extra: 16, units: { tbsp: 16 } }),
  f('peanuts', [567, 25.8, 16.1, 49.2], { piece: 1, portion: 28, units: { handful: 28, cup: 146 }, aliases: ['peanut'] }),
  f('almonds', [579, 21.2, 21.6, 49.9], { piece: 1.2, portion: 28, units: { handful: 28, cup: 143 }, aliases: ['almond'] }),
  f('walnuts', [654, 15.2, 13.7, 65.2], { piece: 4, portion: 28, units: { handful: 28, cup: 117 }, aliases: ['walnut'] }),
  f('cashews', [553, 18.2, 30.2, 43.9], { piece: 1.5, portion: 28, units: { handful: 28 }, aliases: ['cashew', 'cashew nuts'] }),
  f('pistachios', [560, 20.2, 27.2, 45.3], { piece: 0.7, portion: 28, units: { handful: 28 }, aliases: ['pistachio'] }),
  f('hazelnuts', [628, 15, 16.7, 60.8], { piece: 1.4, portion: 28, units: { handful: 28 }, aliases: ['hazelnut'] }),
  f('mixed nuts', [594, 17.3, 25.4, 51.5], { portion: 28, units: { handful: 28 }, aliases: ['nuts', 'nut'] }),
  f('chia seeds', [486, 16.5, 42.1, 30.7], { portion: 12, extra: 12, units: { tbsp: 12 }, aliases: ['chia'] }),
  f('sunflower seeds', [584, 20.8, 20, 51.5], { portion: 28, units: { tbsp: 9, handful: 28 } }),
  f('olive oil', [884, 0, 0, 100], { portion: 14, extra: 7, units: { tbsp: 13.5, tsp: 4.5 }, aliases: ['oil', 'vegetable oil', 'rapeseed oil', 'sunflower oil'] }),
  f('mayonnaise', [680, 1, 0.6, 74.9], { portion: 14, extra: 14, units: { tbsp: 14 }, aliases: ['mayo'] }),
  f('ketchup', [101, 1, 27.4, 0.1], { portion: 17, extra: 17, units: { tbsp: 17 } }),
  f('honey', [304, 0.3, 82.4, 0], { portion: 21, extra: 10, units: { tbsp: 21, tsp: 7 } }),
  f('jam', [278, 0.4, 68.9, 0.1], { portion: 20, extra: 15, units: { tbsp: 20, tsp: 7 }, aliases: ['jelly', 'marmalade', 'preserves'] }),
  f('maple syrup', [260, 0, 67, 0.1], { liquid: true, portion: 20, extra: 20, units: { tbsp: 20 }, aliases: ['syrup'] }),
  f('sugar', [387, 0, 100, 0], { portion: 4, extra: 4, units: { tsp: 4.2, tbsp: 12.5 }, aliases: ['sugar cube'] }),
  f('nutella', [539, 6.3, 57.5, 30.9], { portion: 19, extra: 15, units: { tbsp: 19 }, basis: 'label', aliases: ['chocolate spread'] }),

  // ── fruit ──
  f('apple', [52, 0.3, 13.8, 0.2], { piece: 180 }),
  f('banana', [89, 1.1, 22.8, 0.3], { piece: 118 }),
  f('orange', [47, 0.9, 11.8, 0.1], { piece: 131 }),
  f('pear', [57, 0.4, 15.2, 0.1], { piece: 178 }),
  f('grapes', [69, 0.7, 18.1, 0.2], { piece: 5, portion: 100, units: { cup: 151, handful: 50, bowl: 150 }, aliases: ['grape'] }),
  f('strawberries', [32, 0.7, 7.7, 0.3], { piece: 12, portion: 150, units: { cup: 152, handful: 60, bowl: 150 }, aliases: ['strawberry'] }),
  f('blueberries', [57, 0.7, 14.5, 0.3], { piece: 1.5, portion: 100, units: { cup: 148, handful: 40 }, aliases: ['blueberry', 'berries', 'berry', 'mixed berries'] }),
  f('raspberries', [52, 1.2, 11.9, 0.7], { piece: 2, portion: 100, units: { cup: 123, handful: 40 }, aliases: ['raspberry'] }),
  f('mango', [60, 0.8, 15, 0.4], { piece: 200, units: { cup: 165 } }),
  f('pineapple', [50, 0.5, 13.1, 0.1], { portion: 165, units: { cup: 165, slice: 84 } }),
  f('kiwi', [61, 1.1, 14.7, 0.5], { piece: 69, aliases: ['kiwi fruit', 'kiwifruit'] }),
  f('peach', [39, 0.9, 9.5, 0.3], { piece: 150, aliases: ['nectarine'] }),
  f('plum', [46, 0.7, 11.4, 0.3], { piece: 66 }),
  f('cherries', [63, 1.1, 16, 0.2], { piece: 8, portion: 138, units: { cup: 138, handful: 60 }, aliases: ['cherry'] }),
  f('watermelon', [30, 0.6, 7.6, 0.2], { portion: 280, units: { slice: 280, cup: 152 } }),
  f('melon', [34, 0.8, 8.2, 0.2], { portion: 160, units: { slice: 100, cup: 160 }, aliases: ['cantaloupe', 'honeydew'] }),
  f('avocado', [160, 2, 8.5, 14.7], { piece: 150, units: { slice: 25 }, aliases: ['avo'] }),
  f('lemon', [29, 1.1, 9.3, 0.3], { piece: 58, aliases: ['lime'] }),
  f('grapefruit', [42, 0.8, 10.7, 0.1], { piece: 246 }),
  f('clementine', [53, 0.8, 13.3, 0.3], { piece: 75, aliases: ['mandarin', 'tangerine', 'satsuma'] }),
  f('dates', [277, 1.8, 75, 0.2], { piece: 24, portion: 48, aliases: ['date', 'medjool date'] }),
  f('raisins', [299, 3.1, 79.2, 0.5], { portion: 30, units: { tbsp: 9, handful: 30, cup: 145 }, aliases: ['raisin', 'sultanas'] }),
  f('dried apricots', [241, 3.4, 62.6, 0.5], { piece: 8, portion: 30, aliases: ['dried apricot'] }),
  f('fruit salad', [50, 0.6, 12.5, 0.2], { portion: 150, units: { cup: 150, bowl: 200 }, basis: 'dish' }),

  // ── vegetables ──
  f('potato', [87, 1.9, 20.1, 0.1], { piece: 150, aliases: ['boiled potato', 'potatoes', 'new potato'] }),
  f('baked potato', [93, 2.5, 21.2, 0.1], { piece: 173, aliases: ['jacket potato'] }),
  f('mashed potato', [113, 2, 16.9, 4.2], { portion: 200, units: { cup: 210 }, aliases: ['mashed potatoes', 'mash'] }),
  f('french fries', [312, 3.4, 41.4, 14.7], { portion: 117, units: { serving: 117 }, aliases: ['fries', 'chips', 'frites'] }),
  f('sweet potato', [90, 2, 20.7, 0.2], { piece: 130, aliases: ['yam'] }),
  f('potato chips', [536, 7, 52.9, 34.6], { portion: 28, units: { pack: 28, handful: 15 }, aliases: ['crisps', 'crisp'] }),
  f('tomato', [18, 0.9, 3.9, 0.2], { piece: 123, units: { slice: 20 }, aliases: ['tomatoes'] }),
  f('cherry tomato', [18, 0.9, 3.9, 0.2], { piece: 17, portion: 85, aliases: ['cherry tomatoes'] }),
  f('cucumber', [15, 0.7, 3.6, 0.1], { piece: 300, portion: 100, units: { slice: 7 } }),
  f('carrot', [41, 0.9, 9.6, 0.2], { piece: 61 }),
  f('broccoli', [35, 2.4, 7.2, 0.4], { portion: 90, units: { cup: 156 } }),
  f('spinach', [23, 2.9, 3.6, 0.4], { portion: 30, units: { cup: 30, handful: 30 } }),
  f('lettuce', [15, 1.4, 2.9, 0.2], { portion: 50, units: { cup: 36, handful: 20 }, aliases: ['greens', 'mixed greens', 'salad leaves', 'rocket', 'arugula'] }),
  f('bell pepper', [31, 1, 6, 0.3], { piece: 119, aliases: ['pepper', 'red pepper', 'green pepper', 'capsicum'] }),
  f('onion', [40, 1.1, 9.3, 0.1], { piece: 110 }),
  f('mushrooms', [22, 3.1, 3.3, 0.3], { piece: 18, portion: 70, units: { cup: 70 }, aliases: ['mushroom'] }),
  f('sweet corn', [96, 3.4, 21, 1.5], { piece: 100, portion: 100, units: { cup: 149 }, aliases: ['corn', 'corn on the cob', 'sweetcorn'] }),
  f('green beans', [35, 1.9, 7.9, 0.3], { portion: 125, units: { cup: 125 }, aliases: ['green bean', 'string beans'] }),
  f('peas', [84, 5.4, 15.6, 0.2], { portion: 80, units: { cup: 160 }, aliases: ['pea', 'green peas'] }),
  f('zucchini', [17, 1.2, 3.1, 0.3], { piece: 196, aliases: ['courgette'] }),
  f('cauliflower', [25, 1.9, 5, 0.3], { portion: 100, units: { cup: 107 } }),
  f('cabbage', [25, 1.3, 5.8, 0.1], { portion: 90, units: { cup: 89 } }),
  f('kale', [49, 4.3, 8.8, 0.9], { portion: 67, units: { cup: 67 } }),
  f('asparagus', [22, 2.4, 4.1, 0.2], { piece: 15, portion: 90 }),
  f('eggplant', [35, 0.8, 8.7, 0.2], { portion: 100, aliases: ['aubergine'] }),
  f('beetroot', [44, 1.7, 10, 0.2], { piece: 50, portion: 80, aliases: ['beet', 'beets'] }),
  f('celery', [16, 0.7, 3, 0.2], { piece: 40, portion: 40, aliases: ['celery stick'] }),
  f('brussels sprouts', [36, 2.6, 7.1, 0.5], { piece: 16, portion: 80, aliases: ['brussels sprout', 'sprouts'] }),
  f('olives', [115, 0.8, 6.3, 10.7], { piece: 4, portion: 30, aliases: ['olive'] }),
  f('salsa', [36, 1.5, 6.6, 0.2], { portion: 30, extra: 30, units: { tbsp: 16 } }),
  f('green salad', [17, 1.2, 3.3, 0.2], { portion: 100, units: { bowl: 150, plate: 150 }, aliases: ['salad', 'side salad', 'garden salad', 'mixed salad'], basis: 'dish' }),

  // ── dishes ──
  f('pizza', [266, 11.4, 33.3, 9.7], { piece: 107, units: { slice: 107 }, portion: 107, aliases: ['cheese pizza', 'margherita', 'margherita pizza', 'pizza slice'] }),
  f('pepperoni pizza', [298, 12.9, 32, 13.2], { piece: 111, units: { slice: 111 }, portion: 111 }),
  f('hamburger', [250, 12, 31, 9], { piece: 150, aliases: ['burger', 'beef burger'], basis: 'dish' }),
  f('cheeseburger', [252, 12.6, 26.9, 10.1], { piece: 150, basis: 'dish' }),
  f('big mac', [251, 11.4, 20.5, 13.7], { piece: 219, basis: 'label' }),
  f('hot dog', [247, 10.6, 18.4, 14.8], { piece: 98, aliases: ['hotdog'] }),
  f('sandwich', [240, 13, 26, 9], { piece: 150, aliases: ['ham sandwich', 'ham and cheese sandwich', 'sub', 'panini', 'toastie', 'sarnie'], basis: 'dish' }),
  f('pb&j sandwich', [360, 11, 45, 16], { piece: 100, aliases: ['peanut butter and jelly sandwich', 'peanut butter and jam sandwich', 'pbj'], basis: 'dish' }),
  f('chicken salad', [95, 12, 3, 4], { portion: 300, units: { bowl: 300, plate: 300 }, aliases: ['grilled chicken salad'], basis: 'dish' }),
  f('caesar salad', [127, 6, 6, 9], { portion: 250, units: { bowl: 250 }, basis: 'dish' }),
  f('mac and cheese', [164, 6.4, 20, 6.6], { portion: 200, units: { cup: 200, bowl: 250 }, aliases: ['macaroni and cheese', 'mac n cheese', 'mac & cheese'], basis: 'dish' }),
  f('fish and chips', [195, 9.5, 17, 10], { portion: 350, units: { plate: 350 }, aliases: ['fish & chips', 'fish n chips'], basis: 'dish' }),
  f('spaghetti bolognese', [132, 6.5, 16, 4.5], { portion: 350, units: { plate: 350, bowl: 350 }, aliases: ['bolognese', 'spag bol', 'pasta bolognese'], basis: 'dish' }),
  f('carbonara', [190, 8, 22, 8], { portion: 300, units: { plate: 300, bowl: 300 }, aliases: ['pasta carbonara', 'spaghetti carbonara'], basis: 'dish' }),
  f('lasagna', [140, 8.5, 13, 6], { portion: 250, units: { slice: 250, plate: 300 }, aliases: ['lasagne'], basis: 'dish' }),
  f('fried rice', [174, 5, 29, 4.5], { portion: 250, units: { bowl: 250, plate: 300, cup: 140 }, aliases: ['egg fried rice'], basis: 'dish' }),
  f('pad thai', [153, 7, 21, 4.6], { portion: 300, units: { plate: 300, bowl: 300 }, basis: 'dish' }),
  f('ramen', [90, 4.5, 11, 3], { portion: 550, units: { bowl: 550 }, aliases: ['ramen soup', 'pho'], basis: 'dish' }),
  f('sushi', [140, 5.8, 27.5, 0.9], { piece: 30, portion: 240, units: { plate: 240 }, aliases: ['sushi roll', 'maki', 'nigiri', 'california roll'], basis: 'dish' }),
  f('burrito', [200, 9, 24, 7.5], { piece: 300, aliases: ['chicken burrito', 'beef burrito', 'bean burrito'], basis: 'dish' }),
  f('taco', [218, 10.3, 16.7, 12.8], { piece: 78, aliases: ['tacos'], basis: 'dish' }),
  f('chicken curry', [150, 12, 6, 9], { portion: 300, units: { bowl: 300, plate: 300 }, aliases: ['curry', 'tikka masala', 'chicken tikka masala', 'butter chicken'], basis: 'dish' }),
  f('chili con carne', [106, 6.6, 11.3, 4.2], { portion: 250, units: { bowl: 250, cup: 253 }, aliases: ['chili', 'chilli', 'chilli con carne'], basis: 'dish' }),
  f('stir fry', [110, 10, 6, 5], { portion: 300, units: { plate: 300, bowl: 300 }, aliases: ['stir-fry', 'chicken stir fry'], basis: 'dish' }),
  f('kebab', [215, 12, 19, 10], { piece: 350, aliases: ['doner', 'doner kebab', 'gyro', 'shawarma'], basis: 'dish' }),
  f('vegetable soup', [30, 1.2, 5, 0.6], { portion: 250, units: { bowl: 300, cup: 245 }, aliases: ['soup', 'minestrone', 'tomato soup'], basis: 'dish' }),
  f('chicken noodle soup', [36, 2.4, 4.3, 1.2], { portion: 250, units: { bowl: 300, cup: 245 }, aliases: ['chicken soup'], basis: 'dish' }),
  f('lentil soup', [56, 3.6, 8.6, 1.1], { portion: 250, units: { bowl: 300, cup: 245 }, basis: 'dish' }),
  f('dumpling', [200, 8, 24, 8], { piece: 25, portion: 150, aliases: ['dumplings', 'gyoza', 'potsticker'], basis: 'dish' }),

  // ── snacks and sweets ──
  f('milk chocolate', [535, 7.7, 59.4, 29.7], { piece: 10, portion: 44, units: { bar: 44, square: 6 }, aliases: ['chocolate', 'chocolate bar', 'candy bar'] }),
  f('dark chocolate', [598, 7.8, 45.9, 42.6], { piece: 10, portion: 30, units: { bar: 100, square: 10 } }),
  f('chocolate chip cookie', [488, 5.4, 64, 24], { piece: 20, aliases: ['cookie', 'cookies'] }),
  f('biscuit', [478, 7.1, 62.7, 21.3], { piece: 15, aliases: ['digestive', 'digestive biscuit'], basis: 'label' }),
  f('chocolate cake', [367, 4.1, 54.6, 16.4], { piece: 80, units: { slice: 80 }, aliases: ['cake', 'birthday cake'] }),
  f('cheesecake', [321, 5.5, 25.5, 22.5], { piece: 80, units: { slice: 80 } }),
  f('apple pie', [237, 1.9, 34, 11], { piece: 125, units: { slice: 125 }, aliases: ['pie'] }),
  f('brownie', [405, 4.8, 63.9, 16.3], { piece: 56 }),
  f('donut', [388, 6.1, 44.9, 22.4], { piece: 50, aliases: ['doughnut', 'glazed donut'], basis: 'label' }),
  f('popcorn', [387, 12.9, 77.8, 4.5], { portion: 24, units: { cup: 8, bowl: 24 } }),
  f('pretzels', [380, 10.3, 79.8, 2.9], { piece: 6, portion: 30, units: { handful: 30 }, aliases: ['pretzel'] }),
  f('granola bar', [471, 10.1, 64.4, 19.8], { piece: 25, units: { bar: 25 }, aliases: ['cereal bar', 'muesli bar', 'flapjack'] }),

  // ── drinks ──
  f('water', [0, 0, 0, 0], { liquid: true, portion: 250, units: { glass: 250, bottle: 500, cup: 240 }, aliases: ['sparkling water', 'still water', 'tap water', 'mineral water'] }),
  f('coffee', [1, 0.1, 0, 0], { liquid: true, piece: 240, units: { cup: 240, mug: 300 }, aliases: ['black coffee', 'filter coffee', 'brewed coffee', 'americano', 'long black'] }),
  f('espresso', [9, 0.1, 1.7, 0.2], { liquid: true, piece: 30, units: { shot: 30, cup: 30 }, aliases: ['double espresso', 'ristretto'] }),
  f('latte', [42, 2.8, 4.2, 1.7], { liquid: true, piece: 350, units: { cup: 350, mug: 350 }, basis: 'label', aliases: ['caffe latte', 'cafe latte', 'latte macchiato'] }),
  f('cappuccino', [34, 2.3, 3.4, 1.1], { liquid: true, piece: 240, units: { cup: 240, mug: 300 }, basis: 'label' }),
  f('flat white', [48, 2.5, 3.9, 2.6], { liquid: true, piece: 240, basis: 'label' }),
  f('tea', [1, 0, 0.3, 0], { liquid: true, piece: 240, units: { cup: 240, mug: 300 }, aliases: ['black tea', 'green tea', 'herbal tea', 'cup of tea', 'cuppa'] }),
  f('chai latte', [54, 1.7, 9.6, 1.1], { liquid: true, piece: 350, basis: 'label', aliases: ['chai'] }),
  f('hot chocolate', [77, 3.5, 10.7, 2.3], { liquid: true, piece: 250, units: { cup: 250, mug: 250 }, aliases: ['cocoa', 'hot cocoa'] }),
  f('orange juice', [45, 0.7, 10.4, 0.2], { liquid: true, portion: 248, units: { glass: 248, cup: 248 }, aliases: ['oj', 'juice'] }),
  f('apple juice', [46, 0.1, 11.3, 0.1], { liquid: true, portion: 248, units: { glass: 248, cup: 248 } }),
  f('smoothie', [55, 0.7, 13, 0.3], { liquid: true, portion: 300, units: { glass: 300, cup: 240, bottle: 250 }, aliases: ['fruit smoothie'], basis: 'dish' }),
  f('cola', [42, 0, 10.6, 0], { liquid: true, piece: 330, units: { can: 330, bottle: 500, glass: 250 }, aliases: ['coke', 'coca cola', 'pepsi', 'soda', 'soft drink', 'fizzy drink'], basis: 'label' }),
  f('diet cola', [0, 0, 0, 0], { liquid: true, piece: 330, units: { can: 330, bottle: 500, glass: 250 }, aliases: ['diet coke', 'coke zero', 'pepsi max', 'diet soda'] }),
  f('lemonade', [40, 0.1, 10.4, 0], { liquid: true, portion: 250, units: { glass: 250, can: 330 } }),
  f('kombucha', [15, 0, 3.5, 0], { liquid: true, piece: 330, units: { bottle: 330 }, basis: 'label' }),
  f('beer', [43, 0.5, 3.6, 0], { liquid: true, piece: 330, units: { can: 330, bottle: 330, glass: 300, pint: 500 }, aliases: ['lager', 'ale', 'ipa', 'pilsner'] }),
  f('red wine', [85, 0.1, 2.6, 0], { liquid: true, piece: 150, units: { glass: 150, bottle: 750 }, aliases: ['wine'] }),
  f('white wine', [82, 0.1, 2.6, 0], { liquid: true, piece: 150, units: { glass: 150, bottle: 750 }, aliases: ['rose', 'rosé'] }),
  f('prosecco', [72, 0.1, 1.5, 0], { liquid: true, piece: 125, units: { glass: 125, bottle: 750 }, aliases: ['champagne', 'cava', 'sparkling wine'], basis: 'label' }),
  f('spirits', [231, 0, 0, 0], { liquid: true, piece: 40, units: { shot: 40, glass: 40 }, aliases: ['vodka', 'gin', 'whisky', 'whiskey', 'rum', 'tequila', 'brandy'] }),
];
