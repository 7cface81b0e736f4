/**
 * Recurring schedules as hermes understands them: some weekdays at a time of day, a day of the
 * month at a time of day, or a fixed interval. Each becomes a BullMQ job scheduler (a cron pattern
 * with the owner's time zone, or `every` milliseconds), and each can say when it next fires.
 */
import { addDays, instantAt, wallClock } from './time-zone.js';

export type Recurrence =
  /** On these weekdays (0 = Sunday) at hour:minute; all seven is "every day". */
  | { readonly kind: 'weekly'; readonly weekdays: readonly number[]; readonly hour: number; readonly minute: number }
  /** On this day of the month at hour:minute; months without that day are skipped. */
  | { readonly kind: 'monthly'; readonly dayOfMonth: number; readonly hour: number; readonly minute: number }
  /** Every so many minutes. */
  | { readonly kind: 'interval'; readonly everyMinutes: number };

/** How BullMQ repeats a job: a cron pattern read in a time zone, or a fixed interval. */
export type RepeatRule = { readonly pattern: string; readonly tz: string } | { readonly every: number };

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** "08:30". */
export function clockTime(hour: number, minute: number): string {
  return `${pad(hour)}:${pad(minute)}`;
}

/** "1st", "2nd", "23rd", "11th". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function sortedDays(days: readonly number[]): number[] {
  return [...new Set(days)].sort((a, b) => a - b);
}

/** The recurrence in words, the way replies and the list show it: "every Monday at 08:00". */
export function describeRecurrence(r: Recurrence): string {
  if (r.kind === 'interval') {
    const m = r.everyMinutes;
    if (m % 60 === 0) return m === 60 ? 'every hour' : `every ${m / 60} hours`;
    return m === 1 ? 'every minute' : `every ${m} minutes`;
  }
  const at = `at ${clockTime(r.hour, r.minute)}`;
  if (r.kind === 'monthly') return `every month on the ${ordinal(r.dayOfMonth)} ${at}`;
  const days = sortedDays(r.weekdays);
  const key = days.join(',');
  if (key === '0,1,2,3,4,5,6') return `every day ${at}`;
  if (key === '1,2,3,4,5') return `every weekday ${at}`;
  if (key === '0,6') return `every weekend day ${at}`;
  // Monday first reads naturally: "every Monday, Wednesday and Sunday".
  const names = [...days.filter((d) => d !== 0), ...days.filter((d) => d === 0)].map((d) => WEEKDAY_NAMES[d]!);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `every ${list} ${at}`;
}

/** The BullMQ repeat options for a recurrence in a time zone. */
export function repeatRule(r: Recurrence, timeZone: string): RepeatRule {
  switch (r.kind) {
    case 'interval':
      // Whole divisors of an hour or a day read as cron so that they land on round clock times.
      if (r.everyMinutes < 60 && 60 % r.everyMinutes === 0) return { pattern: `*/${r.everyMinutes} * * * *`, tz: timeZone };
      if (r.everyMinutes % 60 === 0 && 24 % (r.everyMinutes / 60) === 0) {
        const h = r.everyMinutes / 60;
        return { pattern: h === 1 ? '0 * * * *' : `0 */${h} * * *`, tz: timeZone };
      }
      return { every: r.everyMinutes * 60_000 };
    case 'monthly':
      return { pattern: `${r.minute} ${r.hour} ${r.dayOfMonth} * *`, tz: timeZone };
    case 'weekly': {
      const days = sortedDays(r.weekdays);
      return { pattern: `${r.minute} ${r.hour} * * ${days.length === 7 ? '*' : days.join(',')}`, tz: timeZone };
    }
  }
}

/** The first time the recurrence fires strictly after `after`, in `timeZone`. */
export function nextOccurrence(r: Recurrence, after: Date, timeZone: string): Date {
  if (r.kind === 'interval') {
    const rule = repeatRule(r, timeZone);
    const step = r.everyMinutes * 60_000;
    if ('every' in rule) return new Date(Math.floor(after.getTime() / step) * step + step);
    // Cron "*/n": the next round multiple of n minutes (or hours) on the wall clock.
    let t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
    for (let i = 0; i < 24 * 60 + 1; i++, t = new Date(t.getTime() + 60_000)) {
      const w = wallClock(t, timeZone);
      const minuteOfDay = w.hour * 60 + w.minute;
      if (minuteOfDay % r.everyMinutes === 0) return t;
    }
    return t;
  }
  const today = wallClock(after, timeZone);
  // A monthly rule on the 31st can wait up to two months; 400 days covers every case.
  for (let i = 0; i <= 400; i++) {
    const d = addDays(today, i);
    const matches = r.kind === 'weekly' ? r.weekdays.includes(d.weekday) : d.day === r.dayOfMonth;
    if (!matches) continue;
    const at = instantAt({ ...d, hour: r.hour, minute: r.minute }, timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`recurrence ${describeRecurrence(r)} never fires`);
}
