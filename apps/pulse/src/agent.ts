/**
 * pulse, habits: workouts, water, sleep (and steps, meditation) logged from plain words, each day
 * measured against a goal, streaks counted in the owner's time zone, and a weekly summary. Stored
 * per chat in the bus's Redis. Answers herald's summary requests on agent.requests.
 */
import { defineAgent, setupValue } from '@hive/agent';
import { createHabitStore, type HabitStore } from './habit-store.js';
import { pulseConfig } from './config.js';
import { onIntentClassified } from './handlers/intent-classified.js';
import { onSummaryRequest } from './handlers/summary-request.js';

export interface PulseOptions {
  /** The clock "today" is read from (streaks, summaries). @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** A pulse definition with its own clock; `pulse` below is the one the process runs. */
export function createPulse(options: PulseOptions = {}) {
  const now = options.now ?? (() => new Date());
  const store = setupValue<HabitStore>('pulse habit store');

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
      { name: 'undo', description: 'Takes back the last habit you logged', examples: ['undo', 'delete the last workout'] },
    ],
    config: pulseConfig,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'habit', description: 'Water, sleep, workouts, steps, meditation and streaks', examples: ['drank 2 glasses of water', 'ran 5k', 'my streaks'] },
    ],
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { now, store: store.get }) },
      'agent.requests': { 'summary.request': (message, ctx) => onSummaryRequest(message, ctx, { now, store: store.get }) },
    },
    writes: ['habit.logged', 'wa.outbound'],
    start(ctx) {
      return store.open(createHabitStore(ctx.bus.driver, ctx.bus.keys));
    },
  });
}

/** The pulse the process runs. */
export const pulse = createPulse();
