/** wa.inbound: every WhatsApp message the owner (or an allowed sender) sends, as kami received it. */
import { z } from 'zod';
import { chatId, isoTime, waMessageId } from '../common.js';
import { DAY_MS, defineMessage, defineStream, previousVersion } from '../define.js';

/** An attachment as v2 carried it: inline as base64 (small files) or a path on storage kami and its readers share. wa.outbound still uses it. */
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

/** A SHA-256 in lower-case hex: a blob's name in the blob store. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex (64 characters)');

/**
 * An attachment from v3 on: a reference to the blob store (content-addressed, under the data dir),
 * never the content. kami writes `sha256` + `bytes` + `mime`; `base64` and `path` appear only on
 * entries written at v2 and upcast (readers accept them; nothing writes them any more).
 */
export const mediaRef = z
  .object({
    kind: z.enum(['voice', 'audio', 'image', 'video', 'document', 'sticker']),
    mime: z.string().min(1).describe('MIME type, e.g. "audio/ogg; codecs=opus"'),
    sha256: sha256Hex.optional().describe('the content\'s SHA-256: its name in the blob store (HIVE_BLOB_DIR, default HIVE_DATA_DIR/blobs)'),
    bytes: z.number().int().nonnegative().optional().describe('the content\'s size; required with sha256'),
    base64: z.string().min(1).optional().describe('only on entries written at v2 (upcast): the content inline; never written now'),
    path: z.string().min(1).optional().describe('only on entries written at v2 (upcast): a file kami stored; never written now'),
    seconds: z.number().nonnegative().optional().describe('duration of a voice note, audio or video'),
    filename: z.string().optional(),
  })
  .refine((m) => [m.sha256, m.base64, m.path].filter((x) => x !== undefined).length === 1, { message: 'media needs exactly one of "sha256" (a blob reference), or, on upcast v2 entries, "base64" or "path"' })
  .refine((m) => m.sha256 === undefined || m.bytes !== undefined, { message: 'a blob reference needs "bytes"', path: ['bytes'] });

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

const messageV3 = messageV2.extend({
  media: mediaRef.optional().describe('an attachment, by reference to the blob store'),
});

export const waInbound = defineStream({
  name: 'wa.inbound',
  description: 'WhatsApp messages received by kami from allowed senders. vox reads voice notes; iris classifies the rest.',
  startAt: 'new',
  retention: { maxAgeMs: DAY_MS, maxLen: 50_000, why: 'a trigger: vox and iris take it within seconds; 50k caps a burst at about 4 days of the seed\'s traffic. The media is in the blob store, not here; archivist keeps every message.' },
  messages: {
    'wa.message': defineMessage({
      version: 3,
      description:
        'One received WhatsApp message: text, or media (a voice note) with an optional caption. Media is a reference to the blob store, never the bytes: e.g. "media": {"kind": "voice", "mime": "audio/ogg; codecs=opus", "sha256": "9f2c…", "bytes": 14262, "seconds": 4}.',
      schema: messageV3,
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
        previousVersion({
          version: 2,
          schema: messageV2,
          example: {
            messageId: 'false_491701234567@c.us_3EB0C767D26A1D5E4C2C',
            chatId: '491701234567@c.us',
            from: '491701234567@c.us',
            text: '',
            media: { kind: 'voice', mime: 'audio/ogg; codecs=opus', base64: 'T2dnUwACAAAAAAAAAAA=', bytes: 14, seconds: 1 },
            sentAt: '2025-03-14T07:45:12.000Z',
          },
          change:
            'v3 carries media by reference to the blob store (sha256, bytes, mime) instead of inline base64 or a path, so voice notes and images stay off the bus; a v2 entry keeps its inline or path media as it was, which readers still accept.',
          // Every v2 payload is a valid v3 one: its media keeps base64 or path (v3 only adds the blob reference).
          upcast: (v2) => v2,
        }),
      ],
    }),
  },
});
