/** intent.classified: iris's verdict on what each message is for; split by intent, so each domain agent reads the shards of its own intents. */
import { z } from 'zod';
import { chatId, interpreter, isoTime, waMessageId } from '../common.js';
import { DAY_MS, defineMessage, defineStream, previousVersion } from '../define.js';

/**
 * The intents iris's built-in rules know, and the fixed list v1 carried. Since v2 an intent is a
 * name: the agents declare the intents they serve (`intents` in their definition), iris routes to
 * those the live registry lists, so a new intent needs no change here.
 */
export const INTENTS = ['nutrition', 'content', 'schedule', 'expense', 'note', 'question', 'help', 'habit', 'briefing', 'unknown'] as const;
export type BuiltInIntent = (typeof INTENTS)[number];
/** An intent's name: one of INTENTS, or one a running agent declares. */
export type Intent = string;

/** What an intent's name looks like: lower case, a letter first, at most 40 characters ("weather", "meal-plan"). */
export const INTENT_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/** An intent's name, as the contract checks it. */
export const intentName = z.string().regex(INTENT_NAME).describe('the intent: "unknown", or the name of an intent a running agent declares (see its definition\'s `intents`)');

const v1Schema = z.object({
  chatId,
  from: z.string().min(1),
  sourceMessageId: waMessageId.describe('the WhatsApp message classified'),
  via: z.enum(['text', 'voice']).describe('typed, or a transcribed voice note'),
  text: z.string().describe('the original text'),
  intent: z.enum(INTENTS),
  entities: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .describe('what the classifier picked out, e.g. {"amount": 12.5, "when": "tomorrow 9:00"}'),
  confidence: z.number().min(0).max(1),
  classifier: interpreter,
  sentAt: isoTime,
});


const example = {
  chatId: '491701234567@c.us',
  from: '491701234567@c.us',
  sourceMessageId: 'true_491701234567@c.us_3EB0C767D26A1D5E4C2B',
  via: 'text' as const,
  text: 'had 2 eggs and toast for breakfast',
  intent: 'nutrition' as const,
  entities: { meal: 'breakfast' },
  confidence: 0.92,
  classifier: 'llm' as const,
  sentAt: '2025-03-14T07:45:12.000Z',
};

export const intentClassified = defineStream({
  name: 'intent.classified',
  description: 'Each message from wa.inbound or voice.transcribed with its intent; the domain agents pick the intents they own.',
  startAt: 'new',
  retention: { maxAgeMs: DAY_MS, maxLen: 50_000, why: 'a trigger read by its intent\'s agent, atlas and archivist within seconds; the largest stream, so the shortest useful window (each shard kept to it).' },
  partitions: {
    shards: 12,
    key: 'intent',
    why: 'routing by intent: an agent that serves some intents reads only the shards they land on, so each message wakes its own agent, atlas and archivist instead of every domain agent (12: the built-in intents of the busiest agents land on shards of their own).',
  },
  messages: {
    'intent.classified': defineMessage({
      version: 2,
      description: 'A message classified into one intent, with the entities found in it.',
      schema: v1Schema.extend({ intent: intentName }),
      example,
      previous: [
        previousVersion({
          version: 1,
          schema: v1Schema,
          // A v1 example is a v2 example: only the intent's type widened.
          example,
          change: 'intent became a name (an intent a running agent declares, or "unknown") instead of a fixed list, so a new agent brings its own intents without a new version',
          // Every v1 intent is a valid v2 name.
          upcast: (data) => data,
        }),
      ],
    }),
  },
});
