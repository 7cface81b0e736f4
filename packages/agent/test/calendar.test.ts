import { describe, expect, it } from 'vitest';
import {
  addDays,
  assertTimeZone,
  dayIn,
  dayNumber,
  InvalidTimeZoneError,
  isTimeZone,
  mondayOf,
  offsetMinutes,
  shortDate,
  startOfDay,
  wallClock,
  weekdayName,
  weekdayOf,
} from '../src/index.js';

describe('calendar', () => {
  it('wallClock: a clock read again within its second is the same; the next millisecond in another second, or another zone, reads afresh', () => {
    const last = new Date('2025-03-14T22:59:59.999Z');
    const first = wallClock(new Date('2025-03-14T22:59:59.000Z'), 'Europe/Berlin');
    expect(wallClock(last, 'Europe/Berlin')).toEqual(first);
    expect(first).toMatchObject({ day: 14, hour: 23, minute: 59, second: 59 });
    // One millisecond on: another second, another day in Berlin.
    expect(wallClock(new Date(last.getTime() + 1), 'Europe/Berlin')).toEqual({ year: 2025, month: 3, day: 15, hour: 0, minute: 0, second: 0, weekday: 6 });
    // Another zone at the same instant has its own clock.
    expect(wallClock(last, 'UTC')).toMatchObject({ day: 14, hour: 22, minute: 59, second: 59 });
    // Before 1970 (negative times): the second is floored, not truncated towards zero.
    expect(wallClock(new Date(-1), 'UTC')).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59 });
    expect(wallClock(new Date(0), 'UTC')).toMatchObject({ year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
  });

  it('dayIn: the day an instant falls on in a zone, whatever zone the process runs in', () => {
    const t = new Date('2025-03-14T23:30:00Z');
    expect(dayIn(t, 'UTC')).toBe('2025-03-14');
    expect(dayIn(t, 'Europe/Berlin')).toBe('2025-03-15');
    expect(dayIn(t, 'America/Los_Angeles')).toBe('2025-03-14');
    expect(dayIn(new Date('2025-01-01T10:00:00Z'), 'Pacific/Kiritimati')).toBe('2025-01-02'); // UTC+14
    expect(dayIn(new Date('2025-01-01T10:00:00Z'), 'Pacific/Pago_Pago')).toBe('2024-12-31'); // UTC-11
    // Berlin's spring-forward night: 00:30 local is still the 30th, 01:59:59Z (03:59:59 CEST) too
    expect(dayIn(new Date('2025-03-29T23:30:00Z'), 'Europe/Berlin')).toBe('2025-03-30');
    expect(dayIn(new Date('2025-03-30T21:59:59Z'), 'Europe/Berlin')).toBe('2025-03-30');
    expect(dayIn(new Date('2025-03-30T22:00:00Z'), 'Europe/Berlin')).toBe('2025-03-31');
  });

  it('knows IANA zones and rejects others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => dayIn(new Date(0), 'Mars/Olympus')).toThrow(InvalidTimeZoneError);
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(/"Mars\/Olympus" is not a known IANA time zone/);
    expect(() => assertTimeZone('America/New_York')).not.toThrow();
  });

  it('offsetMinutes follows DST', () => {
    expect(offsetMinutes(new Date('2025-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(60);
    expect(offsetMinutes(new Date('2025-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(offsetMinutes(new Date('2025-07-15T12:00:00Z'), 'America/Los_Angeles')).toBe(-420);
    expect(offsetMinutes(new Date('2025-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(offsetMinutes(new Date('2025-07-15T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('startOfDay: local midnight as an instant, on ordinary and DST days', () => {
    expect(startOfDay('2025-03-14', 'UTC').toISOString()).toBe('2025-03-14T00:00:00.000Z');
    expect(startOfDay('2025-01-15', 'Europe/Berlin').toISOString()).toBe('2025-01-14T23:00:00.000Z');
    expect(startOfDay('2025-07-15', 'Europe/Berlin').toISOString()).toBe('2025-07-14T22:00:00.000Z');
    // the days of the changes themselves (the change is at 02:00/03:00, after midnight)
    expect(startOfDay('2025-03-30', 'Europe/Berlin').toISOString()).toBe('2025-03-29T23:00:00.000Z');
    expect(startOfDay('2025-03-31', 'Europe/Berlin').toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect(startOfDay('2025-10-26', 'Europe/Berlin').toISOString()).toBe('2025-10-25T22:00:00.000Z');
    expect(startOfDay('2025-10-27', 'Europe/Berlin').toISOString()).toBe('2025-10-26T23:00:00.000Z');
    expect(startOfDay('2025-03-09', 'America/New_York').toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(startOfDay('2025-03-10', 'America/New_York').toISOString()).toBe('2025-03-10T04:00:00.000Z');
    expect(startOfDay('2025-01-01', 'Asia/Kolkata').toISOString()).toBe('2024-12-31T18:30:00.000Z');
  });

  it('startOfDay: where DST skips midnight, the day starts at the change', () => {
    // Santiago springs forward at 00:00 (-04 -> -03): there is no 00:00 on 2024-09-08, the day starts at 01:00
    const start = startOfDay('2024-09-08', 'America/Santiago');
    expect(start.toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(dayIn(start, 'America/Santiago')).toBe('2024-09-08');
    expect(dayIn(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2024-09-07');
  });

  it('startOfDay and dayIn round-trip, and consecutive starts are 23, 24 or 25 hours apart', () => {
    for (const zone of ['Europe/Berlin', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Tokyo', 'America/Santiago']) {
      let day = '2024-12-25';
      for (let i = 0; i < 380; i++) {
        const start = startOfDay(day, zone);
        expect(dayIn(start, zone)).toBe(day);
        expect(dayIn(new Date(start.getTime() - 1), zone)).toBe(addDays(day, -1));
        const next = addDays(day, 1);
        const hours = (startOfDay(next, zone).getTime() - start.getTime()) / 3_600_000;
        expect([23, 24, 25]).toContain(hours);
        day = next;
      }
    }
  });

  it('does day arithmetic on YYYY-MM-DD', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-14', 0)).toBe('2025-03-14');
    expect(mondayOf('2025-03-16')).toBe('2025-03-10'); // Sunday
    expect(mondayOf('2025-03-10')).toBe('2025-03-10');
    expect(weekdayOf('2025-03-16')).toBe(0);
    expect(weekdayOf('2025-03-15')).toBe(6);
    expect(weekdayName('2025-03-14')).toBe('Fri');
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2025-03-15') - dayNumber('2025-03-14')).toBe(1);
  });

  it('formats a day as people write it in a chat', () => {
    expect(shortDate('2025-03-14', '2025-06-01')).toBe('Mar 14');
    expect(shortDate('2024-12-31', '2025-01-02')).toBe('Dec 31, 2024');
  });
});
