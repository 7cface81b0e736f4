/** Which calendar day a moment falls on for the owner: "today" is decided in HIVE_TZ, not in UTC. */

/** Thrown when a configured time zone is not one Intl knows. */
export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
  constructor(readonly timeZone: string) {
    super(`"${timeZone}" is not a known IANA time zone (e.g. "Europe/Berlin", "UTC")`);
  }
}

/** Throw InvalidTimeZoneError unless `timeZone` is an IANA zone Intl accepts. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new InvalidTimeZoneError(timeZone);
  }
}

/** The day (YYYY-MM-DD) that `at` falls on in `timeZone`. */
export function dayIn(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The calendar day before `day` (YYYY-MM-DD). */
export function previousDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The time of day (HH:MM, 24 h) that `at` shows on a clock in `timeZone`. */
export function timeIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}
