/**
 * Calendar days and periods in the owner's time zone. An expense belongs to the day it was spent on
 * there, and "this week" runs Monday to Sunday there, whatever the server's clock zone.
 */

export type PeriodName = 'today' | 'yesterday' | 'this week' | 'last week' | 'this month' | 'last month' | 'this year';

/** An inclusive range of calendar days, as YYYY-MM-DD. */
export interface Period {
  readonly name: PeriodName;
  readonly from: string;
  readonly to: string;
}

/** Thrown when a configured time zone is not one Intl knows. */
export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
  constructor(readonly timeZone: string) {
    super(`"${timeZone}" is not a known IANA time zone (e.g. "Europe/Berlin", "UTC")`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day `instant` falls on in `timeZone`, as YYYY-MM-DD. Throws InvalidTimeZoneError. */
export function dayIn(instant: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      // en-CA formats dates as YYYY-MM-DD.
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new InvalidTimeZoneError(timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f.format(instant);
}

/** Days since 1970-01-01 of a YYYY-MM-DD day: a sortable score. */
export function dayNumber(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** The YYYY-MM-DD day of a day number. */
export function dayOf(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** The day `days` after `day` (negative for before). */
export function shiftDay(day: string, days: number): string {
  return dayOf(dayNumber(day) + days);
}

/** The month a day is in, as YYYY-MM (budgets are per month). */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

function monthBounds(year: number, month: number): { from: string; to: string } {
  const first = Date.UTC(year, month - 1, 1);
  const last = Date.UTC(year, month, 0);
  return { from: new Date(first).toISOString().slice(0, 10), to: new Date(last).toISOString().slice(0, 10) };
}

/** The days a named period covers, seen from `today`. Weeks start on Monday. */
export function periodRange(name: PeriodName, today: string): Period {
  const n = dayNumber(today);
  const weekday = (new Date(n * 86_400_000).getUTCDay() + 6) % 7; // Monday = 0
  const [y, m] = today.split('-').map(Number) as [number, number];
  switch (name) {
    case 'today':
      return { name, from: today, to: today };
    case 'yesterday':
      return { name, from: dayOf(n - 1), to: dayOf(n - 1) };
    case 'this week':
      return { name, from: dayOf(n - weekday), to: dayOf(n - weekday + 6) };
    case 'last week':
      return { name, from: dayOf(n - weekday - 7), to: dayOf(n - weekday - 1) };
    case 'this month':
      return { name, ...monthBounds(y, m) };
    case 'last month':
      return { name, ...(m === 1 ? monthBounds(y - 1, 12) : monthBounds(y, m - 1)) };
    case 'this year':
      return { name, from: `${y}-01-01`, to: `${y}-12-31` };
  }
}

/** How replies name a period: "today", "this week (10–16 Mar)". */
export function describePeriod(p: Period): string {
  if (p.from === p.to) return p.name;
  const fmt = (d: string) => {
    const [, m, day] = d.split('-').map(Number) as [number, number, number];
    return `${day} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]}`;
  };
  return `${p.name} (${fmt(p.from)}–${fmt(p.to)})`;
}
