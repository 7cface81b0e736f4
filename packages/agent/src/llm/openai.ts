/**
 * The LLM port over the openai SDK: any OpenAI-compatible server (set `baseURL` for a self-hosted
 * model), structured output via `zodResponseFormat`, token usage logged and counted.
 *
 * zodResponseFormat works with zod 4.6 in openai 6.30.1 (the SDK converts zod 4 schemas with
 * `z.toJSONSchema` and makes them strict). Strict mode has one consequence for schemas passed to
 * `extract`: every field must be required, so write "may be absent" as `.nullable()`, not
 * `.optional()` — the SDK throws on `.optional()`, and the fallback then answers offline.
 */
import { errorMessage, type Logger } from '@hive/bus';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { LlmError } from '../errors.js';
import { DEFAULT_EXTRACTION_NAME, type Llm } from './port.js';
import type { LlmMetrics } from './metrics.js';

export interface OpenAiLlmOptions {
  /** API key; a placeholder is sent when only `baseURL` is set (local servers ignore it). */
  apiKey?: string;
  /** Base URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1. @defaultValue https://api.openai.com/v1 */
  baseURL?: string;
  model: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Retries on connection errors, 408, 429 and 5xx, with the SDK's backoff. */
  maxRetries: number;
  log: Logger;
  metrics?: LlmMetrics;
}

type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined;

/** The openai-SDK implementation of the LLM port; errors propagate (wrap it with `withOfflineFallback`). */
export function createOpenAiLlm(opts: OpenAiLlmOptions): Llm {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? 'not-needed',
    baseURL: opts.baseURL ?? null,
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    // The SDK's own console logging would bypass our structured logs.
    logLevel: 'off',
  });
  const log = opts.log.child({ llm: 'openai', model: opts.model });

  const usage = (op: string, u: Usage) => {
    if (!u) return;
    log.info({ op, promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens }, 'llm usage');
    opts.metrics?.tokens(u.prompt_tokens, u.completion_tokens);
  };

  async function structured<S extends z.ZodType>(op: string, name: string, system: string, text: string, schema: S): Promise<z.output<S>> {
    const completion = await client.chat.completions.parse({
      model: opts.model,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: text },
      ],
      response_format: zodResponseFormat(schema, name),
    });
    usage(op, completion.usage as Usage);
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw new LlmError(`the model refused: ${message.refusal}`);
    if (message?.parsed === null || message?.parsed === undefined) throw new LlmError('the model returned no content');
    return message.parsed as z.output<S>;
  }

  return {
    kind: 'openai',
    async classify(text, labels, options = {}) {
      if (labels.length === 0) throw new LlmError('classify needs at least one label');
      // No minimum/maximum on confidence: strict structured output on some servers rejects those keywords; clamped below.
      const schema = z.object({ label: z.enum(labels as unknown as [string, ...string[]]), confidence: z.number() });
      const system =
        `Classify the user's message into exactly one of these labels: ${labels.join(', ')}.` +
        (options.instructions ? `\n${options.instructions}` : '') +
        '\nAnswer with the label and your confidence from 0 to 1.';
      const r = await structured('classify', 'classification', system, text, schema);
      return { label: r.label as (typeof labels)[number], confidence: Math.max(0, Math.min(1, r.confidence)), source: 'llm' };
    },
    async extract(text, schema, options = {}) {
      const name = options.name ?? DEFAULT_EXTRACTION_NAME;
      const system = `Extract the requested fields from the user's message. Use null for anything the message does not say.${options.instructions ? `\n${options.instructions}` : ''}`;
      return { data: await structured('extract', name, system, text, schema), source: 'llm' };
    },
    async complete(prompt, options = {}) {
      const completion = await client.chat.completions.create({
        model: opts.model,
        messages: [...(options.system ? [{ role: 'system' as const, content: options.system }] : []), { role: 'user' as const, content: prompt }],
        ...(options.maxTokens !== undefined ? { max_completion_tokens: options.maxTokens } : {}),
      });
      usage('complete', completion.usage as Usage);
      const text = completion.choices[0]?.message?.content;
      if (typeof text !== 'string' || text.length === 0) throw new LlmError('the model returned no content');
      return { text, source: 'llm' };
    },
  };
}

/** A short description of an SDK error for a log line: status and message, never the request. */
export function describeLlmError(err: unknown): string {
  if (err instanceof OpenAI.APIError && err.status !== undefined) return `HTTP ${err.status}: ${err.message}`;
  return errorMessage(err);
}
