/**
 * Words that say a message is about food. iris only needs to recognise a meal, not to weigh it
 * (box owns the food table), so this is a vocabulary, singular forms, matched after singularising.
 */
export const FOOD_WORDS: ReadonlySet<string> = new Set([
  // eggs, dairy
  'egg', 'omelette', 'omelet', 'milk', 'yogurt', 'yoghurt', 'cheese', 'butter', 'cream', 'skyr', 'kefir', 'cottage', 'mozzarella', 'feta', 'parmesan', 'cheddar',
  // bread, grains
  'toast', 'bread', 'bagel', 'croissant', 'roll', 'bun', 'baguette', 'tortilla', 'wrap', 'pita', 'cracker', 'rice', 'pasta', 'spaghetti', 'noodle', 'ramen',
  'oat', 'oatmeal', 'porridge', 'granola', 'muesli', 'cereal', 'cornflake', 'quinoa', 'couscous', 'bulgur', 'pancake', 'waffle', 'muffin', 'lasagna', 'risotto',
  // meat, fish
  'chicken', 'beef', 'steak', 'pork', 'ham', 'bacon', 'sausage', 'turkey', 'lamb', 'mince', 'meatball', 'salami', 'chorizo', 'fish', 'salmon', 'tuna', 'cod',
  'shrimp', 'prawn', 'sardine', 'mackerel', 'tofu', 'tempeh', 'seitan', 'burger', 'hamburger', 'cheeseburger', 'hotdog', 'kebab', 'doner', 'gyro', 'schnitzel',
  // legumes, nuts
  'bean', 'lentil', 'chickpea', 'hummus', 'falafel', 'edamame', 'pea', 'peanut', 'almond', 'walnut', 'cashew', 'pistachio', 'hazelnut', 'nut', 'seed',
  // fruit
  'apple', 'banana', 'orange', 'pear', 'grape', 'strawberry', 'blueberry', 'raspberry', 'berry', 'mango', 'pineapple', 'kiwi', 'peach', 'plum', 'cherry',
  'watermelon', 'melon', 'lemon', 'avocado', 'fig', 'apricot', 'clementine', 'mandarin', 'tangerine', 'grapefruit', 'raisin', 'fruit', 'papaya',
  // vegetables
  'potato', 'fries', 'chip', 'crisp', 'tomato', 'cucumber', 'carrot', 'broccoli', 'spinach', 'lettuce', 'salad', 'pepper', 'onion', 'mushroom', 'corn',
  'zucchini', 'courgette', 'cauliflower', 'cabbage', 'kale', 'asparagus', 'eggplant', 'aubergine', 'veggie', 'vegetable', 'veg', 'sweet',
  // dishes
  'pizza', 'sandwich', 'soup', 'stew', 'curry', 'chili', 'taco', 'burrito', 'quesadilla', 'nacho', 'sushi', 'dumpling', 'noodles', 'stir', 'bowl',
  'fry', 'poke', 'carbonara', 'bolognese', 'tikka', 'masala', 'teriyaki', 'pesto', 'korma', 'vindaloo', 'katsu', 'ragu', 'gyoza', 'pad', 'thai', 'paella', 'goulash', 'pho', 'bibimbap', 'dal', 'dahl', 'biryani', 'naan', 'samosa', 'gnocchi', 'ravioli', 'tortellini', 'mac',
  // snacks, sweets
  'chocolate', 'cookie', 'biscuit', 'cake', 'brownie', 'donut', 'doughnut', 'ice', 'candy', 'popcorn', 'pretzel', 'jam', 'honey', 'nutella',
  'sugar', 'peanutbutter', 'dessert', 'pie', 'croissant', 'pastry', 'cinnamon', 'tart', 'pudding', 'snack',
  // drinks (water is a habit, see habit rules)
  'coffee', 'espresso', 'latte', 'cappuccino', 'americano', 'flat', 'macchiato', 'mocha', 'tea', 'matcha', 'juice', 'smoothie', 'shake', 'protein', 'soda',
  'coke', 'cola', 'pepsi', 'lemonade', 'beer', 'wine', 'prosecco', 'champagne', 'cocktail', 'whisky', 'whiskey', 'vodka', 'gin', 'rum', 'kombucha', 'chai',
  // generic
  'food', 'meal', 'breakfast', 'brunch', 'lunch', 'dinner', 'supper', 'leftover', 'kcal', 'calorie', 'serving', 'portion', 'slice', 'scoop',
]);

/** Crude singular of an English word: enough to match "eggs", "berries", "tomatoes", "sandwiches". */
export function singular(word: string): string {
  if (word.length <= 3 || word.endsWith('ss') || word.endsWith('us')) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(?:ch|sh|x|o)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** True when a word (any form) is in the food vocabulary. */
export function isFoodWord(word: string): boolean {
  const w = word.toLowerCase();
  return FOOD_WORDS.has(w) || FOOD_WORDS.has(singular(w));
}
