/** wa.outbound: what the agents want said to a chat; kami sends it. */
import { z } from 'zod';
import { chatId, waMessageId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';
import { media } from './wa-inbound.js';

export const waOutbound = defineStream({
  name: 'wa.outbound',
  description: 'Messages for kami to send to a WhatsApp chat: replies, reminders, briefings, alerts.',
  startAt: 'new',
  retention: { maxAgeMs: DAY_MS, maxLen: 50_000, why: 'a trigger: kami sends within seconds (retries take minutes); archivist keeps every message.' },
  messages: {
    'wa.send': defineMessage({
      version: 1,
      description: 'Send one message to a chat, optionally quoting the message it answers.',
      schema: z.object({
        chatId,
        text: z.string().min(1).max(65_536),
        replyTo: waMessageId.optional().describe('WhatsApp message id to quote'),
        media: media.optional(),
      }),
      example: { chatId: '491701234567@c.us', text: 'Logged breakfast: 2 eggs, toast — 390 kcal. Today: 390 / 2000 kcal.', replyTo: 'true_491701234567@c.us_3EB0C767D26A1D5E4C2B' },
    }),
  },
});
