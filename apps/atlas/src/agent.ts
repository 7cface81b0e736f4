/**
 * atlas, questions and the help menu: "help" lists what the live agents can do, read from the
 * registry each time (a new agent appears with no change here, a stopped one disappears when its
 * heartbeat expires); questions go to the model when one is configured, else a polite "not offline".
 */
import { defineAgent } from '@hive/agent';
import { listAgents } from '@hive/bus';
import { atlasConfig } from './config.js';
import type { AgentEntry } from './domain/menu.js';
import { onIntentClassified } from './handlers/intent-classified.js';

export interface AtlasOptions {
  /** The clock ("today" for the model). @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** How long a message waits for the registry to be connected before it is retried. @defaultValue 15000 */
  readonly registryTimeoutMs?: number;
}

/** An atlas definition with its own registry reader; `atlas` below is the one the process runs. */
export function createAtlas(options: AtlasOptions = {}) {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.registryTimeoutMs ?? 15_000;
  let resolveReader: (r: () => Promise<readonly AgentEntry[]>) => void = () => undefined;
  const ready = new Promise<() => Promise<readonly AgentEntry[]>>((r) => (resolveReader = r));
  // Consumer groups start before `start` runs; an early message waits for the registry, then retries.
  const registry = async () => {
    const read = await Promise.race([
      ready,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('atlas registry reader is not ready yet')), timeoutMs).unref()),
    ]);
    return read();
  };

  return defineAgent({
    name: 'atlas',
    version: '0.1.0',
    description: 'Answers questions and lists what every running agent can do.',
    skills: [
      { name: 'help', description: 'Lists what the running agents can do, with examples; or everything about one topic', examples: ['help', 'what can you do', 'help reminders', 'help with expenses'] },
      { name: 'questions', description: 'Answers general questions when a language model is configured', examples: ['what is the capital of Australia?', 'how many grams of protein are in an egg?', 'explain compound interest'] },
    ],
    config: atlasConfig,
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { registry, now }) },
    },
    writes: ['wa.outbound'],
    start(ctx) {
      const { driver, keys } = ctx.bus;
      resolveReader(() => listAgents(driver, keys));
    },
  });
}

/** The atlas the process runs. */
export const atlas = createAtlas();
