import { describe, expect, it } from 'vitest';
import { assertTimeZone, instantAt, InvalidTimeZoneError, isoWithOffset, offsetMinutes, wallClock } from '../src/domain/time-zone.js';

describe('time-zone', () => {
  it('reads the wall clock in a zone', () => {
    expect(wallClock(new Date('2025-03-14T23:30:00Z'), 'Asia/Tokyo')).toEqual({ year: 2025, month: 3, day: 15, hour: 8, minute: 30, second: 0, weekday: 6 });
  });

  it.each([
    ['Europe/Berlin', '2025-01-15T12:00:00Z', 60],
    ['Europe/Berlin', '2025-07-15T12:00:00Z', 120],
    ['America/New_York', '2025-01-15T12:00:00Z', -300],
    ['Asia/Kolkata', '2025-01-15T12:00:00Z', 330],
    ['UTC', '2025-01-15T12:00:00Z', 0],
  ])('offset of %s at %s is %i minutes', (tz, at, expected) => {
    expect(offsetMinutes(new Date(at), tz)).toBe(expected);
  });

  it.each([
    // plain winter and summer days
    [{ year: 2025, month: 1, day: 15, hour: 9, minute: 0 }, '2025-01-15T08:00:00.000Z'],
    [{ year: 2025, month: 7, day: 15, hour: 9, minute: 0 }, '2025-07-15T07:00:00.000Z'],
    // 02:30 does not exist on 30 March 2025 in Berlin: it lands an hour later, at 03:30 CEST
    [{ year: 2025, month: 3, day: 30, hour: 2, minute: 30 }, '2025-03-30T01:30:00.000Z'],
    // 02:30 happens twice on 26 October 2025: the first one (CEST) is taken
    [{ year: 2025, month: 10, day: 26, hour: 2, minute: 30 }, '2025-10-26T00:30:00.000Z'],
  ])('instantAt %o in Berlin', (parts, expected) => {
    expect(instantAt(parts, 'Europe/Berlin').toISOString()).toBe(expected);
  });

  it('writes an instant with its offset', () => {
    expect(isoWithOffset(new Date('2025-03-15T08:00:00.000Z'), 'Europe/Berlin')).toBe('2025-03-15T09:00:00.000+01:00');
    expect(isoWithOffset(new Date('2025-03-15T08:00:00.000Z'), 'America/New_York')).toBe('2025-03-15T04:00:00.000-04:00');
  });

  it('names an unknown zone', () => {
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(InvalidTimeZoneError);
    expect(() => assertTimeZone('Europe/Berlin')).not.toThrow();
  });
});
