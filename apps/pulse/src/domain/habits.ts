/**
 * The habits pulse tracks and how each is measured. Five kinds; the contract's `habit` field has
 * four (workout, water, sleep, other), so steps and meditation travel as "other" with their name.
 */

export const HABIT_KINDS = ['workout', 'water', 'sleep', 'steps', 'meditation'] as const;
export type HabitKind = (typeof HABIT_KINDS)[number];

/** The contract's habit for a kind. */
export function contractHabit(kind: HabitKind): 'workout' | 'water' | 'sleep' | 'other' {
  return kind === 'steps' || kind === 'meditation' ? 'other' : kind;
}

/** One logged habit, as stored and as summaries read it. */
export interface HabitEntry {
  readonly logId: string;
  readonly kind: HabitKind;
  /** The activity for a workout ("run", "yoga", "pushups"). */
  readonly activity?: string;
  readonly ml?: number;
  readonly hours?: number;
  readonly quality?: 'good' | 'ok' | 'bad';
  readonly durationMin?: number;
  readonly distanceKm?: number;
  readonly steps?: number;
  readonly reps?: number;
  /** The owner's calendar day (HIVE_TZ) the entry counts for. */
  readonly day: string;
  readonly loggedAt: string;
}

/** What a log command carries before it becomes an entry (no id, no day yet). */
export type HabitLog = Omit<HabitEntry, 'logId' | 'day' | 'loggedAt'>;

/** The one quantity the contract carries for an entry, with its unit. */
export function mainQuantity(e: HabitLog): { quantity: number; unit: string } | undefined {
  switch (e.kind) {
    case 'water':
      return e.ml === undefined ? undefined : { quantity: e.ml, unit: 'ml' };
    case 'sleep':
      return e.hours === undefined ? undefined : { quantity: e.hours, unit: 'h' };
    case 'steps':
      return e.steps === undefined ? undefined : { quantity: e.steps, unit: 'steps' };
    case 'meditation':
      return e.durationMin === undefined ? undefined : { quantity: e.durationMin, unit: 'min' };
    case 'workout':
      if (e.distanceKm !== undefined) return { quantity: e.distanceKm, unit: 'km' };
      if (e.durationMin !== undefined) return { quantity: e.durationMin, unit: 'min' };
      if (e.reps !== undefined) return { quantity: e.reps, unit: 'reps' };
      return undefined;
  }
}

/** Daily goals (workouts: per week). Missing means no goal. */
export interface Goals {
  readonly waterMl?: number;
  readonly sleepHours?: number;
  readonly steps?: number;
  readonly meditationMin?: number;
  readonly workoutsPerWeek?: number;
}

export type GoalKey = keyof Goals;

const ACTIVITY_LABEL: Record<string, string> = {
  strength: 'strength training',
  cycle: 'ride',
  workout: 'workout',
  stretch: 'stretching',
  pushups: 'push-ups',
  situps: 'sit-ups',
  pullups: 'pull-ups',
  chinups: 'chin-ups',
  jumpingjacks: 'jumping jacks',
};

/** How an activity reads in a reply: "strength" → "strength training". */
export function activityLabel(activity: string | undefined): string {
  if (activity === undefined || activity === '') return 'workout';
  return ACTIVITY_LABEL[activity] ?? activity;
}
