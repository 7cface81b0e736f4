import { describe, expect, it } from 'vitest';
import { dayIn, dayNumber, dayOf, describePeriod, InvalidTimeZoneError, periodRange, shiftDay, type PeriodName } from '../src/domain/periods.js';

describe('periods', () => {
  it('reads the day in the owner\'s zone', () => {
    const lateUtc = new Date('2025-03-14T23:30:00Z');
    expect(dayIn(lateUtc, 'UTC')).toBe('2025-03-14');
    expect(dayIn(lateUtc, 'Europe/Berlin')).toBe('2025-03-15');
    expect(dayIn(lateUtc, 'America/Los_Angeles')).toBe('2025-03-14');
    expect(() => dayIn(lateUtc, 'Nowhere/Land')).toThrow(InvalidTimeZoneError);
  });

  it('numbers days for sorted sets and back', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayOf(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(shiftDay('2025-03-01', -1)).toBe('2025-02-28');
    expect(shiftDay('2024-12-31', 1)).toBe('2025-01-01');
  });

  // Friday 14 March 2025.
  it.each<[PeriodName, string, string]>([
    ['today', '2025-03-14', '2025-03-14'],
    ['yesterday', '2025-03-13', '2025-03-13'],
    ['this week', '2025-03-10', '2025-03-16'],
    ['last week', '2025-03-03', '2025-03-09'],
    ['this month', '2025-03-01', '2025-03-31'],
    ['last month', '2025-02-01', '2025-02-28'],
    ['this year', '2025-01-01', '2025-12-31'],
  ])('%s', (name, from, to) => {
    expect(periodRange(name, '2025-03-14')).toEqual({ name, from, to });
  });

  it('handles the edges: a Sunday, January, a leap February', () => {
    expect(periodRange('this week', '2025-03-16')).toMatchObject({ from: '2025-03-10', to: '2025-03-16' });
    expect(periodRange('this week', '2025-03-17')).toMatchObject({ from: '2025-03-17', to: '2025-03-23' });
    expect(periodRange('last month', '2025-01-10')).toMatchObject({ from: '2024-12-01', to: '2024-12-31' });
    expect(periodRange('this month', '2024-02-10')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
  });

  it('describes a period', () => {
    expect(describePeriod(periodRange('this week', '2025-03-14'))).toBe('this week (10 Mar–16 Mar)');
    expect(describePeriod(periodRange('today', '2025-03-14'))).toBe('today');
  });
});
