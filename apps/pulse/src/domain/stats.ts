/** Streaks and totals over logged entries: pure arithmetic on days in the owner's zone. */
import { addDays } from '@hive/agent';
import type { HabitEntry } from './habits.js';

export interface Streak {
  /** Consecutive days with an entry, ending today or (if today has none yet) yesterday. */
  readonly days: number;
  /** False when today has no entry yet: the streak is alive until today ends. */
  readonly endsToday: boolean;
}

/** The streak of `days` (YYYY-MM-DD, any order, duplicates fine) as of `today`. */
export function streak(days: Iterable<string>, today: string): Streak {
  const set = new Set(days);
  const endsToday = set.has(today);
  let day = endsToday ? today : addDays(today, -1);
  let n = 0;
  while (set.has(day)) {
    n += 1;
    day = addDays(day, -1);
  }
  return { days: n, endsToday: endsToday && n > 0 };
}

/** The longest run of consecutive days in `days`. */
export function longestStreak(days: Iterable<string>): number {
  const sorted = [...new Set(days)].sort();
  let best = 0;
  let run = 0;
  let prev: string | undefined;
  for (const d of sorted) {
    run = prev !== undefined && addDays(prev, 1) === d ? run + 1 : 1;
    best = Math.max(best, run);
    prev = d;
  }
  return best;
}

/** What one day adds up to. Sleep is the night's latest entry (a correction replaces, it does not add). */
export interface DayTotals {
  readonly waterMl: number;
  readonly sleepHours?: number;
  readonly steps: number;
  readonly meditationMin: number;
  readonly workouts: readonly HabitEntry[];
}

/** Totals for the entries of one day. */
export function dayTotals(entries: readonly HabitEntry[]): DayTotals {
  let waterMl = 0;
  let steps = 0;
  let meditationMin = 0;
  let sleep: HabitEntry | undefined;
  const workouts: HabitEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'water') waterMl += e.ml ?? 0;
    else if (e.kind === 'steps') steps += e.steps ?? 0;
    else if (e.kind === 'meditation') meditationMin += e.durationMin ?? 0;
    else if (e.kind === 'workout') workouts.push(e);
    else if (e.kind === 'sleep' && e.hours !== undefined && (sleep === undefined || e.loggedAt >= sleep.loggedAt)) sleep = e;
  }
  return { waterMl, steps, meditationMin, workouts, ...(sleep?.hours !== undefined ? { sleepHours: sleep.hours } : {}) };
}

/** Entries grouped by day. */
export function byDay(entries: readonly HabitEntry[]): Map<string, HabitEntry[]> {
  const out = new Map<string, HabitEntry[]>();
  for (const e of entries) {
    const list = out.get(e.day);
    if (list) list.push(e);
    else out.set(e.day, [e]);
  }
  return out;
}

/** The days from `from` to `to`, inclusive, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

/** What a week (or any range of days) adds up to, per habit. */
export interface RangeSummary {
  readonly days: readonly string[];
  readonly perDay: ReadonlyMap<string, DayTotals>;
  readonly workouts: { readonly count: number; readonly minutes: number; readonly km: number; readonly byActivity: ReadonlyMap<string, number>; readonly activeDays: number };
  readonly water: { readonly totalMl: number; readonly daysLogged: number };
  readonly sleep: { readonly nights: number; readonly totalHours: number; readonly best?: { day: string; hours: number }; readonly worst?: { day: string; hours: number } };
  readonly steps: { readonly total: number; readonly daysLogged: number };
  readonly meditation: { readonly sessions: number; readonly minutes: number };
}

/** Summarize `entries` over the days from `from` to `to`. */
export function summarize(entries: readonly HabitEntry[], from: string, to: string): RangeSummary {
  const days = daysBetween(from, to);
  // In the order they were logged, so that lists (activities) read in the order they happened.
  const grouped = byDay(entries.filter((e) => e.day >= from && e.day <= to).sort((a, b) => a.loggedAt.localeCompare(b.loggedAt)));
  const perDay = new Map(days.map((d) => [d, dayTotals(grouped.get(d) ?? [])]));
  const byActivity = new Map<string, number>();
  let count = 0;
  let minutes = 0;
  let km = 0;
  let activeDays = 0;
  let totalMl = 0;
  let waterDays = 0;
  let nights = 0;
  let totalHours = 0;
  let best: { day: string; hours: number } | undefined;
  let worst: { day: string; hours: number } | undefined;
  let steps = 0;
  let stepDays = 0;
  let sessions = 0;
  let medMinutes = 0;
  for (const day of days) {
    const t = perDay.get(day)!;
    if (t.workouts.length > 0) activeDays += 1;
    for (const w of t.workouts) {
      count += 1;
      minutes += w.durationMin ?? 0;
      km += w.distanceKm ?? 0;
      const a = w.activity ?? 'workout';
      byActivity.set(a, (byActivity.get(a) ?? 0) + 1);
    }
    if (t.waterMl > 0) {
      totalMl += t.waterMl;
      waterDays += 1;
    }
    if (t.sleepHours !== undefined) {
      nights += 1;
      totalHours += t.sleepHours;
      if (!best || t.sleepHours > best.hours) best = { day, hours: t.sleepHours };
      if (!worst || t.sleepHours < worst.hours) worst = { day, hours: t.sleepHours };
    }
    if (t.steps > 0) {
      steps += t.steps;
      stepDays += 1;
    }
    const med = (grouped.get(day) ?? []).filter((e) => e.kind === 'meditation');
    sessions += med.length;
    medMinutes += t.meditationMin;
  }
  return {
    days,
    perDay,
    workouts: { count, minutes, km: Math.round(km * 100) / 100, byActivity, activeDays },
    water: { totalMl, daysLogged: waterDays },
    sleep: { nights, totalHours: Math.round(totalHours * 100) / 100, ...(best ? { best } : {}), ...(worst ? { worst } : {}) },
    steps: { total: steps, daysLogged: stepDays },
    meditation: { sessions, minutes: medMinutes },
  };
}
