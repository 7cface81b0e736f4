/** wa.inbound: every WhatsApp message the owner (or an allowed sender) sends, as kami received it. */
import { z } from 'zod';
import { chatId, isoTime, waMessageId } from '../common.js';
import { defineMessage, defineStream, previousVersion } from '../define.js';

/** An attachment: inline as base64 (small files) or a path on storage kami and its readers share. */
export const media = z
  .object({
    kind: z.enum(['voice', 'audio', 'image', 'video', 'document', 'sticker']),
    mime: z.string().min(1).describe('MIME type, e.g. "audio/ogg; codecs=opus"'),
    base64: z.string().min(1).optional().describe('content, base64-encoded; keep entries under the bus size limit (1 MiB)'),
    path: z.string().min(1).optional().describe('or: a path on storage shared with the readers'),
    bytes: z.number().int().nonnegative().optional(),
    seconds: z.number().nonnegative().optional().describe('duration of a voice note, audio or video'),
    filename: z.string().optional(),
  })
  .refine((m) => m.base64 !== undefined || m.path !== undefined, { message: 'media needs "base64" or "path"' });

const messageV1 = z.object({
  id: z.string().min(1),
  from: z.string().min(1),
  author: z.string().optional(),
  body: z.string(),
  timestamp: z.number().int().nonnegative(),
  hasMedia: z.boolean(),
});

const messageV2 = z.object({
  messageId: waMessageId,
  chatId,
  from: z.string().min(1).describe('sender id; differs from chatId in groups'),
  fromName: z.string().optional().describe('sender\'s display name, if WhatsApp gave one'),
  text: z.string().describe('the text, or a media caption; "" for a voice note'),
  media: media.optional(),
  quotedMessageId: waMessageId.optional().describe('the message this one replies to'),
  sentAt: isoTime.describe('when WhatsApp says the message was sent'),
});

export const waInbound = defineStream({
  name: 'wa.inbound',
  description: 'WhatsApp messages received by kami from allowed senders. vox reads voice notes; iris classifies the rest.',
  startAt: 'new',
  messages: {
    'wa.message': defineMessage({
      version: 2,
      description: 'One received WhatsApp message: text, or media (a voice note) with an optional caption.',
      schema: messageV2,
      example: {
        messageId: 'true_491701234567@c.us_3EB0C767D26A1D5E4C2B',
        chatId: '491701234567@c.us',
        from: '491701234567@c.us',
        fromName: 'Ana',
        text: 'had 2 eggs and toast for breakfast',
        sentAt: '2025-03-14T07:45:12.000Z',
      },
      previous: [
        previousVersion({
          version: 1,
          schema: messageV1,
          example: { id: 'true_491701234567@c.us_3EB0C767D26A1D5E4C2B', from: '491701234567@c.us', body: 'had 2 eggs', timestamp: 1741938312, hasMedia: false },
          change: 'v2 replaced the whatsapp-web.js field names with our own (id→messageId, body→text, timestamp in s→sentAt ISO), split chatId from sender and carries media inline or by path.',
          upcast: (v1) => ({
            messageId: v1.id,
            chatId: v1.from,
            from: v1.author ?? v1.from,
            text: v1.body,
            sentAt: new Date(v1.timestamp * 1000).toISOString(),
          }),
        }),
      ],
    }),
  },
});
