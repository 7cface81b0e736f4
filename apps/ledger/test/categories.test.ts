import { describe, expect, it } from 'vitest';
import { categoryNamed, inferCategory } from '../src/domain/categories.js';

describe('inferCategory', () => {
  it.each([
    ['lunch', 'food'],
    ['coffee', 'food'],
    ['2 coffees', 'food'],
    ['pizzas', 'food'],
    ['uber eats', 'food'],
    ['groceries at rewe', 'groceries'],
    ['Lidl', 'groceries'],
    ['taxi home', 'transport'],
    ['uber to the airport', 'transport'],
    ['gas', 'transport'],
    ['gas bill', 'utilities'],
    ['internet', 'utilities'],
    ['rent', 'housing'],
    ['IKEA shelf', 'housing'],
    ['pharmacy', 'health'],
    ['dentist', 'health'],
    ['cinema with Ann', 'entertainment'],
    ['netflix', 'entertainment'],
    ['new shoes', 'shopping'],
    ['amazon order', 'shopping'],
    ['flight to Lisbon', 'travel'],
    ['hotel', 'travel'],
    ['something odd', 'other'],
    ['', 'other'],
  ])('%s -> %s', (description, category) => {
    expect(inferCategory(description)).toBe(category);
  });

  it.each([
    ['Food', 'food'],
    ['grocery', 'groceries'],
    ['transportation', 'transport'],
    ['bills', 'utilities'],
    ['cats', undefined],
  ])('categoryNamed %s -> %s', (name, category) => {
    expect(categoryNamed(name)).toBe(category);
  });
});
