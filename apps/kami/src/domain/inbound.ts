/**
 * From a received WhatsApp message to a wa.inbound payload: which messages kami passes on at all,
 * how media is carried (a reference to the blob store; over the size cap, not at all), and the ids it uses. The
 * adapters (whatsapp-web.js, simulator) describe a message as a ReceivedMessage; this decides.
 */
import { createHash } from 'node:crypto';
import type { Payload } from '@hive/contracts';
import { isAllowed, type AllowList } from './allow-list.js';
import { isBroadcastChat } from './chat-id.js';

export type InboundPayload = Payload<'wa.inbound', 'wa.message'>;
export type MediaKind = NonNullable<InboundPayload['media']>['kind'];

/** A message as an adapter received it, independent of the library that received it. */
export interface ReceivedMessage {
  /** WhatsApp's message id (whatsapp-web.js `id._serialized`); the idempotency key. */
  readonly messageId: string;
  readonly chatId: string;
  /** Sender id; differs from chatId in groups. */
  readonly from: string;
  readonly fromName?: string | undefined;
  /** The sender's phone number when the adapter could resolve it (for "@lid" senders). */
  readonly number?: string | undefined;
  /** Text, or a media caption. */
  readonly text: string;
  /** whatsapp-web.js message type: "chat", "ptt", "image", … */
  readonly type: string;
  readonly sentAt: Date;
  readonly fromMe: boolean;
  readonly hasMedia: boolean;
  /** Duration in seconds of a voice note, audio or video, when known. */
  readonly seconds?: number | undefined;
  readonly quotedMessageId?: string | undefined;
}

/** Media bytes as downloaded by an adapter. */
export interface DownloadedMedia {
  readonly mime: string;
  readonly data: Buffer;
  readonly filename?: string | undefined;
}

export type Triage =
  | { readonly accept: true; readonly mediaKind: MediaKind | undefined }
  | { readonly accept: false; readonly reason: 'from_me' | 'broadcast' | 'unsupported_type' | 'stranger' };

const MEDIA_KINDS: Readonly<Record<string, MediaKind>> = {
  ptt: 'voice',
  audio: 'audio',
  image: 'image',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
};

/** The contract's media kind for a whatsapp-web.js message type ("ptt" is a voice note). */
export function mediaKindOf(type: string): MediaKind | undefined {
  return MEDIA_KINDS[type];
}

/**
 * Whether kami passes a message on. Checked before any media is downloaded, so a stranger's
 * attachment never touches the disk. Our own messages, status updates, and the protocol chatter
 * whatsapp-web.js also reports as messages (revocations, notifications, calls) are dropped.
 */
export function triage(msg: ReceivedMessage, allowList: AllowList): Triage {
  if (msg.fromMe) return { accept: false, reason: 'from_me' };
  if (isBroadcastChat(msg.chatId)) return { accept: false, reason: 'broadcast' };
  const mediaKind = mediaKindOf(msg.type);
  if (msg.type !== 'chat' && mediaKind === undefined) return { accept: false, reason: 'unsupported_type' };
  if (!isAllowed(allowList, { chatId: msg.chatId, from: msg.from, number: msg.number })) return { accept: false, reason: 'stranger' };
  return { accept: true, mediaKind };
}

/** Default largest attachment kami keeps: WhatsApp voice notes are far smaller; a long video is not for the bus. */
export const DEFAULT_MEDIA_MAX_BYTES = 16_000_000;

/** A reference to the blob store, as the payload carries it (hash, size, mime). */
export interface MediaRef {
  readonly sha256: string;
  readonly bytes: number;
  readonly mime: string;
}

/** "voice note", "image", … for a reply. */
export function mediaNoun(kind: MediaKind): string {
  return kind === 'voice' ? 'voice note' : kind === 'audio' ? 'audio file' : kind;
}

/** "820 KB", "3.4 MB" (decimal units, as phones show file sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1_000)} KB`;
  const mb = bytes / 1_000_000;
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, '') : Math.round(mb)} MB`;
}

/** What the sender hears when an attachment is over the cap: what, how big, the limit, what to do. */
export function tooLargeReply(kind: MediaKind, bytes: number, maxBytes: number): string {
  return `📎 That ${mediaNoun(kind)} is ${formatBytes(bytes)}; I keep attachments up to ${formatBytes(maxBytes)}, so I didn't pass it on. Could you send a smaller one, or tell me in words?`;
}

/** Default longest text kami passes on (WhatsApp itself allows 65,536 characters; nobody types a request that long). */
export const DEFAULT_INBOUND_MAX_CHARS = 10_000;
/** Default messages per minute one sender may send once the burst is used. */
export const DEFAULT_INBOUND_PER_MINUTE = 30;
/** Default messages one sender may send back to back. */
export const DEFAULT_INBOUND_BURST = 20;

/** What the sender hears when a text is over the limit. */
export function tooLongReply(chars: number, maxChars: number): string {
  return `✂️ That message is ${chars.toLocaleString('en')} characters; I take up to ${maxChars.toLocaleString('en')}, so I didn't pass it on. Could you split it or shorten it?`;
}

/** What the sender hears (once per pause) when they write faster than the per-sender limit. */
export function rateLimitedReply(retryInMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1_000));
  return `⏳ You're sending messages faster than I take them, so I didn't pass that one on. Please wait ${seconds} second${seconds === 1 ? '' : 's'} and send it again.`;
}

/** The wa.inbound payload for an accepted message; its media by reference to the blob store. */
export function toInboundPayload(msg: ReceivedMessage, media?: { readonly kind: MediaKind; readonly ref: MediaRef; readonly filename?: string | undefined }): InboundPayload {
  const payload: InboundPayload = {
    messageId: msg.messageId,
    chatId: msg.chatId,
    from: msg.from,
    text: msg.text,
    sentAt: msg.sentAt.toISOString(),
  };
  if (msg.fromName) payload.fromName = msg.fromName;
  if (msg.quotedMessageId) payload.quotedMessageId = msg.quotedMessageId;
  if (media) {
    payload.media = {
      kind: media.kind,
      mime: media.ref.mime,
      sha256: media.ref.sha256,
      bytes: media.ref.bytes,
      ...(msg.seconds !== undefined ? { seconds: msg.seconds } : {}),
      ...(media.filename ? { filename: media.filename } : {}),
    };
  }
  return payload;
}

const TOKEN = /^[^\s]{1,256}$/;

/**
 * The bus message id for a WhatsApp message: the WhatsApp id itself, so that the bus's per-group
 * idempotency and `hive trace` work on the id a user sees; hashed when it would not be a valid
 * envelope id (whitespace, over 256 characters).
 */
export function envelopeIdFor(waMessageId: string): string {
  return TOKEN.test(waMessageId) ? waMessageId : `wa-${createHash('sha256').update(waMessageId).digest('hex').slice(0, 40)}`;
}
