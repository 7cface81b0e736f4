import { describe, expect, it } from 'vitest';
import { describeRecurrence, nextOccurrence, ordinal, repeatRule, type Recurrence } from '../src/domain/recurrence.js';

const tz = 'Europe/Berlin';
// Friday 14 March 2025, 11:00 in Berlin.
const now = new Date('2025-03-14T10:00:00.000Z');

const rows: [Recurrence, string, object, string][] = [
  [{ kind: 'weekly', weekdays: [1], hour: 8, minute: 0 }, 'every Monday at 08:00', { pattern: '0 8 * * 1', tz }, '2025-03-17T07:00:00.000Z'],
  [{ kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour: 7, minute: 0 }, 'every day at 07:00', { pattern: '0 7 * * *', tz }, '2025-03-15T06:00:00.000Z'],
  [{ kind: 'weekly', weekdays: [5, 1, 3], hour: 19, minute: 0 }, 'every Monday, Wednesday and Friday at 19:00', { pattern: '0 19 * * 1,3,5', tz }, '2025-03-14T18:00:00.000Z'],
  [{ kind: 'weekly', weekdays: [1, 2, 3, 4, 5], hour: 8, minute: 30 }, 'every weekday at 08:30', { pattern: '30 8 * * 1,2,3,4,5', tz }, '2025-03-17T07:30:00.000Z'],
  [{ kind: 'weekly', weekdays: [0, 6], hour: 10, minute: 0 }, 'every weekend day at 10:00', { pattern: '0 10 * * 0,6', tz }, '2025-03-15T09:00:00.000Z'],
  [{ kind: 'weekly', weekdays: [0, 3], hour: 10, minute: 0 }, 'every Wednesday and Sunday at 10:00', { pattern: '0 10 * * 0,3', tz }, '2025-03-16T09:00:00.000Z'],
  // Next 1 April is on summer time.
  [{ kind: 'monthly', dayOfMonth: 1, hour: 9, minute: 0 }, 'every month on the 1st at 09:00', { pattern: '0 9 1 * *', tz }, '2025-04-01T07:00:00.000Z'],
  // No 31st in April: the next is 31 May... but March has one, still ahead.
  [{ kind: 'monthly', dayOfMonth: 31, hour: 9, minute: 0 }, 'every month on the 31st at 09:00', { pattern: '0 9 31 * *', tz }, '2025-03-31T07:00:00.000Z'],
  [{ kind: 'interval', everyMinutes: 30 }, 'every 30 minutes', { pattern: '*/30 * * * *', tz }, '2025-03-14T10:30:00.000Z'],
  [{ kind: 'interval', everyMinutes: 60 }, 'every hour', { pattern: '0 * * * *', tz }, '2025-03-14T11:00:00.000Z'],
  [{ kind: 'interval', everyMinutes: 180 }, 'every 3 hours', { pattern: '0 */3 * * *', tz }, '2025-03-14T11:00:00.000Z'],
  [{ kind: 'interval', everyMinutes: 45 }, 'every 45 minutes', { every: 2_700_000 }, '2025-03-14T10:30:00.000Z'],
];

describe('recurrence', () => {
  it.each(rows)('%o', (r, words, rule, next) => {
    expect(describeRecurrence(r)).toBe(words);
    expect(repeatRule(r, tz)).toEqual(rule);
    expect(nextOccurrence(r, now, tz).toISOString()).toBe(next);
  });

  it('skips months without the day', () => {
    const r: Recurrence = { kind: 'monthly', dayOfMonth: 31, hour: 9, minute: 0 };
    expect(nextOccurrence(r, new Date('2025-03-31T08:00:00Z'), tz).toISOString()).toBe('2025-05-31T07:00:00.000Z');
  });

  it('keeps the wall-clock time across DST', () => {
    const r: Recurrence = { kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour: 7, minute: 0 };
    const sat = nextOccurrence(r, new Date('2025-03-29T06:30:00Z'), tz);
    expect(sat.toISOString()).toBe('2025-03-30T05:00:00.000Z');
  });

  it.each([[1, '1st'], [2, '2nd'], [3, '3rd'], [4, '4th'], [11, '11th'], [12, '12th'], [13, '13th'], [21, '21st'], [22, '22nd'], [31, '31st']])('ordinal %i', (n, s) => {
    expect(ordinal(n)).toBe(s);
  });
});
