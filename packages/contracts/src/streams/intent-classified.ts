/** intent.classified: iris's verdict on what each message is for; every domain agent reads it. */
import { z } from 'zod';
import { chatId, interpreter, isoTime, waMessageId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

/** Everything iris can route to; "unknown" when nothing fits. */
export const INTENTS = ['nutrition', 'content', 'schedule', 'expense', 'note', 'question', 'help', 'habit', 'briefing', 'unknown'] as const;
export type Intent = (typeof INTENTS)[number];

export const intentClassified = defineStream({
  name: 'intent.classified',
  description: 'Each message from wa.inbound or voice.transcribed with its intent; the domain agents pick the intents they own.',
  startAt: 'new',
  retention: { maxAgeMs: DAY_MS, maxLen: 50_000, why: 'a trigger read by nine groups within seconds; the largest stream, so the shortest useful window.' },
  messages: {
    'intent.classified': defineMessage({
      version: 1,
      description: 'A message classified into one intent, with the entities found in it.',
      schema: z.object({
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
      }),
      example: {
        chatId: '491701234567@c.us',
        from: '491701234567@c.us',
        sourceMessageId: 'true_491701234567@c.us_3EB0C767D26A1D5E4C2B',
        via: 'text',
        text: 'had 2 eggs and toast for breakfast',
        intent: 'nutrition',
        entities: { meal: 'breakfast' },
        confidence: 0.92,
        classifier: 'llm',
        sentAt: '2025-03-14T07:45:12.000Z',
      },
    }),
  },
});
