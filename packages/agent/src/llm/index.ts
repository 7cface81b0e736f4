/** Choosing the LLM from configuration: OpenAI (with offline fallback) when a key or base URL is set, else offline. */
import type { Logger } from '@hive/bus';
import type { HiveEnv } from '../env.js';
import { withOfflineFallback } from './fallback.js';
import type { LlmMetrics } from './metrics.js';
import { createOfflineLlm, type OfflineRules } from './offline.js';
import { createOpenAiLlm } from './openai.js';
import type { Llm } from './port.js';

/** The LLM an agent gets: OpenAI-backed with offline fallback if OPENAI_API_KEY or OPENAI_BASE_URL is set, else offline. */
export function createLlm(env: Pick<HiveEnv, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS' | 'OPENAI_MAX_RETRIES'>, rules: OfflineRules, log: Logger, metrics?: LlmMetrics): Llm {
  const offline = createOfflineLlm(rules);
  if (env.OPENAI_API_KEY === undefined && env.OPENAI_BASE_URL === undefined) {
    log.info({}, 'LLM: offline rules (set OPENAI_API_KEY or OPENAI_BASE_URL to use a model)');
    return offline;
  }
  const primary = createOpenAiLlm({
    ...(env.OPENAI_API_KEY !== undefined ? { apiKey: env.OPENAI_API_KEY } : {}),
    ...(env.OPENAI_BASE_URL !== undefined ? { baseURL: env.OPENAI_BASE_URL } : {}),
    model: env.OPENAI_MODEL,
    timeoutMs: env.OPENAI_TIMEOUT_MS,
    maxRetries: env.OPENAI_MAX_RETRIES,
    log,
    ...(metrics ? { metrics } : {}),
  });
  log.info({ model: env.OPENAI_MODEL, baseURL: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1' }, 'LLM: OpenAI-compatible API, offline rules as fallback');
  return withOfflineFallback(primary, offline, log, metrics);
}

export { withOfflineFallback } from './fallback.js';
export { createLlmMetrics, type LlmMetrics } from './metrics.js';
export { classifyByKeywords, createOfflineLlm, type Keyword, type OfflineRules } from './offline.js';
export { createOpenAiLlm, describeLlmError, type OpenAiLlmOptions } from './openai.js';
export * from './port.js';
