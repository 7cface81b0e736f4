/** Expense categories, and the keywords that place a description in one. */

export const CATEGORIES = ['food', 'groceries', 'transport', 'housing', 'utilities', 'health', 'entertainment', 'shopping', 'travel', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Keywords per category. Phrases are checked before single words, so "gas bill" is utilities while
 * "gas" alone is fuel; within one length, the category listed first wins.
 */
const KEYWORDS: Readonly<Record<Exclude<Category, 'other'>, readonly string[]>> = {
  utilities: [
    'gas bill', 'water bill', 'electric bill', 'electricity bill', 'power bill', 'phone bill', 'mobile bill', 'internet bill',
    'electricity', 'power', 'internet', 'wifi', 'broadband', 'phone', 'mobile', 'heating', 'utilities', 'utility', 'sim', 'data plan', 'gez', 'tv license',
  ],
  groceries: [
    'groceries', 'grocery', 'supermarket', 'rewe', 'lidl', 'aldi', 'edeka', 'kaufland', 'netto', 'penny', 'tesco', 'sainsbury', 'asda',
    'walmart', 'costco', 'carrefour', 'whole foods', 'trader joe', 'market', 'milk', 'bread', 'eggs', 'vegetables', 'fruit',
  ],
  food: [
    'lunch', 'dinner', 'breakfast', 'brunch', 'coffee', 'cafe', 'café', 'restaurant', 'pizza', 'burger', 'sushi', 'kebab', 'döner', 'doner',
    'snack', 'snacks', 'takeaway', 'takeout', 'lieferando', 'deliveroo', 'ubereats', 'uber eats', 'doordash', 'bakery',
    'sandwich', 'meal', 'food', 'tea', 'ice cream', 'ramen', 'noodles', 'pho', 'tacos', 'burrito', 'salad', 'bagel', 'croissant', 'canteen', 'mcdonalds', "mcdonald's", 'starbucks',
  ],
  transport: [
    'taxi', 'uber', 'lyft', 'bolt', 'cab', 'bus', 'train', 'tram', 'metro', 'subway', 'u-bahn', 's-bahn', 'tube', 'fuel', 'petrol', 'gas',
    'diesel', 'parking', 'toll', 'car wash', 'bike', 'scooter', 'car', 'transit', 'bahn', 'deutschlandticket', 'monthly pass', 'transport', 'transportation',
  ],
  housing: ['rent', 'mortgage', 'landlord', 'furniture', 'ikea', 'repair', 'plumber', 'electrician', 'cleaning', 'cleaner', 'deposit', 'home', 'housing'],
  health: [
    'pharmacy', 'apotheke', 'doctor', 'dentist', 'medicine', 'meds', 'pills', 'prescription', 'hospital', 'therapy', 'therapist',
    'physio', 'glasses', 'contacts', 'vitamins', 'gym', 'health', 'insurance',
  ],
  entertainment: [
    'cinema', 'movie', 'movies', 'film', 'netflix', 'spotify', 'disney', 'concert', 'theatre', 'theater', 'museum', 'game', 'games',
    'steam', 'playstation', 'xbox', 'bar', 'pub', 'beer', 'pint', 'wine', 'cocktail', 'drinks', 'club', 'party', 'bowling', 'festival', 'books', 'entertainment',
  ],
  shopping: [
    'clothes', 'clothing', 'shoes', 'shirt', 't-shirt', 'jeans', 'jacket', 'dress', 'amazon', 'zalando', 'ebay', 'electronics',
    'headphones', 'laptop', 'gift', 'gifts', 'present', 'haircut', 'hairdresser', 'cosmetics', 'shopping', 'mall',
  ],
  travel: ['flight', 'flights', 'plane', 'airline', 'hotel', 'airbnb', 'hostel', 'booking', 'trip', 'vacation', 'holiday', 'holidays', 'luggage', 'visa', 'travel', 'ryanair', 'lufthansa', 'easyjet'],
};

const ENTRIES: readonly { keyword: string; category: Category; words: number }[] = Object.entries(KEYWORDS)
  .flatMap(([category, words]) => words.map((keyword) => ({ keyword, category: category as Category, words: keyword.split(' ').length })))
  .sort((a, b) => b.words - a.words);

/** True when `s` names a category ("food", "Groceries"). */
export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s.toLowerCase());
}

/** A category named loosely ("Food", "grocery", "transportation", "bills") as one of ours, or undefined. */
export function categoryNamed(s: string): Category | undefined {
  const w = s.trim().toLowerCase();
  if (isCategory(w)) return w as Category;
  const aliases: Record<string, Category> = {
    grocery: 'groceries', transportation: 'transport', travelling: 'travel', traveling: 'travel', rent: 'housing', home: 'housing',
    bills: 'utilities', utility: 'utilities', medical: 'health', fun: 'entertainment', eating: 'food', 'eating out': 'food',
    restaurants: 'food', clothes: 'shopping', misc: 'other', miscellaneous: 'other', others: 'other',
  };
  return aliases[w];
}

/** The category a description most likely belongs to, by keyword; "other" when nothing fits. */
export function inferCategory(description: string): Category {
  const text = ` ${description.toLowerCase().replace(/[^\p{L}\p{N}'\- ]/gu, ' ').replace(/\s+/g, ' ')} `;
  for (const e of ENTRIES) {
    // Plurals count too: "2 coffees", "pizzas", "sandwiches".
    if (text.includes(` ${e.keyword} `) || text.includes(` ${e.keyword}s `) || text.includes(` ${e.keyword}es `)) return e.category;
  }
  return 'other';
}
