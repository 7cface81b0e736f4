/**
 * box, the nutrition agent: meals into calories and macros from a bundled food table (a model
 * estimates what the table lacks, when one is configured), daily totals per chat in the owner's
 * time zone, and a daily kcal goal. Reads intent.classified (intent "nutrition") and answers herald's
 * summary requests on agent.requests.
 */
import { defineAgent, setupValue } from '@hive/agent';
import { createNutritionStore, type NutritionStore } from './store.js';
import { boxConfig } from './config.js';
import { MODEL_ESTIMATE } from './domain/model-estimate.js';
import { onIntentClassified } from './handlers/intent-classified.js';
import { onSummaryRequest } from './handlers/summary-request.js';

export interface BoxOptions {
  /** The clock `loggedAt` is read from ("today" comes from each message's sentAt). @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** A box definition with its own clock; `box` below is the one the process runs. */
export function createBox(options: BoxOptions = {}) {
  const now = options.now ?? (() => new Date());
  const store = setupValue<NutritionStore>('box nutrition store');

  return defineAgent({
    name: 'box',
    version: '0.1.0',
    description: 'Logs what you eat as calories and macros, keeps daily totals, and tracks a daily kcal goal.',
    skills: [
      { name: 'log a meal', description: 'Logs food in plain words, with quantities, from a table of 200+ foods', examples: ['I had 2 eggs and toast for breakfast', '150 g chicken breast and a bowl of rice', 'half an avocado'] },
      { name: 'daily totals', description: "Tells you today's calories, protein, carbs and fat, or lists what you ate", examples: ['how much protein today', 'what did I eat today', 'calories left'] },
      { name: 'calorie goal', description: 'Sets your daily kcal goal and shows progress in every reply', examples: ['set my goal to 2200 kcal', "what's my goal"] },
      { name: 'food facts', description: 'Calories and macros of a food without logging it', examples: ['how many calories in a banana'] },
      { name: 'undo', description: 'Removes the last meal you logged', examples: ['undo last meal', 'delete the last meal'] },
    ],
    config: boxConfig,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'nutrition', description: 'Food eaten, calories and macros so far, a calorie goal, calories in a food', examples: ['I had 2 eggs and toast', 'how much protein today', 'set my goal to 2200 kcal'] },
    ],
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { now, store: store.get }) },
      'agent.requests': { 'summary.request': (message, ctx) => onSummaryRequest(message, ctx, { now, store: store.get }) },
    },
    writes: ['nutrition.logged', 'wa.outbound'],
    start(ctx) {
      return store.open(createNutritionStore(ctx.bus.driver, ctx.bus.keys, ctx.config.BOX_RETENTION_DAYS));
    },
    // Offline the table is all there is: the model's extractor finds nothing.
    offlineLlm: { extract: { [MODEL_ESTIMATE]: () => ({ items: [] }) } },
  });
}

export const box = createBox();
