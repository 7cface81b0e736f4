/**
 * wa.inbound / wa.message: a voice note or audio file becomes voice.transcribed (which iris
 * classifies like typed text) and, optionally, an "I heard: …" reply. Everything else on the
 * stream is iris's: acked and skipped. Whatever stops a transcription, the owner is told why.
 */
import { type AgentContext, type AgentMessage, type Outgoing, UnrecoverableError } from '@hive/agent';
import type { VoxConfig } from '../config.js';
import { echoReply, failureReply, offlineReply, refusalReply, unavailableReply, unreadableReply } from '../domain/replies.js';
import { checkDeclared, checkLoaded, uploadName, voiceMedia } from '../domain/voice-note.js';
import { MediaUnreadableError, openAudio } from '../media.js';
import { TranscriptionError, type Transcriber } from '../transcriber.js';

export type VoxWrites = 'voice.transcribed' | 'wa.outbound';
export type VoxContext = AgentContext<VoxConfig, VoxWrites>;

export interface VoxDeps {
  /** undefined when no model is configured. */
  readonly transcriber: Transcriber | undefined;
}

/** Transcribe a voice note; skip anything else. */
export async function onWaMessage(message: AgentMessage<'wa.inbound', 'wa.message'>, ctx: VoxContext, deps: VoxDeps): Promise<Outgoing<VoxWrites>[] | undefined> {
  const m = message.data;
  const media = voiceMedia(m);
  if (!media) return undefined;
  const reply = (text: string): Outgoing<VoxWrites> => ({ stream: 'wa.outbound', type: 'wa.send', data: { chatId: m.chatId, text, replyTo: m.messageId } });
  const { limits, mediaDir, blobDir, echo } = ctx.config;

  if (!deps.transcriber) {
    ctx.log.info({ kind: media.kind }, 'voice note received, but no transcription model is configured');
    return [reply(offlineReply())];
  }
  const refused = checkDeclared(media, limits);
  if (refused) {
    ctx.log.info({ refusal: refused }, 'voice note refused');
    return [reply(refusalReply(refused))];
  }

  let audio: Buffer;
  try {
    const opened = await openAudio(media, { blobDir, mediaDir });
    const tooBig = checkLoaded(opened.size, limits);
    if (tooBig) {
      ctx.log.info({ refusal: tooBig }, 'voice note refused');
      return [reply(refusalReply(tooBig))];
    }
    audio = await opened.read();
  } catch (err) {
    if (!(err instanceof MediaUnreadableError)) throw err;
    // Not the owner's doing, and retrying cannot conjure the file: tell them, and leave the
    // message in the dead letters for an operator to retry once the storage is fixed.
    await ctx.publish('wa.outbound', 'wa.send', { chatId: m.chatId, text: unreadableReply(), replyTo: m.messageId });
    throw new UnrecoverableError(err.message, { cause: err });
  }

  let text: string;
  let language: string | undefined;
  try {
    const transcript = await deps.transcriber.transcribe({ bytes: audio, name: uploadName(media.mime, media.filename)!, mime: media.mime }, ctx.signal);
    text = transcript.text.trim();
    language = transcript.language;
  } catch (err) {
    if (!(err instanceof TranscriptionError)) throw err;
    const log = { status: err.status, kind: err.kind, attempts: err.attempts, unavailable: err.unavailable, err: err.message };
    if (err.kind === 'audio') {
      ctx.log.warn(log, 'the transcription service rejected the audio');
      return [reply(failureReply('audio', err.status, undefined))];
    }
    // Retried within VOX_DEADLINE_MS already, or not worth a retry: the owner hears now, and the dead
    // letter lets an operator retry it once the service (or the key) is fixed.
    ctx.log.warn(log, 'voice note not transcribed');
    const text = err.unavailable ? unavailableReply() : failureReply(err.kind, err.status, err.attempts);
    await ctx.publish('wa.outbound', 'wa.send', { chatId: m.chatId, text, replyTo: m.messageId });
    throw new UnrecoverableError(err.message, { cause: err });
  }

  ctx.log.info({ model: deps.transcriber.model, chars: text.length, bytes: audio.length }, 'voice note transcribed');
  const out: Outgoing<VoxWrites>[] = [
    {
      stream: 'voice.transcribed',
      type: 'voice.transcribed',
      data: {
        chatId: m.chatId,
        from: m.from,
        messageId: m.messageId,
        text,
        model: deps.transcriber.model,
        sentAt: m.sentAt,
        ...(media.seconds !== undefined ? { seconds: media.seconds } : {}),
        ...(language !== undefined ? { language } : {}),
      },
    },
  ];
  // An empty transcript has nothing to quote; iris answers it ("I heard nothing").
  if (echo && text !== '') out.push(reply(echoReply(text)));
  return out;
}
