import { describe, expect, it } from 'vitest';
import { NUMBER_WORDS, wordsPattern } from '../src/number-words.js';

describe('number words', () => {
  it('reads every word up to a hundred that the agents take', () => {
    expect([NUMBER_WORDS.one, NUMBER_WORDS.sixteen, NUMBER_WORDS.ninety, NUMBER_WORDS.hundred]).toEqual([1, 16, 90, 100]);
  });
  it('puts longer words first, so "sixteen" and "seventy" are never read as "six" and "seven"', () => {
    const re = new RegExp(`^(${wordsPattern(Object.keys(NUMBER_WORDS))})`);
    expect(re.exec('sixteen minutes')?.[1]).toBe('sixteen');
    expect(re.exec('seventy')?.[1]).toBe('seventy');
  });
  it('lets a phrase take any white space between its words', () => {
    expect(new RegExp(`^(?:${wordsPattern(['a couple of'])})$`).test('a  couple\tof')).toBe(true);
  });
});
