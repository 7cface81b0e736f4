/** Field schemas that several streams share, so that a chat id or a timestamp means the same everywhere. */
import { z } from 'zod';

/** A WhatsApp chat: a person ("491701234567@c.us") or a group ("...@g.us"). */
export const chatId = z.string().min(1).describe('WhatsApp chat id, e.g. "491701234567@c.us"');

/** A WhatsApp message id (whatsapp-web.js `id._serialized`), not a bus message id. */
export const waMessageId = z.string().min(1).describe('WhatsApp message id');

/** A point in time as ISO 8601 with an offset, readable in redis-cli and sortable as text. */
export const isoTime = z.iso.datetime({ offset: true });

/** A calendar day in the owner's time zone. */
export const isoDay = z.iso.date().describe('calendar day, YYYY-MM-DD, in the owner\'s time zone');

/** An id an agent gave to something it stores (a meal entry, a note), unique within that agent. */
export const recordId = z.string().min(1).max(128);

/** Where a payload's interpretation came from: the LLM, or the deterministic offline rules. */
export const interpreter = z.enum(['llm', 'rules']).describe('"llm" when a language model interpreted the input, "rules" on the offline path');
