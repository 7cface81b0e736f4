/**
 * The transcription port and its OpenAI implementation (`audio.transcriptions.create` of the openai
 * SDK; any OpenAI-compatible server through OPENAI_BASE_URL). A voice note gets VOX_DEADLINE_MS,
 * retries included, through the endpoint's circuit breaker (the runtime's, shared by the process):
 * a transcription service that hangs or fails costs the owner that long at most, and after a few
 * failures in a row nothing at all. Failures become a TranscriptionError carrying the HTTP status,
 * which decides what happens to the message (domain/failure.ts).
 */
import {
  type AttemptVerdict,
  callModel,
  endpointId,
  errorMessage,
  modelBreaker,
  ModelUnavailableError,
} from '@hive/agent';
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
  /** The service was not asked: its circuit is open after failures in a row. */
  readonly unavailable: boolean;
  /** Attempts made for this voice note (0 when not asked). */
  readonly attempts: number;
  constructor(message: string, status: number | undefined, options: { cause?: unknown; unavailable?: boolean; attempts?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.kind = failureKind(status);
    this.unavailable = options.unavailable ?? false;
    this.attempts = options.attempts ?? 1;
  }
}

function statusOf(err: unknown): number | undefined {
  if (err instanceof TranscriptionError) return err.status;
  return err instanceof APIError && typeof err.status === 'number' ? err.status : undefined;
}

/** What a failed attempt says about the service, by the same kinds the handler acts on. */
function judge(err: unknown): AttemptVerdict {
  const status = statusOf(err);
  const kind = failureKind(status);
  if (kind === 'audio') return { kind: 'answered' };
  const reason = status === undefined ? `no answer: ${errorMessage(err)}` : `HTTP ${status}`;
  if (kind === 'setup') return { kind: 'failed', reason, category: 'http_auth', retry: false };
  return { kind: 'failed', reason, category: status === undefined ? 'connection' : status === 429 ? 'http_429' : 'http_5xx', retry: true };
}

/** The openai-SDK transcriber; the SDK's own retries are off: they happen here, within the deadline. */
export function createOpenAiTranscriber(config: TranscriptionConfig, agent = 'vox'): Transcriber {
  const client = new OpenAI({
    // A local server ignores the key; the SDK insists on one.
    apiKey: config.apiKey ?? 'not-needed',
    baseURL: config.baseURL ?? null,
    maxRetries: 0,
    logLevel: 'off',
  });
  const endpoint = endpointId(config.model, config.baseURL);
  return {
    model: config.model,
    async transcribe(file, signal) {
      const breaker = modelBreaker(endpoint, { settings: config.breaker, agent });
      try {
        const text = await callModel(
          { breaker, deadlineAt: Date.now() + config.deadlineMs, attemptTimeoutMs: config.timeoutMs, maxRetries: config.maxRetries, signal, judge },
          async (limits) => {
            const result = await client.audio.transcriptions.create(
              {
                file: await toFile(file.bytes, file.name, { type: file.mime }),
                model: config.model,
                response_format: 'json',
                ...(config.language ? { language: config.language } : {}),
              },
              { signal: limits.signal, timeout: limits.timeoutMs, maxRetries: 0 },
            );
            if (typeof result?.text !== 'string') throw new TranscriptionError('the transcription service answered without a text', 502);
            return result.text;
          },
        );
        return { text, language: config.language };
      } catch (err) {
        if (signal?.aborted) throw err;
        if (err instanceof ModelUnavailableError) {
          if (err.reason === 'breaker_open') throw new TranscriptionError(`transcription not attempted: ${err.message}`, undefined, { cause: err, unavailable: true, attempts: 0 });
          const status = statusOf(err.cause);
          const detail = err.cause instanceof APIError || err.cause instanceof TranscriptionError ? `: ${errorMessage(err.cause)}` : '';
          throw new TranscriptionError(`transcription failed after ${err.attempts} ${err.attempts === 1 ? 'try' : 'tries'}: ${err.message}${detail}`, status, { cause: err, attempts: err.attempts });
        }
        const status = statusOf(err);
        throw new TranscriptionError(`transcription failed${status === undefined ? '' : ` (HTTP ${status})`}: ${errorMessage(err)}`, status, { cause: err });
      }
    },
  };
}
