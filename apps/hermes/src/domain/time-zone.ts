/**
 * Wall-clock arithmetic in an IANA time zone, on top of Intl only. chrono-node knows offsets and
 * abbreviations but not IANA zones, and one fixed offset is wrong across a DST change, so hermes
 * reads dates as wall-clock parts and turns them into instants here.
 */

import { offsetMinutes, wallClock } from '@hive/agent';

// The zone primitives (what a clock shows at an instant, a zone's offset, zone validation) are the
// runtime's shared calendar; hermes adds what only scheduling needs: instants from wall-clock parts.
export { assertTimeZone, InvalidTimeZoneError, offsetMinutes, wallClock, type WallClock } from '@hive/agent';

/**
 * The instant a clock in `timeZone` shows these parts. A time skipped by a DST jump moves forward
 * by the jump (02:30 on the spring-forward night is 03:30); a repeated one takes the earlier instant.
 */
export function instantAt(
  parts: { year: number; month: number; day: number; hour: number; minute: number; second?: number },
  timeZone: string,
): Date {
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second ?? 0);
  // Offsets a day either side bracket any DST change near this time; at most two candidates.
  const before = asUtc - offsetMinutes(new Date(asUtc - 86_400_000), timeZone) * 60_000;
  const after = asUtc - offsetMinutes(new Date(asUtc + 86_400_000), timeZone) * 60_000;
  const shows = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return w.day === parts.day && w.hour === parts.hour && w.minute === parts.minute;
  };
  const fits = [before, after].filter(shows);
  if (fits.length > 0) return new Date(Math.min(...fits));
  // Skipped by a spring-forward jump: read with the old offset, it lands the jump's length later.
  return new Date(before);
}

/** The calendar day `days` after the given one (days may be negative), as year/month/day. */
export function addDays(day: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2025-03-15T09:00:00.000+01:00": the instant written with the zone's offset at that instant. */
export function isoWithOffset(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const off = offsetMinutes(instant, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const ms = String(instant.getUTCMilliseconds()).padStart(3, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${ms}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
