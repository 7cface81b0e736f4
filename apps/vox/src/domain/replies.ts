/**
 * What vox says in the chat. A voice note vox cannot turn into text is never met with silence:
 * the owner hears why, and what to do instead (usually: type it).
 */
import type { FailureKind } from './failure.js';
import type { Refusal } from './voice-note.js';

/** "820 KB", "3.4 MB" (decimal units, as phones show file sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1_000)} KB`;
  const mb = bytes / 1_000_000;
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, '') : Math.round(mb)} MB`;
}

/** "45 s", "3 min", "2 min 30 s". */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  const rest = s % 60;
  return rest === 0 ? `${min} min` : `${min} min ${rest} s`;
}

/** No transcription model is configured. */
export function offlineReply(): string {
  return (
    "🎙️ I got your voice note, but I can't listen to it: no transcription model is set up here " +
    '(it needs OPENAI_API_KEY, or OPENAI_BASE_URL for a self-hosted one). Could you type it instead?'
  );
}

/** A voice note vox will not send for transcription, and why. */
export function refusalReply(refusal: Refusal): string {
  switch (refusal.reason) {
    case 'too_large':
      return `🎙️ That recording is too large for me to transcribe (${formatBytes(refusal.bytes)}; I take up to ${formatBytes(refusal.maxBytes)}). Could you send a shorter one, or type it?`;
    case 'too_long':
      return `🎙️ That recording is ${formatSeconds(refusal.seconds)} long; I transcribe up to ${formatSeconds(refusal.maxSeconds)}. Could you send a shorter one, or type it?`;
    case 'unsupported_format':
      return `🎙️ I can't transcribe audio in this format (${refusal.mime}). WhatsApp voice notes work, and so do mp3, m4a, ogg, wav, webm and flac files.`;
    case 'empty':
      return '🎙️ That voice note arrived empty, with no audio in it. Could you record it again?';
  }
}

/** The audio of a voice note stored as a file could not be read. */
export function unreadableReply(): string {
  return "🎙️ Sorry, I couldn't get at the audio of that voice note on my side. Could you send it again, or type it?";
}

/** The transcription service has failed several times in a row: vox does not ask it for now. */
export function unavailableReply(): string {
  return "🎙️ Sorry, the transcription service isn't answering at the moment, so I couldn't transcribe your voice note. Could you type it, or send it again in a while?";
}

/** Transcription failed for good; `status` is the service's HTTP status, if it answered at all. */
export function failureReply(kind: FailureKind, status: number | undefined, attempts: number | undefined): string {
  switch (kind) {
    case 'transient':
      return (
        `🎙️ Sorry, I couldn't transcribe your voice note: the transcription service ${status === undefined ? "didn't answer" : `kept failing (HTTP ${status})`}` +
        `${attempts !== undefined && attempts > 1 ? ` after ${attempts} tries` : ''}. Could you type it, or send it again in a while?`
      );
    case 'setup':
      return `🎙️ Sorry, I couldn't transcribe your voice note: the transcription service refused the request (HTTP ${status ?? '?'}), which needs fixing on my side (the API key or VOX_MODEL). Could you type it for now?`;
    case 'audio':
      return `🎙️ Sorry, the transcription service couldn't read that audio (HTTP ${status ?? '?'}). Could you record it again, or type it?`;
  }
}

/** Longest transcript quoted back in full; a longer one is cut (it travels on in full regardless). */
export const ECHO_MAX_CHARS = 600;

/** What vox heard, quoted back so a misheard word is caught before it becomes a wrong reminder. */
export function echoReply(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const shown = t.length > ECHO_MAX_CHARS ? `${t.slice(0, ECHO_MAX_CHARS - 1).trimEnd()}…` : t;
  return `🎙️ I heard: "${shown}"`;
}
