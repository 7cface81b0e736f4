/**
 * The transcription port and its OpenAI implementation (`audio.transcriptions.create` of the openai
 * SDK; any OpenAI-compatible server through OPENAI_BASE_URL). Failures become a TranscriptionError
 * carrying the HTTP status, which decides what happens to the message (domain/failure.ts).
 */
import { errorMessage } from '@hive/bus';
import OpenAI, { APIError, toFile } from 'openai';
import type { TranscriptionConfig } from './config.js';
import { failureKind, type FailureKind } from './domain/failure.js';

/** An audio file to transcribe; `name`'s extension tells the service the format. */
export interface AudioFile {
  readonly bytes: Buffer;
  readonly name: string;
  readonly mime: string;
}

export interface Transcript {
  readonly text: string;
  /** The language, when it was configured (VOX_LANGUAGE) or reported by the service. */
  readonly language?: string | undefined;
}

export interface Transcriber {
  /** What transcribes: the model name written into voice.transcribed. */
  readonly model: string;
  /** Transcribe one file; rejects with a TranscriptionError. */
  transcribe(file: AudioFile, signal?: AbortSignal): Promise<Transcript>;
}

/** A transcription that did not succeed; `status` is undefined when the service did not answer. */
export class TranscriptionError extends Error {
  override readonly name = 'TranscriptionError';
  readonly status: number | undefined;
  readonly kind: FailureKind;
  constructor(message: string, status: number | undefined, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.kind = failureKind(status);
  }
}

/** The openai-SDK transcriber. The SDK does not retry: the bus owns retries (backoff, dead letters, metrics). */
export function createOpenAiTranscriber(config: TranscriptionConfig): Transcriber {
  const client = new OpenAI({
    // A local server ignores the key; the SDK insists on one.
    apiKey: config.apiKey ?? 'not-needed',
    baseURL: config.baseURL ?? null,
    timeout: config.timeoutMs,
    maxRetries: 0,
    logLevel: 'off',
  });
  return {
    model: config.model,
    async transcribe(file, signal) {
      try {
        const result = await client.audio.transcriptions.create(
          {
            file: await toFile(file.bytes, file.name, { type: file.mime }),
            model: config.model,
            response_format: 'json',
            ...(config.language ? { language: config.language } : {}),
          },
          signal ? { signal } : {},
        );
        if (typeof result?.text !== 'string') throw new TranscriptionError('the transcription service answered without a text', 502);
        return { text: result.text, language: config.language };
      } catch (err) {
        if (err instanceof TranscriptionError) throw err;
        if (err instanceof APIError) {
          const status = typeof err.status === 'number' ? err.status : undefined;
          throw new TranscriptionError(`transcription failed${status === undefined ? '' : ` (HTTP ${status})`}: ${errorMessage(err)}`, status, { cause: err });
        }
        throw new TranscriptionError(`transcription failed: ${errorMessage(err)}`, undefined, { cause: err });
      }
    },
  };
}
