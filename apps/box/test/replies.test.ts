/** The wording of box's replies where the handler tests do not reach. */
import { describe, expect, it } from 'vitest';
import { estimateMeal } from '../src/domain/macros.js';
import { parseMeal } from '../src/domain/quantities.js';
import { briefingLine, goalReply, grams, loggedReply, progress, summaryReply } from '../src/domain/replies.js';

describe('replies', () => {
  it('formats numbers the way people read them', () => {
    expect(grams(12.64)).toBe('12.6');
    expect(grams(12)).toBe('12');
    expect(grams(1234.56)).toBe('1,234.6');
  });

  it('says how far over the goal the day is', () => {
    expect(progress(2350, 2200)).toBe('today 2,350 / 2,200 kcal (150 over)');
    expect(progress(0, 2000)).toBe('today 0 / 2,000 kcal (2,000 left)');
  });

  it('leaves out the meal name and the sum when there is one item and no meal', () => {
    const e = estimateMeal(parseMeal('an apple'));
    expect(loggedReply(undefined, e, e.totals, 2000)).toBe('Logged: an apple (94 kcal) — today 94 / 2,000 kcal (1,906 left).');
  });

  it('says when nothing was logged, and points at the default goal', () => {
    expect(summaryReply([], { kcal: 0, proteinG: 0, carbsG: 0, fatG: 0 }, 2000, 'protein', 'today')).toMatch(/^Nothing logged today yet/);
    expect(summaryReply([], { kcal: 0, proteinG: 0, carbsG: 0, fatG: 0 }, 2000, undefined, 'yesterday')).toBe('Nothing was logged yesterday.');
    expect(goalReply(2000, 500, true)).toMatch(/\(the default; say "set my goal to 2200 kcal" to change it\)/);
  });

  it('reports kcal over the goal in a day summary', () => {
    const e = estimateMeal(parseMeal('a large pizza slice'));
    const text = summaryReply([{ meal: 'dinner', items: e.items, totals: { ...e.totals, kcal: 2500 } }], { ...e.totals, kcal: 2500 }, 2200, 'kcal', 'today');
    expect(text).toMatch(/^Today: 2,500 \/ 2,200 kcal — 300 over; protein/);
  });

  it('sums the day up in one line for a briefing', () => {
    expect(briefingLine(0, { kcal: 0, proteinG: 0, carbsG: 0, fatG: 0 }, 2000)).toBe('Nutrition: nothing logged yet · goal 2,000 kcal.');
    expect(briefingLine(2, { kcal: 678, proteinG: 65.5, carbsG: 58.6, fatG: 17.5 }, 2200)).toBe('Nutrition: 678 / 2,200 kcal from 2 meals · protein 65.5 g.');
  });
});
