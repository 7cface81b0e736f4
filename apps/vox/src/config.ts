/**
 * vox's own environment variables, as a zod object keyed by variable name (the runtime reports
 * every bad one at once). OPENAI_API_KEY and OPENAI_BASE_URL are the shared ones: vox reads them
 * too, because transcription is not part of the runtime's LLM port.
 */
import { join, resolve } from 'node:path';
import { envInt, hiveEnvSchema } from '@hive/agent';
import { z } from 'zod';
import type { Limits } from './domain/voice-note.js';

/** The OpenAI API takes audio files up to 25 MB. */
export const DEFAULT_MAX_BYTES = 25_000_000;
/** A cost guard: 15 minutes of speech is a long voice note. */
export const DEFAULT_MAX_SECONDS = 900;
/** Per attempt; a long recording takes a while to transcribe. */
export const DEFAULT_TIMEOUT_MS = 120_000;
/**
 * How long one voice note may wait for its transcript, retries included; then the owner is told to
 * type it. Generous, because transcribing minutes of speech takes a while. @defaultValue 60000
 */
export const DEFAULT_DEADLINE_MS = 60_000;
export const DEFAULT_MODEL = 'whisper-1';

const flag = z.string().transform((s, ctx) => {
  const v = s.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: 'must be 1 or 0' });
  return z.NEVER;
});

export const voxConfig = z
  .object({
    /** Where agents keep files. @defaultValue ".data" */
    HIVE_DATA_DIR: z.string().min(1).default('.data'),
    /** The blob store kami writes media to. @defaultValue HIVE_DATA_DIR/blobs */
    HIVE_BLOB_DIR: z.string().min(1).optional(),
    /** The only directory vox reads voice notes from when they come as a path (entries written at v2). @defaultValue HIVE_DATA_DIR */
    VOX_MEDIA_DIR: z.string().min(1).optional(),
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
    /** whisper-1, gpt-4o-mini-transcribe, gpt-4o-transcribe, or a self-hosted server's model name. @defaultValue "whisper-1" */
    VOX_MODEL: z.string().min(1).default(DEFAULT_MODEL),
    /** The speakers' language as ISO-639-1 ("en", "de"): more accurate and faster; unset = detect. */
    VOX_LANGUAGE: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter ISO-639-1 code, e.g. "en"').optional(),
    VOX_MAX_BYTES: envInt(1, 1_000_000_000).default(DEFAULT_MAX_BYTES),
    VOX_MAX_SECONDS: envInt(1, 86_400).default(DEFAULT_MAX_SECONDS),
    VOX_TIMEOUT_MS: envInt(1_000, 600_000).default(DEFAULT_TIMEOUT_MS),
    VOX_DEADLINE_MS: envInt(100, 3_600_000).default(DEFAULT_DEADLINE_MS),
    // The runtime's retry and breaker settings, read the same way (the transcriber is vox's own client).
    OPENAI_MAX_RETRIES: hiveEnvSchema.shape.OPENAI_MAX_RETRIES,
    OPENAI_BREAKER_FAILURES: hiveEnvSchema.shape.OPENAI_BREAKER_FAILURES,
    OPENAI_BREAKER_OPEN_MS: hiveEnvSchema.shape.OPENAI_BREAKER_OPEN_MS,
    /** Quote the transcript back to the chat ("I heard: …"). @defaultValue 1 */
    VOX_ECHO: flag.default(true),
  })
  .transform((c) => ({
    transcription:
      c.OPENAI_API_KEY !== undefined || c.OPENAI_BASE_URL !== undefined
        ? {
            apiKey: c.OPENAI_API_KEY,
            baseURL: c.OPENAI_BASE_URL,
            model: c.VOX_MODEL,
            language: c.VOX_LANGUAGE,
            timeoutMs: c.VOX_TIMEOUT_MS,
            deadlineMs: c.VOX_DEADLINE_MS,
            maxRetries: c.OPENAI_MAX_RETRIES,
            breaker: { failureThreshold: c.OPENAI_BREAKER_FAILURES, openMs: c.OPENAI_BREAKER_OPEN_MS },
          }
        : undefined,
    limits: { maxBytes: c.VOX_MAX_BYTES, maxSeconds: c.VOX_MAX_SECONDS } satisfies Limits,
    mediaDir: resolve(c.VOX_MEDIA_DIR ?? c.HIVE_DATA_DIR),
    blobDir: resolve(c.HIVE_BLOB_DIR ?? join(c.HIVE_DATA_DIR, 'blobs')),
    echo: c.VOX_ECHO,
  }));

export type VoxConfig = z.output<typeof voxConfig>;
export type TranscriptionConfig = NonNullable<VoxConfig['transcription']>;
