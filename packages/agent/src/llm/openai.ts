/**
 * The model over the openai SDK: any OpenAI-compatible server (set `baseURL` for a self-hosted
 * model), structured output via `zodResponseFormat`, token usage logged and counted. One request is
 * one attempt: the SDK's own retries are off, because call-model.ts retries within the message's
 * deadline instead.
 *
 * zodResponseFormat works with zod 4.6 in openai 6.30.1 (the SDK converts zod 4 schemas with
 * `z.toJSONSchema` and makes them strict). Strict mode has one consequence for schemas passed to
 * `extract`: every field must be required, so write "may be absent" as `.nullable()`, not
 * `.optional()` — the SDK throws on `.optional()`, and the rules then answer.
 *
 * openai is an optional peer dependency of `@hive/agent`: it is imported when the first model is
 * made, so an agent on its offline rules never loads it, and a user without a model need not install it.
 */
import { createRequire } from 'node:module';
import { ConfigError, errorMessage, type Logger } from '@hive/bus';
import type { OpenAI } from 'openai';
import { z } from 'zod';
import { LlmError } from '../errors.js';
import type { AttemptLimits, AttemptVerdict } from './call-model.js';
import type { LlmMetrics } from './metrics.js';
import { DEFAULT_EXTRACTION_NAME, type Classification, type ClassifyOptions, type Completion, type CompleteOptions, type Extraction, type ExtractOptions } from './port.js';

export interface OpenAiModelOptions {
  /** API key; a placeholder is sent when only `baseURL` is set (local servers ignore it). */
  apiKey?: string;
  /** Base URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1. @defaultValue https://api.openai.com/v1 */
  baseURL?: string;
  model: string;
  log: Logger;
  metrics?: LlmMetrics;
}

/** The three calls of the LLM port, one attempt each, within `limits`; errors propagate. */
export interface ModelTransport {
  /** Resolves once the transport can send (its SDK imported): a message's deadline starts after it. */
  ready?(): Promise<void>;
  classify<const L extends string>(text: string, labels: readonly L[], options: ClassifyOptions, limits: AttemptLimits): Promise<Classification<L>>;
  extract<S extends z.ZodType>(text: string, schema: S, options: ExtractOptions, limits: AttemptLimits): Promise<Extraction<z.output<S>>>;
  complete(prompt: string, options: CompleteOptions, limits: AttemptLimits): Promise<Completion>;
}

type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined;

/** The openai-SDK transport: one HTTP request per call, cut off by `limits`. */
export function createOpenAiModel(opts: OpenAiModelOptions): ModelTransport {
  assertOpenAiInstalled();
  const client = loadSdk().then(
    ({ OpenAI }) =>
      new OpenAI({
        apiKey: opts.apiKey ?? 'not-needed',
        baseURL: opts.baseURL ?? null,
        maxRetries: 0,
        // The SDK's own console logging would bypass our structured logs.
        logLevel: 'off',
      }),
  );
  // Awaited by the first call; a failed import is that call's error, not an unhandled rejection now.
  client.catch(() => undefined);
  const log = opts.log.child({ llm: 'openai', model: opts.model });
  const request = (limits: AttemptLimits) => ({ signal: limits.signal, timeout: limits.timeoutMs, maxRetries: 0 });

  const usage = (op: string, u: Usage) => {
    if (!u) return;
    log.info({ op, promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens }, 'llm usage');
    opts.metrics?.tokens(u.prompt_tokens, u.completion_tokens);
  };

  async function structured<S extends z.ZodType>(op: string, name: string, system: string, text: string, schema: S, limits: AttemptLimits): Promise<z.output<S>> {
    const { zodResponseFormat } = await loadSdk();
    const completion = await (await client).chat.completions.parse(
      {
        model: opts.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: text },
        ],
        response_format: zodResponseFormat(schema, name),
      },
      request(limits),
    );
    usage(op, completion.usage as Usage);
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw new LlmError(`the model refused: ${message.refusal}`);
    if (message?.parsed === null || message?.parsed === undefined) throw new LlmError('the model returned no content');
    return message.parsed as z.output<S>;
  }

  return {
    async ready() {
      await client;
    },
    async classify(text, labels, options, limits) {
      if (labels.length === 0) throw new LlmError('classify needs at least one label');
      // No minimum/maximum on confidence: strict structured output on some servers rejects those keywords; clamped below.
      const schema = z.object({ label: z.enum(labels as unknown as [string, ...string[]]), confidence: z.number() });
      const system =
        `Classify the user's message into exactly one of these labels: ${labels.join(', ')}.` +
        (options.instructions ? `\n${options.instructions}` : '') +
        '\nAnswer with the label and your confidence from 0 to 1.';
      const r = await structured('classify', 'classification', system, text, schema, limits);
      return { label: r.label as (typeof labels)[number], confidence: Math.max(0, Math.min(1, r.confidence)), source: 'llm' };
    },
    async extract(text, schema, options, limits) {
      const name = options.name ?? DEFAULT_EXTRACTION_NAME;
      const system = `Extract the requested fields from the user's message. Use null for anything the message does not say.${options.instructions ? `\n${options.instructions}` : ''}`;
      return { data: await structured('extract', name, system, text, schema, limits), source: 'llm' };
    },
    async complete(prompt, options, limits) {
      const completion = await (await client).chat.completions.create(
        {
          model: opts.model,
          messages: [...(options.system ? [{ role: 'system' as const, content: options.system }] : []), { role: 'user' as const, content: prompt }],
          ...(options.maxTokens !== undefined ? { max_completion_tokens: options.maxTokens } : {}),
        },
        request(limits),
      );
      usage('complete', completion.usage as Usage);
      const text = completion.choices[0]?.message?.content;
      if (typeof text !== 'string' || text.length === 0) throw new LlmError('the model returned no content');
      return { text, source: 'llm' };
    },
  };
}

