/**
 * pulse, habits: workouts, water, sleep (and steps, meditation) logged from plain words, each day
 * measured against a goal, streaks counted in the owner's time zone, and a weekly summary. Stored
 * per chat in the bus's Redis.
 */
import { defineAgent } from '@hive/agent';
import { pulseConfig } from './config.js';
import { createHabitStore, type HabitStore } from './habit-store.js';
import { onIntentClassified } from './handlers/intent-classified.js';

export interface PulseOptions {
  /** The clock "today" is read from (streaks, summaries). @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** How long a message waits for the store to be connected before it is retried. @defaultValue 15000 */
  readonly storeTimeoutMs?: number;
}

/** A pulse definition with its own store; `pulse` below is the one the process runs. */
export function createPulse(options: PulseOptions = {}) {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.storeTimeoutMs ?? 15_000;
  let resolveStore: (s: HabitStore) => void = () => undefined;
  const ready = new Promise<HabitStore>((r) => (resolveStore = r));
  // Consumer groups start before `start` runs; an early message waits for the store, then retries.
  const store = () => Promise.race([ready, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('pulse store is not ready yet')), timeoutMs).unref())]);

  return defineAgent({
    name: 'pulse',
    version: '0.1.0',
    description: 'Habits: workouts, water and sleep, with daily goals, streaks and a weekly summary.',
    skills: [
      { name: 'log a workout', description: 'Logs a workout with its distance or time', examples: ['ran 5k', '30 min yoga', 'gym', 'did 20 pushups'] },
      { name: 'log water', description: 'Adds water to the day and shows it against the daily goal (2 L unless you set one)', examples: ['drank 2 glasses of water', '500 ml water'] },
      { name: 'log sleep', description: 'Logs last night\'s sleep against your sleep goal', examples: ['slept 7h', 'slept 6.5 hours'] },
      { name: 'streaks', description: 'Consecutive days per habit, and your best', examples: ['my streaks'] },
      { name: 'summaries', description: 'Today so far, or the last 7 days per habit', examples: ['how was my week', 'weekly summary', 'how much water today'] },
      { name: 'goals', description: 'Sets a daily goal for water, sleep or steps, or workouts per week', examples: ['water goal 2.5 l', 'sleep goal 8 hours', 'steps goal 8000'] },
    ],
    config: pulseConfig,
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { store, now }) },
    },
    writes: ['habit.logged', 'wa.outbound'],
    start(ctx) {
      resolveStore(createHabitStore(ctx.bus.driver, ctx.bus.keys.prefix));
    },
  });
}

/** The pulse the process runs. */
export const pulse = createPulse();
