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

import { addDays, dayNumber } from '@hive/agent';

// Days in a zone and day numbers are the runtime's shared calendar; ledger adds its named periods.
export { dayIn, dayNumber, InvalidTimeZoneError } from '@hive/agent';

/** The YYYY-MM-DD day of a day number. */
export function dayOf(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** The day `days` after `day` (negative for before). */
export const shiftDay: (day: string, days: number) => string = addDays;

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