interface OpenAiSdk {
  readonly OpenAI: typeof OpenAI;
  readonly zodResponseFormat: typeof import('openai/helpers/zod').zodResponseFormat;
}

// Set once the SDK is imported: before that, no error can have come from it.
let sdk: OpenAiSdk | undefined;
let loading: Promise<OpenAiSdk> | undefined;

function loadSdk(): Promise<OpenAiSdk> {
  loading ??= Promise.all([import('openai'), import('openai/helpers/zod')]).then(([main, helpers]) => (sdk = { OpenAI: main.OpenAI, zodResponseFormat: helpers.zodResponseFormat }));
  return loading;
}

/** A ConfigError naming the package when openai is not installed (checked when a model is made, at the agent's start). */
function assertOpenAiInstalled(): void {
  try {
    createRequire(import.meta.url).resolve('openai');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    throw new ConfigError('OPENAI_API_KEY or OPENAI_BASE_URL is set but the openai package is not installed: npm install openai (or unset both to use the offline rules)', {
      package: 'openai',
    });
  }
}

/** The server's own wait before a retry (`retry-after-ms` or `retry-after` in seconds), if it gave one. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const s = Number(headers?.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}

/**
 * What an SDK error says about the endpoint. No answer, 408, 409, 429 and 5xx are failures worth a
 * retry; 401, 403 and 404 (key, permission, model name) are failures no retry fixes; any other answer
 * (400, 422, a refusal, output that fails the schema) means the endpoint is there.
 */
export function judgeOpenAiError(err: unknown): AttemptVerdict {
  if (!sdk) return { kind: 'answered' };
  const { OpenAI } = sdk;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'failed', reason: 'timed out', category: 'timeout', retry: true };
  if (err instanceof OpenAI.APIConnectionError) return { kind: 'failed', reason: `connection failed: ${errorMessage(err.cause ?? err)}`, category: 'connection', retry: true };
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const s = err.status;
    const reason = `HTTP ${s}`;
    const after = retryAfterMs(err.headers);
    if (s === 429) return { kind: 'failed', reason, category: 'http_429', retry: true, ...(after !== undefined ? { retryAfterMs: after } : {}) };
    if (s >= 500 || s === 408 || s === 409) return { kind: 'failed', reason, category: 'http_5xx', retry: true, ...(after !== undefined ? { retryAfterMs: after } : {}) };
    if (s === 401 || s === 403) return { kind: 'failed', reason, category: 'http_auth', retry: false };
    if (s === 404) return { kind: 'failed', reason, category: 'http_other', retry: false };
  }
  return { kind: 'answered' };
}

/** A short description of an SDK error for a log line: status and message, never the request. */
export function describeLlmError(err: unknown): string {
  if (sdk && err instanceof sdk.OpenAI.APIError && err.status !== undefined) return `HTTP ${err.status}: ${err.message}`;
  return errorMessage(err);
}
