/**
 * The LLM an agent gets when a model is configured: the model, within a deadline per message and
 * behind the endpoint's circuit breaker, and the agent's offline rules whenever the model cannot
 * answer in time (open breaker, timeout, HTTP error, malformed or schema-invalid output, refusal).
 * The payloads an agent writes then say "rules" rather than "llm", and the owner gets an answer in
 * seconds however the model is doing.
 *
 * The deadline is per message: the runtime gives each delivery its own view (`forMessage`), whose
 * calls all end by (first model call) + DEADLINE_MS, or + GENERATE_DEADLINE_MS for `complete`.
 * A call made outside a handler is a message of its own.
 */
import type { Logger } from '@hive/bus';
import { ModelUnavailableError } from '../errors.js';
import type { CircuitBreaker } from './breaker.js';
import { callModel, DEFAULT_DEADLINE_MS, DEFAULT_GENERATE_DEADLINE_MS, type AttemptLimits, type AttemptVerdict } from './call-model.js';
import type { FallbackReason, LlmMetrics } from './metrics.js';
import { describeLlmError, type ModelTransport } from './openai.js';
import type { Llm } from './port.js';

export interface ModelLlmOptions {
  readonly model: ModelTransport;
  /** How to read the transport's errors (judgeOpenAiError for the openai SDK). */
  readonly judge: (err: unknown) => AttemptVerdict;
  readonly offline: Llm;
  readonly breaker: CircuitBreaker;
  /** @defaultValue DEFAULT_DEADLINE_MS */
  readonly deadlineMs?: number;
  /** @defaultValue DEFAULT_GENERATE_DEADLINE_MS */
  readonly generateDeadlineMs?: number;
  /** The longest one attempt may take (the deadline cuts it shorter). */
  readonly attemptTimeoutMs: number;
  readonly maxRetries: number;
  readonly log: Logger;
  readonly metrics?: LlmMetrics | undefined;
}

type Op = 'classify' | 'extract' | 'complete';

/** The model within the message's deadline, the rules otherwise; see the file comment. */
export function createModelLlm(o: ModelLlmOptions): Llm {
  const deadlineMs = o.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const generateMs = o.generateDeadlineMs ?? DEFAULT_GENERATE_DEADLINE_MS;

  const forMessage = (signal?: AbortSignal): Llm => {
    let firstCallAt: number | undefined;
    async function attempt<T>(op: Op, online: (limits: AttemptLimits) => Promise<T>, rules: () => Promise<T>): Promise<T> {
      // Loading the SDK (once, when the first model is made) is not the model's time to answer.
      await o.model.ready?.();
      firstCallAt ??= Date.now();
      const deadlineAt = firstCallAt + (op === 'complete' ? generateMs : deadlineMs);
      let reason: FallbackReason;
      const before = o.breaker.state;
      const logTransition = () => {
        const after = o.breaker.status();
        if (after.state === before) return;
        if (after.state === 'open') o.log.warn({ endpoint: after.endpoint, failures: after.failures, lastError: after.lastError, probeInMs: o.breaker.settings.openMs }, 'model circuit open: answering from the rules without asking');
        else if (after.state === 'closed') o.log.info({ endpoint: after.endpoint }, 'model circuit closed: the model answers again');
      };
      try {
        const result = await callModel(
          {
            breaker: o.breaker,
            deadlineAt,
            attemptTimeoutMs: o.attemptTimeoutMs,
            maxRetries: o.maxRetries,
            signal,
            judge: o.judge,
            onFailure: (category) => o.metrics?.failure(op, category),
          },
          online,
        );
        logTransition();
        o.metrics?.call(op, 'ok');
        return result;
      } catch (err) {
        // Stopping: no answer at all, so the bus hands the message to the next consumer.
        if (signal?.aborted) throw err;
        logTransition();
        reason = err instanceof ModelUnavailableError ? err.reason : 'unusable';
        const line = { op, reason, err: describeLlmError(err), endpoint: o.breaker.endpoint };
        // An open breaker is already known (it was logged when it opened); saying so per message is noise.
        if (reason === 'breaker_open') o.log.debug(line, 'model not asked (circuit open); answering from the rules');
        else o.log.warn(line, 'model did not answer usably; answering from the rules');
      }
      let result: T;
      try {
        result = await rules();
      } catch (offlineErr) {
        o.metrics?.call(op, 'failed');
        throw offlineErr;
      }
      o.metrics?.call(op, 'fallback');
      o.metrics?.fallback(op, reason);
      return result;
    }
    return {
      kind: 'openai',
      breaker: o.breaker,
      forMessage,
      classify: (text, labels, options = {}) =>
        attempt(
          'classify',
          (limits) => o.model.classify(text, labels, options, limits),
          () => o.offline.classify(text, labels, options),
        ),
      extract: (text, schema, options = {}) =>
        attempt(
          'extract',
          (limits) => o.model.extract(text, schema, options, limits),
          () => o.offline.extract(text, schema, options),
        ),
      complete: (prompt, options = {}) =>
        attempt(
          'complete',
          (limits) => o.model.complete(prompt, options, limits),
          () => o.offline.complete(prompt, options),
        ),
    };
  };

  // Outside a handler, each call is a message of its own.
  return {
    kind: 'openai',
    breaker: o.breaker,
    forMessage,
    classify: (text, labels, options) => forMessage().classify(text, labels, options),
    extract: (text, schema, options) => forMessage().extract(text, schema, options),
    complete: (prompt, options) => forMessage().complete(prompt, options),
  };
}
