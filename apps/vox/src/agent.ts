/**
 * vox, voice notes to text: reads the voice notes and audio files on wa.inbound, transcribes them
 * with the OpenAI transcription API (or any OpenAI-compatible server), and publishes the text on
 * voice.transcribed, where iris classifies it like a typed message. Without a model configured it
 * says so in the chat instead.
 */
import { defineAgent, sanitizeUrl } from '@hive/agent';
import { voxConfig } from './config.js';
import { onWaMessage } from './handlers/wa-message.js';
import { createOpenAiTranscriber, type Transcriber } from './transcriber.js';

/** Deliveries of one voice note before it is dead-lettered (a crash mid-transcription; transcription failures are final at once). */
export const VOX_MAX_DELIVERIES = 4;

export interface VoxOptions {
  /** Use this transcriber instead of the one the environment configures (undefined there = none). */
  readonly transcriber?: Transcriber;
}

/** A vox definition; `vox` below is the one the process runs. */
export function createVox(options: VoxOptions = {}) {
  let fromEnv: { transcriber: Transcriber | undefined } | undefined;
  return defineAgent({
    name: 'vox',
    version: '0.1.0',
    description: 'Turns voice notes into text, so every agent understands what you say as if you had typed it.',
    skills: [
      {
        name: 'send a voice note',
        description: 'Record a WhatsApp voice note instead of typing; I transcribe it, quote what I heard, and the right agent answers',
        examples: ['🎙️ "remind me to call the dentist tomorrow at nine"', '🎙️ "spent twelve euros on lunch"'],
      },
    ],
    config: voxConfig,
    reads: {
      'wa.inbound': {
        'wa.message': (message, ctx) => {
          // Built once from the parsed config (the runtime hands config to handlers, not to the definition).
          fromEnv ??= { transcriber: options.transcriber ?? (ctx.config.transcription ? createOpenAiTranscriber(ctx.config.transcription) : undefined) };
          return onWaMessage(message, ctx, { transcriber: fromEnv.transcriber });
        },
      },
    },
    writes: ['voice.transcribed', 'wa.outbound'],
    // Transcription takes seconds: several chats at once, one chat's notes in order (byChatId).
    concurrency: 4,
    streamOptions: { 'wa.inbound': { maxDeliveries: VOX_MAX_DELIVERIES } },
    start(ctx) {
      const t = ctx.config.transcription;
      if (options.transcriber || t) ctx.log.info({ model: options.transcriber?.model ?? t?.model, baseURL: sanitizeUrl(t?.baseURL ?? 'https://api.openai.com/v1') }, 'transcribing voice notes');
      else ctx.log.warn({}, 'no OPENAI_API_KEY or OPENAI_BASE_URL: voice notes get a reply saying they cannot be transcribed');
    },
  });
}

/** The vox the process runs. */
export const vox = createVox();
