/** Streaks, day totals and the weekly summary's arithmetic; the replies built from them. */
import { describe, expect, it } from 'vitest';
import { dayIn } from '@hive/agent';
import type { HabitEntry, HabitKind } from '../src/domain/habits.js';
import { formatHours, formatWater, loggedReply, streaksReply, todayReply, weekReply } from '../src/domain/replies.js';
import { dayTotals, longestStreak, streak, summarize, type Streak } from '../src/domain/stats.js';

let n = 0;
const e = (day: string, fields: Partial<HabitEntry> & { kind: HabitKind }, loggedAt = `${day}T08:00:00.000Z`): HabitEntry => ({ logId: `l${++n}`, day, loggedAt, ...fields });

describe('streak', () => {
  it('counts back from today', () => {
    expect(streak(['2025-03-14', '2025-03-13', '2025-03-12', '2025-03-10'], '2025-03-14')).toEqual({ days: 3, endsToday: true });
  });
  it('stays alive through today until today ends', () => {
    expect(streak(['2025-03-13', '2025-03-12'], '2025-03-14')).toEqual({ days: 2, endsToday: false });
  });
  it('is broken by a missed day', () => {
    expect(streak(['2025-03-12', '2025-03-11'], '2025-03-14')).toEqual({ days: 0, endsToday: false });
    expect(streak([], '2025-03-14')).toEqual({ days: 0, endsToday: false });
  });
  it('runs across a month and a year end, and ignores duplicates', () => {
    expect(streak(['2025-01-01', '2024-12-31', '2024-12-31', '2024-12-30'], '2025-01-01').days).toBe(3);
  });
  it('follows the owner\'s zone: late evening in Los Angeles is the next day in UTC', () => {
    // Logged at 05:30 UTC on the 14th and 15th: evenings of the 13th and 14th in Los Angeles.
    const days = ['2025-03-14T05:30:00Z', '2025-03-15T05:30:00Z'].map((t) => dayIn(new Date(t), 'America/Los_Angeles'));
    expect(days).toEqual(['2025-03-13', '2025-03-14']);
    expect(streak(days, dayIn(new Date('2025-03-15T06:00:00Z'), 'America/Los_Angeles'))).toEqual({ days: 2, endsToday: true });
    // Early on the 16th UTC it is still the 15th in Los Angeles: the streak is alive there, broken in UTC.
    expect(streak(days, dayIn(new Date('2025-03-16T06:00:00Z'), 'America/Los_Angeles'))).toEqual({ days: 2, endsToday: false });
    expect(streak(days, dayIn(new Date('2025-03-16T06:00:00Z'), 'UTC')).days).toBe(0);
  });
  it('finds the longest run', () => {
    expect(longestStreak(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-05', '2025-03-06'])).toBe(3);
    expect(longestStreak([])).toBe(0);
  });
});

describe('dayTotals', () => {
  it('adds water and steps, keeps the latest sleep, lists workouts', () => {
    const t = dayTotals([
      e('2025-03-14', { kind: 'water', ml: 500 }),
      e('2025-03-14', { kind: 'water', ml: 250 }),
      e('2025-03-14', { kind: 'sleep', hours: 6 }, '2025-03-14T07:00:00.000Z'),
      e('2025-03-14', { kind: 'sleep', hours: 7.5 }, '2025-03-14T09:00:00.000Z'),
      e('2025-03-14', { kind: 'sleep', quality: 'good' }, '2025-03-14T10:00:00.000Z'),
      e('2025-03-14', { kind: 'steps', steps: 4000 }),
      e('2025-03-14', { kind: 'steps', steps: 2000 }),
      e('2025-03-14', { kind: 'workout', activity: 'run', distanceKm: 5 }),
      e('2025-03-14', { kind: 'meditation', durationMin: 10 }),
    ]);
    expect(t).toMatchObject({ waterMl: 750, sleepHours: 7.5, steps: 6000, meditationMin: 10 });
    expect(t.workouts.map((w) => w.activity)).toEqual(['run']);
  });
});

const none: Streak = { days: 0, endsToday: false };
const streaks = (over: Partial<Record<HabitKind, Streak>> = {}): Record<HabitKind, Streak> => ({ workout: none, water: none, sleep: none, steps: none, meditation: none, ...over });
const goals = { waterMl: 2000, sleepHours: 8, steps: 10000 };

describe('the weekly summary', () => {
  const entries = [
    e('2025-03-08', { kind: 'workout', activity: 'run', distanceKm: 5, durationMin: 30 }),
    e('2025-03-10', { kind: 'workout', activity: 'run', distanceKm: 10, durationMin: 60 }),
    e('2025-03-10', { kind: 'workout', activity: 'yoga', durationMin: 30 }),
    e('2025-03-12', { kind: 'water', ml: 2500 }),
    e('2025-03-13', { kind: 'water', ml: 1000 }),
    e('2025-03-13', { kind: 'sleep', hours: 8.5 }),
    e('2025-03-14', { kind: 'sleep', hours: 6 }),
    e('2025-03-07', { kind: 'workout', activity: 'swim', durationMin: 45 }), // before the week
  ];

  it('adds up each habit over the 7 days', () => {
    const s = summarize(entries, '2025-03-08', '2025-03-14');
    expect(s.days).toHaveLength(7);
    expect(s.workouts).toMatchObject({ count: 3, minutes: 120, km: 15, activeDays: 2 });
    expect([...s.workouts.byActivity]).toEqual([['run', 2], ['yoga', 1]]);
    expect(s.water).toEqual({ totalMl: 3500, daysLogged: 2 });
    expect(s.sleep).toMatchObject({ nights: 2, totalHours: 14.5, best: { day: '2025-03-13', hours: 8.5 }, worst: { day: '2025-03-14', hours: 6 } });
  });

  it('reads as one line per habit, with the streaks', () => {
    const text = weekReply(summarize(entries, '2025-03-08', '2025-03-14'), goals, streaks({ sleep: { days: 2, endsToday: true } }), '2025-03-14');
    expect(text).toBe(
      [
        '📊 Your week, Mar 8 – Mar 14:',
        '💪 Workouts: 3 on 2 days — run ×2, yoga · 2 h · 15 km',
        '💧 Water: 1.8 L a day over 2 days logged; goal (2 L) met on 1 of 7 days',
        '😴 Sleep: 7 h 15 min a night over 2 nights (goal 8 h); best 8 h 30 min (Thu), worst 6 h (Fri)',
        '🔥 Streaks: sleep 2 days',
      ].join('\n'),
    );
  });

  it('narrows to one habit, and says when nothing was logged', () => {
    const s = summarize(entries, '2025-03-08', '2025-03-14');
    expect(weekReply(s, goals, streaks(), '2025-03-14', 'sleep').split('\n')).toHaveLength(2);
    expect(weekReply(s, goals, streaks(), '2025-03-14', 'steps')).toBe('Nothing logged for steps in the last 7 days.');
    expect(weekReply(summarize([], '2025-03-08', '2025-03-14'), goals, streaks(), '2025-03-14')).toContain('Nothing logged in the last 7 days');
  });
});

describe('replies', () => {
  const ctx = { goals, streak: none, workoutsThisWeek: 0, dayLabel: 'today' };
  it('shows water against the goal, and the goal reached', () => {
    expect(loggedReply(e('2025-03-14', { kind: 'water', ml: 500 }), { ...ctx, day: dayTotals([e('2025-03-14', { kind: 'water', ml: 1250 })]) })).toBe(
      '💧 +500 ml water. Today: 1,250 / 2,000 ml (63%), 750 ml to go.',
    );
    expect(loggedReply(e('2025-03-14', { kind: 'water', ml: 500 }), { ...ctx, day: dayTotals([e('2025-03-14', { kind: 'water', ml: 2250 })]), streak: { days: 5, endsToday: true } })).toBe(
      '💧 +500 ml water. Today: 2.3 L — daily goal of 2 L reached 🎉 🔥 5-day water streak.',
    );
  });
  it('shows sleep against the goal', () => {
    const day = dayTotals([]);
    expect(loggedReply(e('2025-03-14', { kind: 'sleep', hours: 6.5 }), { ...ctx, day })).toBe('😴 Logged 6 h 30 min of sleep (goal 8 h: 1 h 30 min short).');
    expect(loggedReply(e('2025-03-14', { kind: 'sleep', hours: 8, quality: 'good' }), { ...ctx, day })).toBe('😴 Logged 8 h of sleep, slept well (goal 8 h ✓).');
    expect(loggedReply(e('2025-03-14', { kind: 'sleep', quality: 'bad' }), { ...ctx, day })).toBe('😴 Noted: you slept badly.');
  });
  it('describes workouts and counts the week', () => {
    const day = dayTotals([]);
    expect(loggedReply(e('2025-03-14', { kind: 'workout', activity: 'run', distanceKm: 5, durationMin: 28 }), { ...ctx, day, workoutsThisWeek: 3, streak: { days: 2, endsToday: true } })).toBe(
      '💪 Logged run: 5 km in 28 min. Workouts in the last 7 days: 3. 🔥 2-day workout streak.',
    );
    expect(loggedReply(e('2025-03-14', { kind: 'workout', activity: 'strength' }), { ...ctx, day, workoutsThisWeek: 4, goals: { workoutsPerWeek: 4 } })).toBe(
      '💪 Logged strength training. Workouts in the last 7 days: 4 of 4 ✓.',
    );
    expect(loggedReply(e('2025-03-13', { kind: 'workout', activity: 'pushups', reps: 20 }), { ...ctx, day, workoutsThisWeek: 1, dayLabel: 'Mar 13' })).toBe(
      '💪 Logged 20 push-ups. Workouts in the last 7 days: 1.',
    );
  });
  it('answers "how much water today" with what is left', () => {
    expect(todayReply(dayTotals([e('2025-03-14', { kind: 'water', ml: 750 })]), goals, 'water')).toBe('💧 Water: 750 / 2,000 ml (38%) today, 1.3 L to go.');
  });
  it('lists streaks with the best, and says how to keep one alive', () => {
    const text = streaksReply(streaks({ workout: { days: 4, endsToday: true }, water: { days: 2, endsToday: false } }), { workout: 9, water: 2, sleep: 1, steps: 0, meditation: 0 });
    expect(text).toBe(['🔥 Your streaks:', '💪 workout: 4 days (best 9)', '💧 water: 2 days — log today to keep it (best 2)', '😴 sleep: no streak now (best 1)'].join('\n'));
  });
  it('formats water and hours as people say them', () => {
    expect([formatWater(250), formatWater(1000), formatWater(1550)]).toEqual(['250 ml', '1 L', '1.6 L']);
    expect([formatHours(7), formatHours(0.5), formatHours(7.25)]).toEqual(['7 h', '30 min', '7 h 15 min']);
  });
});
