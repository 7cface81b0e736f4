/**
 * Calendar days in the owner's time zone (HIVE_TZ), for the dates drafts show. Intl only, no date library.
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A day as people write it in a chat: "Mar 14", or "Mar 14, 2024" when not in `currentYear`'s year. */
export function shortDate(day: string, today: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const label = `${MONTHS[m - 1] ?? '?'} ${d}`;
  return day.slice(0, 4) === today.slice(0, 4) ? label : `${label}, ${y}`;
}
