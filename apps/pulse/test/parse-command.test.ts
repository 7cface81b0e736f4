/** Reading pulse's commands from iris's entities, and from the words where those are missing. */
import { describe, expect, it } from 'vitest';
import { parsePulseCommand, toMl, type PulseCommand } from '../src/domain/parse-command.js';

type E = Record<string, string | number | boolean>;

describe('with the entities iris emits', () => {
  // Entities as iris's rules produce them for these messages today.
  const cases: Array<[string, E, PulseCommand]> = [
    ['ran 5k', { action: 'log', kind: 'workout', activity: 'run', distanceKm: 5 }, { action: 'log', log: { kind: 'workout', activity: 'run', distanceKm: 5 } }],
    ['30 min yoga', { action: 'log', kind: 'workout', activity: 'yoga', durationMin: 30 }, { action: 'log', log: { kind: 'workout', activity: 'yoga', durationMin: 30 } }],
    ['gym', { action: 'log', kind: 'workout', activity: 'strength' }, { action: 'log', log: { kind: 'workout', activity: 'strength' } }],
    ['did 20 pushups', { action: 'log', kind: 'workout', activity: 'pushups', reps: 20 }, { action: 'log', log: { kind: 'workout', activity: 'pushups', reps: 20 } }],
    ['drank 2 glasses of water', { action: 'log', kind: 'water', quantity: 2, unit: 'glass', ml: 500 }, { action: 'log', log: { kind: 'water', ml: 500 } }],
    ['500 ml water', { action: 'log', kind: 'water', quantity: 500, unit: 'ml', ml: 500 }, { action: 'log', log: { kind: 'water', ml: 500 } }],
    ['1.5 l water', { action: 'log', kind: 'water', quantity: 1.5, unit: 'l' }, { action: 'log', log: { kind: 'water', ml: 1500 } }],
    ['slept 7h', { action: 'log', kind: 'sleep', hours: 7 }, { action: 'log', log: { kind: 'sleep', hours: 7 } }],
    ['slept 6.5 hours', { action: 'log', kind: 'sleep', hours: 6.5 }, { action: 'log', log: { kind: 'sleep', hours: 6.5 } }],
    ['slept 7h badly', { action: 'log', kind: 'sleep', hours: 7, quality: 'bad' }, { action: 'log', log: { kind: 'sleep', hours: 7, quality: 'bad' } }],
    ['slept well', { action: 'log', kind: 'sleep', quality: 'good' }, { action: 'log', log: { kind: 'sleep', quality: 'good' } }],
    ['walked 10000 steps', { action: 'log', kind: 'steps', steps: 10000 }, { action: 'log', log: { kind: 'steps', steps: 10000 } }],
    ['meditated 10 min', { action: 'log', kind: 'meditation', durationMin: 10 }, { action: 'log', log: { kind: 'meditation', durationMin: 10 } }],
    ['my streaks', { action: 'summary' }, { action: 'summary', scope: 'streaks' }],
    ['how much water today', { action: 'summary', kind: 'water', period: 'today' }, { action: 'summary', scope: 'today', kind: 'water' }],
    ['habit summary this week', { action: 'summary', period: 'week' }, { action: 'summary', scope: 'week' }],
    ['my sleep this week', { action: 'summary', kind: 'sleep', period: 'week' }, { action: 'summary', scope: 'week', kind: 'sleep' }],
    ['water goal 3 l', { action: 'goal', kind: 'water', target: 3, unit: 'l' }, { action: 'goal', goal: 'waterMl', value: 3000 }],
    ['set water goal to 2500 ml', { action: 'goal', kind: 'water', target: 2500, unit: 'ml' }, { action: 'goal', goal: 'waterMl', value: 2500 }],
    ['water goal 2.5', { action: 'goal', kind: 'water', target: 2.5 }, { action: 'goal', goal: 'waterMl', value: 2500 }],
    ['water goal 8 glasses', { action: 'goal', kind: 'water', target: 8, unit: 'glasses' }, { action: 'goal', goal: 'waterMl', value: 2000 }],
    ['sleep goal 8 hours', { action: 'goal', kind: 'sleep', target: 8, unit: 'hours' }, { action: 'goal', goal: 'sleepHours', value: 8 }],
    ['steps goal 8000', { action: 'goal', kind: 'steps', target: 8000 }, { action: 'goal', goal: 'steps', value: 8000 }],
    ['workout goal 4', { action: 'goal', kind: 'workout', target: 4 }, { action: 'goal', goal: 'workoutsPerWeek', value: 4 }],
    // Entities without the measure: the words fill it in.
    ['drank 2 glasses of water', { action: 'log', kind: 'water' }, { action: 'log', log: { kind: 'water', ml: 500 } }],
    ['slept 7h 30m', { action: 'log', kind: 'sleep' }, { action: 'log', log: { kind: 'sleep', hours: 7.5 } }],
    // iris's undo: named ("delete the last workout") or a bare "undo" routed to the agent last written to.
    ['undo', { action: 'undo', last: true }, { action: 'undo' }],
    ['delete the last workout', { action: 'undo', last: true }, { action: 'undo' }],
    // Nothing to log and no words to read it from.
    ['water', { action: 'log', kind: 'water' }, { action: 'unclear', hint: 'water' }],
    ['goal', { action: 'goal' }, { action: 'unclear' }],
  ];
  it.each(cases)('%j %j', (text, entities, expected) => expect(parsePulseCommand(text, entities)).toEqual(expected));
});

