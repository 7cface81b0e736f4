/** Tags, titles and previews derived from a note's words; the FTS5 query built from search words. */
import { describe, expect, it } from 'vitest';
import { addDays, dayIn, isTimeZone, mondayOf, shortDate } from '@hive/agent';
import { periodRange } from '../src/domain/calendar.js';
import { ftsMatch, searchTerms } from '../src/domain/fts-query.js';
import { preview, tagsOf, tidy, titleOf } from '../src/domain/note-text.js';

describe('tagsOf', () => {
  it.each([
    ['renew passport #admin #Travel', ['admin', 'travel']],
    ['#idea: a bot that waters plants #idea', ['idea']],
    ['issue#42 is not a tag, nor is a lone #', []],
    ['#über-cool tag', ['über-cool']],
  ])('%j', (text, tags) => expect(tagsOf(text)).toEqual(tags));
});

describe('titleOf', () => {
  it.each([
    ['book recommendation: The Design of Everyday Things', 'book recommendation'],
    ['wifi: hunter2', 'wifi'],
    ['this is a long first clause that goes on: and on', undefined],
    ['see https://example.com/a', undefined],
    ['no colon here', undefined],
    ['ends with colon:', undefined],
  ])('%j', (text, title) => expect(titleOf(text)).toBe(title));
});

describe('tidy and preview', () => {
  it('collapses spaces but keeps line breaks', () => {
    expect(tidy('  a   b \n\n  c  ')).toBe('a b\nc');
  });
  it('cuts at a word boundary with an ellipsis', () => {
    expect(preview('call the landlord about the heater in the hallway', 30)).toBe('call the landlord about the…');
    expect(preview('short', 30)).toBe('short');
    expect(preview('a\nb', 30)).toBe('a b');
  });
});

describe('search terms and MATCH expressions', () => {
  it('drops the words of asking and keeps the words sought', () => {
    expect(searchTerms('what did I note about the landlord')).toEqual(['landlord']);
    expect(searchTerms('Heater, landlord & the HEATER')).toEqual(['heater', 'landlord']);
  });
  it('searches what was said when it is all question words', () => {
    expect(searchTerms('about this')).toEqual(['about', 'this']);
  });
  it('lets no FTS5 operator or quote through', () => {
    const terms = searchTerms('heater" OR NEAR(x*) NOT -landlord');
    expect(terms).toEqual(['heater', 'near', 'x', 'not', 'landlord']);
    expect(ftsMatch(terms, 'all')).toBe('"heater"* AND "near"* AND "x" AND "not"* AND "landlord"*');
  });
  it('joins with OR for the loose fallback, and has nothing for no terms', () => {
    expect(ftsMatch(['heater', 'tv'], 'any')).toBe('"heater"* OR "tv"');
    expect(ftsMatch([], 'all')).toBeUndefined();
    expect(searchTerms('?!')).toEqual([]);
  });
});

describe('calendar', () => {
  it('puts an instant on the owner\'s day', () => {
    const t = new Date('2025-03-14T23:30:00Z');
    expect(dayIn(t, 'UTC')).toBe('2025-03-14');
    expect(dayIn(t, 'Europe/Berlin')).toBe('2025-03-15');
    expect(dayIn(t, 'America/Los_Angeles')).toBe('2025-03-14');
  });
  it('knows zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
  it('moves days across months and years, and finds Monday', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(mondayOf('2025-03-16')).toBe('2025-03-10'); // Sunday
    expect(mondayOf('2025-03-10')).toBe('2025-03-10');
  });
  it('gives ranges for list periods', () => {
    expect(periodRange('today', '2025-03-14')).toEqual({ from: '2025-03-14', to: '2025-03-14' });
    expect(periodRange('yesterday', '2025-03-01')).toEqual({ from: '2025-02-28', to: '2025-02-28' });
    expect(periodRange('week', '2025-03-14')).toEqual({ from: '2025-03-10', to: '2025-03-14' });
    expect(periodRange(undefined, '2025-03-14')).toEqual({});
  });
  it('writes dates short, with the year only when it is not this year', () => {
    expect(shortDate('2025-03-14', '2025-06-01')).toBe('Mar 14');
    expect(shortDate('2024-12-31', '2025-01-02')).toBe('Dec 31, 2024');
  });
});
