/**
 * From a received WhatsApp message to a wa.inbound payload: which messages kami passes on at all,
 * how media is carried (inline when small, a file path when not), and the ids it uses. The
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

/** Default largest attachment carried inline; base64 grows it by a third, under the bus's 1 MiB entry limit. */
export const DEFAULT_MEDIA_INLINE_BYTES = 512 * 1024;

/** Inline (base64 in the entry) or a file under the data dir. */
export function mediaPlacement(bytes: number, inlineLimit: number): 'inline' | 'file' {
  return bytes <= inlineLimit ? 'inline' : 'file';
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/wav': 'wav',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'application/pdf': 'pdf',
};

/**
 * A file name for stored media that is safe on any file system and unique per message: the
 * message id's hash (ids contain "@" and can be long) and an extension from the MIME type.
 */
export function mediaFileName(messageId: string, mime: string): string {
  const base = mime.split(';')[0]!.trim().toLowerCase();
  const ext = EXTENSIONS[base] ?? (/^[a-z]+\/([a-z0-9]{1,8})$/.exec(base)?.[1] ?? 'bin');
  return `${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}.${ext}`;
}

/** Where the media of a message went: inline, or a path the caller wrote it to. */
export type PlacedMedia = { readonly base64: string } | { readonly path: string };

/** The wa.inbound payload for an accepted message. */
export function toInboundPayload(
  msg: ReceivedMessage,
  media?: { readonly kind: MediaKind; readonly downloaded: DownloadedMedia; readonly placed: PlacedMedia },
): InboundPayload {
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
      mime: media.downloaded.mime,
      bytes: media.downloaded.data.length,
      ...media.placed,
      ...(msg.seconds !== undefined ? { seconds: msg.seconds } : {}),
      ...(media.downloaded.filename ? { filename: media.downloaded.filename } : {}),
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
