/**
 * Which wa.inbound messages vox takes, and whether it can take them: voice notes and audio files
 * only; within the size and length limits; in a format the transcription API reads. Decided from
 * what the message declares before any byte is read, and checked again on the bytes themselves.
 */
import type { Payload } from '@hive/contracts';

export type InboundMessage = Payload<'wa.inbound', 'wa.message'>;
export type InboundMedia = NonNullable<InboundMessage['media']>;
/** Media vox transcribes. */
export type VoiceMedia = InboundMedia & { readonly kind: 'voice' | 'audio' };

/** What vox accepts. */
export interface Limits {
  /** Largest audio file; the OpenAI API takes up to 25 MB. */
  readonly maxBytes: number;
  /** Longest recording, when its length is known (a cost guard). */
  readonly maxSeconds: number;
}

/** Why vox will not transcribe a voice note; each has its own reply. */
export type Refusal =
  | { readonly reason: 'too_large'; readonly bytes: number; readonly maxBytes: number }
  | { readonly reason: 'too_long'; readonly seconds: number; readonly maxSeconds: number }
  | { readonly reason: 'unsupported_format'; readonly mime: string }
  | { readonly reason: 'empty' };

/** The voice note or audio file of a message, or undefined when it has none (text, image, …). */
export function voiceMedia(message: InboundMessage): VoiceMedia | undefined {
  const m = message.media;
  return m && (m.kind === 'voice' || m.kind === 'audio') ? (m as VoiceMedia) : undefined;
}

/** Bytes that a base64 string decodes to (ignoring whitespace), without decoding it. */
export function base64Bytes(base64: string): number {
  const s = base64.replace(/\s+/g, '');
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((s.length * 3) / 4) - padding);
}

/** The size the message declares or implies; undefined for a file whose size it does not state. */
export function declaredBytes(media: InboundMedia): number | undefined {
  if (media.base64 !== undefined) return base64Bytes(media.base64);
  return media.bytes;
}

/** File extensions the OpenAI transcription API reads, by MIME type (parameters such as "; codecs=opus" ignored). */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'application/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-m4a': 'm4a',
  'video/mp4': 'mp4',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/webm': 'webm',
  'video/webm': 'webm',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
};

/** The bare MIME type, lower case: "audio/ogg; codecs=opus" → "audio/ogg". */
export function baseMime(mime: string): string {
  return mime.split(';')[0]!.trim().toLowerCase();
}

/**
 * The file name to upload under: the API picks the decoder by extension, so it must be one it
 * reads. A sender's own file name is kept when its extension is one; undefined when the format
 * cannot be transcribed (AMR, raw AAC, …).
 */
export function uploadName(mime: string, filename?: string): string | undefined {
  const own = filename?.trim().match(/\.([A-Za-z0-9]{2,5})$/)?.[1]?.toLowerCase();
  const readable = new Set(Object.values(EXTENSIONS));
  if (own !== undefined && readable.has(own) && filename!.length <= 200) return filename!.trim().replace(/[\\/]/g, '_');
  const ext = EXTENSIONS[baseMime(mime)];
  return ext === undefined ? undefined : `voice-note.${ext}`;
}

/** Refuse what the message itself shows to be unacceptable: before any byte is read. */
export function checkDeclared(media: VoiceMedia, limits: Limits): Refusal | undefined {
  if (uploadName(media.mime, media.filename) === undefined) return { reason: 'unsupported_format', mime: baseMime(media.mime) };
  const bytes = declaredBytes(media);
  if (bytes !== undefined && bytes > limits.maxBytes) return { reason: 'too_large', bytes, maxBytes: limits.maxBytes };
  if (media.seconds !== undefined && media.seconds > limits.maxSeconds) return { reason: 'too_long', seconds: media.seconds, maxSeconds: limits.maxSeconds };
  return undefined;
}

/** Refuse what the bytes themselves show: a declared size can be wrong or missing. */
export function checkLoaded(bytes: number, limits: Limits): Refusal | undefined {
  if (bytes === 0) return { reason: 'empty' };
  if (bytes > limits.maxBytes) return { reason: 'too_large', bytes, maxBytes: limits.maxBytes };
  return undefined;
}
