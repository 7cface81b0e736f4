/** Choosing the LLM from configuration: the model (deadline, breaker, rules as fallback) when a key or base URL is set, else the rules. */
import type { Logger } from '@hive/bus';
import type { HiveEnv } from '../env.js';
import { endpointId, modelBreaker } from './breakers.js';
import type { LlmMetrics } from './metrics.js';
import { createModelLlm } from './model-llm.js';
import { createOfflineLlm, type OfflineRules } from './offline.js';
import { createOpenAiModel, judgeOpenAiError } from './openai.js';
import type { Llm } from './port.js';

/** The variables createLlm reads. */
export type LlmEnv = Pick<
  HiveEnv,
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_MODEL'
  | 'OPENAI_TIMEOUT_MS'
  | 'OPENAI_MAX_RETRIES'
  | 'OPENAI_DEADLINE_MS'
  | 'OPENAI_GENERATE_DEADLINE_MS'
  | 'OPENAI_BREAKER_FAILURES'
  | 'OPENAI_BREAKER_OPEN_MS'
>;

/**
 * The LLM an agent gets: the model with the offline rules as fallback if OPENAI_API_KEY or
 * OPENAI_BASE_URL is set, else the rules. `agent` names who uses the endpoint (its registry record
 * and breaker gauge list it); the endpoint's breaker is the process's, shared with other agents.
 */
export function createLlm(env: LlmEnv, rules: OfflineRules, log: Logger, metrics?: LlmMetrics, agent?: string): Llm {
  const offline = createOfflineLlm(rules);
  if (env.OPENAI_API_KEY === undefined && env.OPENAI_BASE_URL === undefined) {
    log.info({}, 'LLM: offline rules (set OPENAI_API_KEY or OPENAI_BASE_URL to use a model)');
    return offline;
  }
  const endpoint = endpointId(env.OPENAI_MODEL, env.OPENAI_BASE_URL);
  const breaker = modelBreaker(endpoint, {
    settings: { failureThreshold: env.OPENAI_BREAKER_FAILURES, openMs: env.OPENAI_BREAKER_OPEN_MS },
    ...(agent !== undefined ? { agent } : {}),
  });
  const model = createOpenAiModel({
    ...(env.OPENAI_API_KEY !== undefined ? { apiKey: env.OPENAI_API_KEY } : {}),
    ...(env.OPENAI_BASE_URL !== undefined ? { baseURL: env.OPENAI_BASE_URL } : {}),
    model: env.OPENAI_MODEL,
    log,
    ...(metrics ? { metrics } : {}),
  });
  log.info(
    { endpoint, deadlineMs: env.OPENAI_DEADLINE_MS, generateDeadlineMs: env.OPENAI_GENERATE_DEADLINE_MS, breakerFailures: env.OPENAI_BREAKER_FAILURES, breakerOpenMs: env.OPENAI_BREAKER_OPEN_MS },
    'LLM: OpenAI-compatible API within a deadline per message, offline rules as fallback',
  );
  return createModelLlm({
    model,
    judge: judgeOpenAiError,
    offline,
    breaker,
    deadlineMs: env.OPENAI_DEADLINE_MS,
    generateDeadlineMs: env.OPENAI_GENERATE_DEADLINE_MS,
    attemptTimeoutMs: env.OPENAI_TIMEOUT_MS,
    maxRetries: env.OPENAI_MAX_RETRIES,
    log,
    metrics,
  });
}

export { CircuitBreaker, DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_OPEN_MS, type BreakerPermit, type BreakerSettings, type BreakerState } from './breaker.js';
export { agentModels, endpointId, forgetModelBreakers, modelBreaker, watchAgentModels } from './breakers.js';
export {
  callModel,
  DEFAULT_DEADLINE_MS,
  DEFAULT_GENERATE_DEADLINE_MS,
  MIN_ATTEMPT_MS,
  RETRY_BASE_MS,
  type AttemptLimits,
  type AttemptVerdict,
  type FailureCategory,
  type ModelCallOptions,
} from './call-model.js';
export { BREAKER_STATE_VALUE, createLlmMetrics, type FallbackReason, type LlmMetrics } from './metrics.js';
export { createModelLlm, type ModelLlmOptions } from './model-llm.js';
export { classifyByKeywords, createOfflineLlm, type Keyword, type OfflineRules } from './offline.js';
export { createOpenAiModel, describeLlmError, judgeOpenAiError, type ModelTransport, type OpenAiModelOptions } from './openai.js';
export * from './port.js';
export { modelStatuses, type AgentModelStatus } from './model-status.js';
