/**
 * Calendar days in the owner's time zone (HIVE_TZ): a glass of water drunk at 00:30 in Berlin counts
 * for that Berlin day, whatever zone the server runs in. Intl only, no date library.
 */

/** Thrown when a configured time zone is not one Intl knows. */
export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
  constructor(readonly timeZone: string) {
    super(`"${timeZone}" is not a known IANA time zone (e.g. "Europe/Berlin", "UTC")`);
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day `instant` falls on in `timeZone`, as YYYY-MM-DD; throws InvalidTimeZoneError. */
export function dayIn(instant: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    try {
      // en-CA formats dates as YYYY-MM-DD.
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new InvalidTimeZoneError(timeZone);
    }
    dayFormats.set(timeZone, f);
  }
  return f.format(instant);
}

/** True when Intl knows `timeZone`. */
export function isTimeZone(timeZone: string): boolean {
  try {
    dayIn(new Date(0), timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `day` moved by `n` calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The Monday of the week `day` is in (weeks run Monday to Sunday). */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A day as people write it in a chat: "Mar 14", or "Mar 14, 2024" when not in `currentYear`'s year. */
export function shortDate(day: string, today: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const label = `${MONTHS[m - 1] ?? '?'} ${d}`;
  return day.slice(0, 4) === today.slice(0, 4) ? label : `${label}, ${y}`;
}

/** Days since 1970-01-01 of a YYYY-MM-DD day: a sortable score. */
export function dayNumber(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The short weekday name of a day: "Mon". */
export function weekdayName(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] ?? '?';
}
