/** voice.transcribed: voice notes turned into text by vox. */
import { z } from 'zod';
import { chatId, isoTime, waMessageId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

export const voiceTranscribed = defineStream({
  name: 'voice.transcribed',
  description: 'The text of a voice note received on wa.inbound, transcribed by vox; iris classifies it like a typed message.',
  startAt: 'new',
  retention: { maxAgeMs: DAY_MS, maxLen: 20_000, why: 'a trigger: iris classifies it within seconds; archivist keeps every transcript.' },
  messages: {
    'voice.transcribed': defineMessage({
      version: 1,
      description: 'A transcribed voice note.',
      schema: z.object({
        chatId,
        from: z.string().min(1),
        messageId: waMessageId.describe('the voice note\'s WhatsApp message id'),
        text: z.string(),
        language: z.string().optional().describe('language detected, e.g. "en"'),
        seconds: z.number().nonnegative().optional(),
        model: z.string().min(1).describe('what transcribed it: an OpenAI model name, or "offline"'),
        sentAt: isoTime.describe('when the voice note was sent'),
      }),
      example: {
        chatId: '491701234567@c.us',
        from: '491701234567@c.us',
        messageId: 'true_491701234567@c.us_3EB0C767D26A1D5E4C2C',
        text: 'remind me to call the dentist tomorrow at nine',
        language: 'en',
        seconds: 3.4,
        model: 'whisper-1',
        sentAt: '2025-03-14T07:46:02.000Z',
      },
    }),
  },
});