describe('from the words alone', () => {
  const cases: Array<[string, PulseCommand]> = [
    // iris sends these two elsewhere today (question, schedule); if they reach pulse they are summaries.
    ['how was my week', { action: 'summary', scope: 'week' }],
    ['weekly summary', { action: 'summary', scope: 'week' }],
    ['how much water did I drink today?', { action: 'summary', scope: 'today', kind: 'water' }],
    ['how did I sleep this week', { action: 'summary', scope: 'week', kind: 'sleep' }],
    ['streak', { action: 'summary', scope: 'streaks' }],
    ['ran 5k in 28 min', { action: 'log', log: { kind: 'workout', activity: 'run', distanceKm: 5, durationMin: 28 } }],
    ['jogged 3 miles', { action: 'log', log: { kind: 'workout', activity: 'run', distanceKm: 4.83 } }],
    ['half an hour of yoga', { action: 'log', log: { kind: 'workout', activity: 'yoga', durationMin: 30 } }],
    ['went to the gym for 1.5 hours', { action: 'log', log: { kind: 'workout', activity: 'strength', durationMin: 90 } }],
    ['a bottle of water', { action: 'log', log: { kind: 'water', ml: 500 } }],
    ['water 750ml', { action: 'log', log: { kind: 'water', ml: 750 } }],
    ['water: 2', { action: 'log', log: { kind: 'water', ml: 500 } }],
    ['drank water', { action: 'log', log: { kind: 'water', ml: 250 } }],
    ['7h sleep', { action: 'log', log: { kind: 'sleep', hours: 7 } }],
    ['slept really badly', { action: 'log', log: { kind: 'sleep', quality: 'bad' } }],
    ['12,500 steps', { action: 'log', log: { kind: 'steps', steps: 12500 } }],
    ['8.5k steps', { action: 'log', log: { kind: 'steps', steps: 8500 } }],
    ['meditated', { action: 'log', log: { kind: 'meditation' } }],
    ['30 squats', { action: 'log', log: { kind: 'workout', activity: 'squats', reps: 30 } }],
    ['set my water goal to 3 liters', { action: 'goal', goal: 'waterMl', value: 3000 }],
    ['goal 9000 steps', { action: 'goal', goal: 'steps', value: 9000 }],
    ['undo last run', { action: 'undo' }],
    ['oops', { action: 'undo' }],
    ['hello there', { action: 'unclear' }],
  ];
  it.each(cases)('%j', (text, expected) => expect(parsePulseCommand(text)).toEqual(expected));
});

describe('toMl', () => {
  it.each([
    [2, 'glasses', 500],
    [1, 'cup', 240],
    [1.5, 'L', 1500],
    [1, 'litre', 1000],
    [330, 'ml', 330],
    [2, 'bottles', 1000],
    [1, undefined, 250],
  ] as const)('%s %s', (q, unit, ml) => expect(toMl(q, unit)).toBe(ml));
});
