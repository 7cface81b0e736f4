/**
 * WhatsApp chat ids as whatsapp-web.js spells them: a person is "<digits>@c.us", a group
 * "<id>@g.us"; newer accounts may appear as "<id>@lid". People type numbers in every shape
 * ("+49 170 1234567", "0049-170-1234567"), so everything a human configures goes through here.
 */

/** A number or chat id that cannot name a WhatsApp chat. */
export class InvalidChatIdError extends Error {
  override readonly name = 'InvalidChatIdError';
  readonly code = 'INVALID_CHAT_ID';
  constructor(readonly input: string) {
    super(`"${input}" is not a phone number (digits with country code, e.g. +491701234567) or a WhatsApp chat id (e.g. 491701234567@c.us)`);
  }
}

const CHAT_ID = /^[0-9A-Za-z._:-]{1,64}@(c\.us|g\.us|lid|broadcast|newsletter)$/;
// E.164 allows at most 15 digits; a few extra for the odd carrier prefix, and no fewer than 5.
const NUMBER = /^\d{5,20}$/;

/** The chat id for a phone number or a chat id; throws InvalidChatIdError when it is neither. */
export function toChatId(input: string): string {
  const trimmed = input.trim();
  if (trimmed.includes('@')) {
    const id = trimmed.replace(/@s\.whatsapp\.net$/, '@c.us');
    if (!CHAT_ID.test(id)) throw new InvalidChatIdError(input);
    return id;
  }
  const digits = trimmed.replace(/[\s().-]/g, '').replace(/^(\+|00)/, '');
  if (!NUMBER.test(digits)) throw new InvalidChatIdError(input);
  return `${digits}@c.us`;
}

/** Like toChatId, but undefined instead of an error. */
export function tryChatId(input: string): string | undefined {
  try {
    return toChatId(input);
  } catch {
    return undefined;
  }
}

/** True for a group chat ("…@g.us"). */
export function isGroupChat(chatId: string): boolean {
  return chatId.endsWith('@g.us');
}

/** The phone number of a person's chat id ("491701234567@c.us" → "491701234567"), else undefined. */
export function numberOf(chatId: string): string | undefined {
  const m = /^(\d+)@c\.us$/.exec(chatId);
  return m?.[1];
}

/** True for chats kami never answers: status updates, broadcast lists and channels. */
export function isBroadcastChat(chatId: string): boolean {
  return chatId === 'status@broadcast' || chatId.endsWith('@broadcast') || chatId.endsWith('@newsletter');
}
