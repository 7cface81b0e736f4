/** Everything pulse says back, as WhatsApp text. */
import { shortDate, weekdayName } from '@hive/agent';
import { activityLabel, HABIT_KINDS, type GoalKey, type Goals, type HabitEntry, type HabitKind } from './habits.js';
import type { DayTotals, RangeSummary, Streak } from './stats.js';

const ICON: Record<HabitKind, string> = { workout: '💪', water: '💧', sleep: '😴', steps: '👣', meditation: '🧘' };

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits = 1) => Number(n.toFixed(digits)).toLocaleString('en-US');

/** Water as people say it: "750 ml" under a litre, "1.5 L" from there. */
export function formatWater(ml: number): string {
  return ml < 1000 ? `${int(ml)} ml` : `${dec(ml / 1000)} L`;
}

/** Hours as "7 h" or "6 h 30 min". */
export function formatHours(hours: number): string {
  const total = Math.round(hours * 60);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m === 0 ? `${h} h` : h === 0 ? `${m} min` : `${h} h ${m} min`;
}

/** Minutes as "45 min" or "1 h 30 min". */
export function formatMinutes(min: number): string {
  return min < 60 ? `${Math.round(min)} min` : formatHours(min / 60);
}

const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`;

function streakNote(kind: HabitKind, s: Streak): string {
  return s.days >= 2 ? ` 🔥 ${s.days}-day ${kind} streak.` : '';
}

/** What a workout was, in a few words: "run: 5 km in 30 min". */
export function describeWorkout(e: Pick<HabitEntry, 'activity' | 'distanceKm' | 'durationMin' | 'reps'>): string {
  const parts: string[] = [];
  if (e.reps !== undefined) parts.push(`${e.reps} ${activityLabel(e.activity)}`);
  else {
    const measures = [e.distanceKm !== undefined ? `${dec(e.distanceKm, 2)} km` : undefined, e.durationMin !== undefined ? formatMinutes(e.durationMin) : undefined].filter(Boolean);
    parts.push(activityLabel(e.activity) + (measures.length > 0 ? `: ${measures.join(' in ')}` : ''));
  }
  return parts.join('');
}

export interface LoggedContext {
  /** The totals of the entry's day, the entry included. */
  readonly day: DayTotals;
  readonly goals: Goals;
  readonly streak: Streak;
  /** Workouts in the last 7 days, the entry included. */
  readonly workoutsThisWeek: number;
  /** "Today" when the entry is for today, else its date. */
  readonly dayLabel: string;
}

/** The confirmation for one logged entry, with where the day stands against its goal. */
export function loggedReply(e: HabitEntry, c: LoggedContext): string {
  const When = c.dayLabel === 'today' ? 'Today' : `On ${c.dayLabel}`;
  switch (e.kind) {
    case 'water': {
      const goal = c.goals.waterMl;
      const status =
        goal === undefined
          ? `${When}: ${formatWater(c.day.waterMl)}.`
          : c.day.waterMl >= goal
            ? `${When}: ${formatWater(c.day.waterMl)} — daily goal of ${formatWater(goal)} reached 🎉`
            : `${When}: ${int(c.day.waterMl)} / ${int(goal)} ml (${pct(c.day.waterMl, goal)}), ${formatWater(goal - c.day.waterMl)} to go.`;
      return `💧 +${formatWater(e.ml ?? 0)} water. ${status}${streakNote('water', c.streak)}`;
    }
    case 'sleep': {
      const quality = e.quality ? `, slept ${e.quality === 'good' ? 'well' : e.quality === 'bad' ? 'badly' : 'OK'}` : '';
      if (e.hours === undefined) return `😴 Noted${quality ? `: you${quality.slice(1)}` : ''}.${streakNote('sleep', c.streak)}`;
      const goal = c.goals.sleepHours;
      const vs = goal === undefined ? '' : e.hours >= goal ? ` (goal ${formatHours(goal)} ✓)` : ` (goal ${formatHours(goal)}: ${formatHours(goal - e.hours)} short)`;
      return `😴 Logged ${formatHours(e.hours)} of sleep${quality}${vs}.${streakNote('sleep', c.streak)}`;
    }
    case 'steps': {
      const goal = c.goals.steps;
      const status = goal === undefined ? `${When}: ${int(c.day.steps)}.` : c.day.steps >= goal ? `${When}: ${int(c.day.steps)} — goal reached 🎉` : `${When}: ${int(c.day.steps)} / ${int(goal)}.`;
      return `👣 +${int(e.steps ?? 0)} steps. ${status}${streakNote('steps', c.streak)}`;
    }
    case 'meditation': {
      const what = e.durationMin !== undefined ? `${formatMinutes(e.durationMin)} of meditation` : 'a meditation';
      const goal = c.goals.meditationMin;
      const status = goal === undefined ? '' : c.day.meditationMin >= goal ? ` ${When}: ${formatMinutes(c.day.meditationMin)} — goal reached 🎉` : ` ${When}: ${formatMinutes(c.day.meditationMin)} of ${formatMinutes(goal)}.`;
      return `🧘 Logged ${what}.${status}${streakNote('meditation', c.streak)}`;
    }
    case 'workout': {
      const goal = c.goals.workoutsPerWeek;
      const week = `Workouts in the last 7 days: ${c.workoutsThisWeek}${goal !== undefined ? ` of ${goal}${c.workoutsThisWeek >= goal ? ' ✓' : ''}` : ''}.`;
      return `💪 Logged ${describeWorkout(e)}. ${week}${streakNote('workout', c.streak)}`;
    }
  }
}

const GOAL_TEXT: Record<GoalKey, (v: number) => string> = {
  waterMl: (v) => `💧 Daily water goal: ${formatWater(v)}.`,
  sleepHours: (v) => `😴 Sleep goal: ${formatHours(v)} a night.`,
  steps: (v) => `👣 Daily steps goal: ${int(v)}.`,
  meditationMin: (v) => `🧘 Daily meditation goal: ${formatMinutes(v)}.`,
  workoutsPerWeek: (v) => `💪 Workout goal: ${v} a week.`,
};

/** The confirmation for a new goal. */
export function goalReply(goal: GoalKey, value: number): string {
  return `🎯 ${GOAL_TEXT[goal](value)}`;
}

/** Today's totals against the goals; one habit when `kind` is given. */
export function todayReply(t: DayTotals, goals: Goals, kind?: HabitKind): string {
  const lines: Partial<Record<HabitKind, string>> = {
    water: goals.waterMl !== undefined ? `💧 Water: ${int(t.waterMl)} / ${int(goals.waterMl)} ml (${pct(t.waterMl, goals.waterMl)})` : `💧 Water: ${formatWater(t.waterMl)}`,
    sleep: t.sleepHours !== undefined ? `😴 Sleep: ${formatHours(t.sleepHours)}${goals.sleepHours !== undefined ? ` (goal ${formatHours(goals.sleepHours)})` : ''}` : '😴 Sleep: not logged',
    workout: t.workouts.length > 0 ? `💪 Workouts: ${t.workouts.map(describeWorkout).join(', ')}` : '💪 Workouts: none yet',
    steps: `👣 Steps: ${int(t.steps)}${goals.steps !== undefined ? ` / ${int(goals.steps)}` : ''}`,
    meditation: t.meditationMin > 0 ? `🧘 Meditation: ${formatMinutes(t.meditationMin)}` : '🧘 Meditation: none yet',
  };
  if (kind) {
    const line = lines[kind]!;
    if (kind === 'water' && goals.waterMl !== undefined && t.waterMl < goals.waterMl) return `${line} today, ${formatWater(goals.waterMl - t.waterMl)} to go.`;
    return `${line} today.`;
  }
  const shown = HABIT_KINDS.filter((k) => k === 'water' || k === 'sleep' || k === 'workout' || (k === 'steps' && t.steps > 0) || (k === 'meditation' && t.meditationMin > 0));
  return ['📅 Today so far:', ...shown.map((k) => lines[k]!)].join('\n');
}

/** The week (or any range) in a few lines, one per habit that was logged; one habit when `kind` is given. */
export function weekReply(s: RangeSummary, goals: Goals, streaks: Readonly<Record<HabitKind, Streak>>, today: string, kind?: HabitKind): string {
  const from = s.days[0] ?? today;
  const to = s.days[s.days.length - 1] ?? today;
  const n = s.days.length;
  const lines: Partial<Record<HabitKind, string>> = {};
  if (s.workouts.count > 0) {
    const acts = [...s.workouts.byActivity.entries()].sort((a, b) => b[1] - a[1]).map(([a, c]) => (c > 1 ? `${activityLabel(a)} ×${c}` : activityLabel(a)));
    const extra = [s.workouts.minutes > 0 ? formatMinutes(s.workouts.minutes) : undefined, s.workouts.km > 0 ? `${dec(s.workouts.km)} km` : undefined].filter(Boolean);
    const goal = goals.workoutsPerWeek !== undefined ? ` (goal ${goals.workoutsPerWeek}${s.workouts.count >= goals.workoutsPerWeek ? ' ✓' : ''})` : '';
    lines.workout = `💪 Workouts: ${s.workouts.count} on ${s.workouts.activeDays} ${s.workouts.activeDays === 1 ? 'day' : 'days'}${goal} — ${acts.join(', ')}${extra.length > 0 ? ` · ${extra.join(' · ')}` : ''}`;
  }
  if (s.water.daysLogged > 0) {
    // Averaged over the days logged: a day without an entry is a day not tracked, not a dry day.
    const days = s.water.daysLogged;
    const avg = s.water.totalMl / days;
    const met = goals.waterMl !== undefined ? [...s.perDay.values()].filter((d) => d.waterMl >= goals.waterMl!).length : undefined;
    lines.water = `💧 Water: ${formatWater(avg)} a day over ${days} ${days === 1 ? 'day' : 'days'} logged${met !== undefined ? `; goal (${formatWater(goals.waterMl!)}) met on ${met} of ${n} days` : ''}`;
  }
  if (s.sleep.nights > 0) {
    const avg = s.sleep.totalHours / s.sleep.nights;
    const range = s.sleep.nights > 1 && s.sleep.best && s.sleep.worst ? `; best ${formatHours(s.sleep.best.hours)} (${weekdayName(s.sleep.best.day)}), worst ${formatHours(s.sleep.worst.hours)} (${weekdayName(s.sleep.worst.day)})` : '';
    lines.sleep = `😴 Sleep: ${formatHours(avg)} a night over ${s.sleep.nights} ${s.sleep.nights === 1 ? 'night' : 'nights'}${goals.sleepHours !== undefined ? ` (goal ${formatHours(goals.sleepHours)})` : ''}${range}`;
  }
  if (s.steps.daysLogged > 0) lines.steps = `👣 Steps: ${int(s.steps.total)} in all, ${int(s.steps.total / s.steps.daysLogged)} a day on the ${s.steps.daysLogged} ${s.steps.daysLogged === 1 ? 'day' : 'days'} logged`;
  if (s.meditation.sessions > 0) lines.meditation = `🧘 Meditation: ${s.meditation.sessions} ${s.meditation.sessions === 1 ? 'session' : 'sessions'}${s.meditation.minutes > 0 ? `, ${formatMinutes(s.meditation.minutes)}` : ''}`;

  const head = `📊 ${kind ? `Your ${kind}` : 'Your week'}, ${shortDate(from, today)} – ${shortDate(to, today)}:`;
  const kinds = kind ? [kind] : HABIT_KINDS.filter((k) => lines[k] !== undefined);
  if (kinds.every((k) => lines[k] === undefined)) {
    return kind ? `Nothing logged for ${kind} in the last ${n} days.` : `Nothing logged in the last ${n} days. Try *ran 5k*, *drank 2 glasses of water* or *slept 7h*.`;
  }
  const alive = HABIT_KINDS.filter((k) => (kind === undefined || k === kind) && streaks[k].days >= 2).map((k) => `${k} ${streaks[k].days} days`);
  return [head, ...kinds.map((k) => lines[k]!), ...(alive.length > 0 ? [`🔥 Streaks: ${alive.join(', ')}`] : [])].join('\n');
}

/** Every habit's current streak, and its best. */
export function streaksReply(streaks: Readonly<Record<HabitKind, Streak>>, best: Readonly<Record<HabitKind, number>>): string {
  const kinds = HABIT_KINDS.filter((k) => best[k] > 0);
  if (kinds.length === 0) return 'No streaks yet: log a habit today to start one, e.g. *drank 2 glasses of water*.';
  const lines = kinds.map((k) => {
    const s = streaks[k];
    const current = s.days === 0 ? 'no streak now' : `${s.days} ${s.days === 1 ? 'day' : 'days'}${s.endsToday ? '' : ' — log today to keep it'}`;
    return `${ICON[k]} ${k}: ${current} (best ${best[k]})`;
  });
  return ['🔥 Your streaks:', ...lines].join('\n');
}

/** What pulse understands, for a message it could not read. */
export function unclearReply(hint?: HabitKind): string {
  const example: Record<HabitKind, string> = { water: 'drank 2 glasses of water', sleep: 'slept 7h', workout: 'ran 5k', steps: 'walked 8000 steps', meditation: 'meditated 10 min' };
  const first = hint ? `I could not read how much from that. Try *${example[hint]}*.\n` : '';
  return `${first}I track habits. Try: *ran 5k* · *30 min yoga* · *drank 500 ml water* · *slept 7h* · *how was my week* · *my streaks* · *water goal 2.5 l*`;
}

/** One entry in a few words: "+500 ml water", "run: 5 km", "7 h of sleep". */
export function describeEntry(e: HabitEntry): string {
  switch (e.kind) {
    case 'water':
      return `${formatWater(e.ml ?? 0)} of water`;
    case 'sleep':
      return e.hours !== undefined ? `${formatHours(e.hours)} of sleep` : 'a sleep note';
    case 'steps':
      return `${int(e.steps ?? 0)} steps`;
    case 'meditation':
      return e.durationMin !== undefined ? `${formatMinutes(e.durationMin)} of meditation` : 'a meditation';
    case 'workout':
      return describeWorkout(e);
  }
}

/** The answer to "undo": what was taken back, or that there was nothing. */
export function undoneReply(e: HabitEntry | undefined, today: string): string {
  if (!e) return 'Nothing to undo: no habit logged yet.';
  return `↩️ Took back ${describeEntry(e)} (${dayLabel(e.day, today)}).`;
}

/**
 * The habits line of herald's briefing for a day: last night's sleep, water so far, the day's
 * workouts (or yesterday's, early in the day), and the streaks worth naming. "" when there is nothing to tell.
 */
export function briefingLine(day: DayTotals, yesterday: DayTotals, goals: Goals, streaks: Readonly<Record<HabitKind, Streak>>): string {
  const parts: string[] = [];
  if (day.sleepHours !== undefined) parts.push(`slept ${formatHours(day.sleepHours)}${goals.sleepHours !== undefined && day.sleepHours < goals.sleepHours ? ` (goal ${formatHours(goals.sleepHours)})` : ''}`);
  if (day.workouts.length > 0) parts.push(day.workouts.map(describeWorkout).join(', '));
  else if (yesterday.workouts.length > 0) parts.push(`yesterday ${yesterday.workouts.map(describeWorkout).join(', ')}`);
  if (day.waterMl > 0 || goals.waterMl !== undefined) parts.push(`water ${formatWater(day.waterMl)}${goals.waterMl !== undefined ? ` / ${formatWater(goals.waterMl)}` : ''}`);
  if (day.steps > 0) parts.push(`${int(day.steps)} steps`);
  const alive = HABIT_KINDS.filter((k) => streaks[k].days >= 2).map((k) => `${k} ${streaks[k].days} days`);
  if (alive.length > 0) parts.push(`🔥 ${alive.join(', ')}`);
  const nothing = day.sleepHours === undefined && day.workouts.length === 0 && yesterday.workouts.length === 0 && day.waterMl === 0 && day.steps === 0 && alive.length === 0;
  return nothing ? '' : `Habits: ${parts.join(' · ')}`;
}

/** A day label for a reply: "today", or the date. */
export function dayLabel(day: string, today: string): string {
  return day === today ? 'today' : shortDate(day, today);
}
