/**
 * atlas, questions and the help menu: "help" lists what the live agents can do, read from the
 * registry each time (a new agent appears with no change here, a stopped one disappears when its
 * heartbeat expires); questions go to the model when one is configured, else a polite "not offline".
 */
import { defineAgent } from '@hive/agent';
import { atlasConfig } from './config.js';
import { onIntentClassified } from './handlers/intent-classified.js';

export interface AtlasOptions {
  /** The clock ("today" for the model). @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** How long after its start atlas waits before answering for an agent that is not running. @defaultValue FALLBACK_GRACE_MS */
  readonly fallbackGraceMs?: number;
}

/** An atlas definition; `atlas` below is the one the process runs. */
export function createAtlas(options: AtlasOptions = {}) {
  const now = options.now ?? (() => new Date());
  // When this atlas started reading: the fallback for an unserved intent waits for the registry to fill.
  let startedAt = Date.now();
  return defineAgent({
    name: 'atlas',
    version: '0.1.0',
    description: 'Answers questions and lists what every running agent can do.',
    skills: [
      { name: 'help', description: 'Lists what the running agents can do, with examples; or everything about one topic', examples: ['help', 'what can you do', 'help reminders', 'help with expenses'] },
      { name: 'questions', description: 'Answers general questions when a language model is configured', examples: ['what is the capital of Australia?', 'how many grams of protein are in an egg?', 'explain compound interest'] },
    ],
    config: atlasConfig,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'help', description: 'Greetings, help, what the assistant can do, help on a topic', examples: ['help', 'what can you do', 'help reminders'] },
      { name: 'question', description: "A general question for an assistant", examples: ["what's the capital of France?", "explain compound interest"] },
    ],
    // Every intent: atlas answers for the agent that serves it when that agent is down.
    seesEveryIntent: true,
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { now, startedAt: () => startedAt, ...(options.fallbackGraceMs !== undefined ? { graceMs: options.fallbackGraceMs } : {}) }) },
    },
    writes: ['wa.outbound'],
    start: () => {
      startedAt = Date.now();
    },
  });
}

/** The atlas the process runs. */
export const atlas = createAtlas();
