/**
 * Calendar days in an IANA time zone (the owner's HIVE_TZ): a message at 00:30 in Berlin belongs to
 * that Berlin day, whatever zone the server runs in. Pure, Intl only, no date library; DST-correct.
 *
 * Days are plain `YYYY-MM-DD` strings: they sort, compare and serialise as they are, and the
 * arithmetic on them (addDays, mondayOf, weekdayOf) needs no zone. Only the crossings between an
 * instant and a day (dayIn, startOfDay) take one.
 */

/** Thrown when a configured time zone is not one Intl knows. */
export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
  constructor(readonly timeZone: string) {
    super(`"${timeZone}" is not a known IANA time zone (e.g. "Europe/Berlin", "UTC")`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
      });
    } catch {
      throw new InvalidTimeZoneError(timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** A calendar date and time of day as a clock on the wall in some zone shows it. */
export interface WallClock {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
}

const WEEKDAY_NUMBERS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/**
 * Per zone, the last clock read and the whole second it was read for. What a clock shows changes
 * only from one second to the next (zones change their offset on whole seconds too), and a message
 * reads the same zone's clock several times (ledger: three formatToParts, about 25 µs each).
 */
const lastRead = new Map<string, { readonly second: number; readonly clock: WallClock }>();

/** What a clock in `timeZone` shows at `instant`; throws InvalidTimeZoneError. */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastRead.get(timeZone);
  if (last?.second === second) return last.clock;
  const clock = readClock(instant, timeZone);
  lastRead.set(timeZone, { second, clock });
  return clock;
}

function readClock(instant: Date, timeZone: string): WallClock {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAY_NUMBERS[parts.weekday ?? ''] ?? 0,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function parseDay(day: string): [number, number, number] {
  return day.split('-').map(Number) as [number, number, number];
}

/** The calendar day `instant` falls on in `timeZone`, as YYYY-MM-DD; throws InvalidTimeZoneError. */
export function dayIn(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** True when Intl knows `timeZone`. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws InvalidTimeZoneError unless Intl knows `timeZone`. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** Minutes east of UTC in `timeZone` at `instant` (Berlin in winter: 60, in summer: 120). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60_000);
}

const HOUR_MS = 3_600_000;

/**
 * The first instant of `day` in `timeZone`: local midnight, or, where a DST change skips midnight
 * (clocks jump from 00:00 to 01:00), the moment of the change. Where clocks fall back across
 * midnight, the earlier of the two midnights.
 */
export function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = parseDay(day);
  const midnightUtc = Date.UTC(y, m - 1, d);
  // Every offset in force around that day; local midnight under each, where it really is midnight.
  const offsets = new Set([-24, -12, 0, 12, 24, 36].map((h) => offsetMinutes(new Date(midnightUtc + h * HOUR_MS), timeZone)));
  const candidates = [...offsets].map((off) => midnightUtc - off * 60_000).sort((a, b) => a - b);
  for (const t of candidates) if (offsetMinutes(new Date(t), timeZone) === (midnightUtc - t) / 60_000) return new Date(t);
  // Midnight never showed: the day starts at the change, the first instant whose day is `day`.
  let lo = candidates[0]! - 12 * HOUR_MS; // before: the day before
  let hi = candidates.at(-1)! + 12 * HOUR_MS; // after: `day` or later
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayIn(new Date(mid), timeZone) >= day) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** `day` moved by `n` calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The weekday of a day: 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(day: string): number {
  const [y, m, d] = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The Monday of the week `day` is in (weeks run Monday to Sunday). */
export function mondayOf(day: string): string {
  return addDays(day, -((weekdayOf(day) + 6) % 7));
}

/** Days since 1970-01-01 of a YYYY-MM-DD day: a sortable score. */
export function dayNumber(day: string): number {
  const [y, m, d] = parseDay(day);
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The short weekday name of a day: "Mon". */
export function weekdayName(day: string): string {
  return WEEKDAYS[weekdayOf(day)] ?? '?';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A day as people write it in a chat: "Mar 14", or "Mar 14, 2024" when not in `today`'s year. */
export function shortDate(day: string, today: string): string {
  const [y, m, d] = parseDay(day);
  const label = `${MONTHS[m - 1] ?? '?'} ${d}`;
  return day.slice(0, 4) === today.slice(0, 4) ? label : `${label}, ${y}`;
}
