/**
 * Prometheus metrics for the model: how each call was answered, why the model failed, why the rules
 * answered instead, tokens spent, and the state of each endpoint's circuit breaker.
 */
import type { ModelUnavailableReason } from '../errors.js';
import { Counter, Gauge, type Registry } from 'prom-client';
import { agentModels } from './breakers.js';
import type { FailureCategory } from './call-model.js';

/** Why the rules answered a call: the model could not, or answered with nothing usable. */
export type FallbackReason = ModelUnavailableReason | 'unusable';

export interface LlmMetrics {
  /** One call, by how it was answered: by the model, by the rules instead, or by neither. */
  call(op: string, outcome: 'ok' | 'fallback' | 'failed'): void;
  /** One failed attempt at the model. */
  failure(op: string, category: FailureCategory): void;
  /** One call the rules answered instead of the model, and why. */
  fallback(op: string, reason: FallbackReason): void;
  tokens(prompt: number, completion: number): void;
}

/** The breaker gauge's values. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Register `hive_llm_calls_total{op,outcome}`, `hive_llm_failures_total{op,reason}`,
 * `hive_llm_fallbacks_total{op,reason}`, `hive_llm_tokens_total{kind}` and, for `agent`'s
 * endpoints, `hive_llm_breaker_state{endpoint}` (0 closed, 1 half-open, 2 open) in `registry`.
 */
export function createLlmMetrics(registry: Registry, agent?: string): LlmMetrics {
  const calls = new Counter({ name: 'hive_llm_calls_total', help: 'LLM calls by operation and outcome (ok: the model answered; fallback: the rules did; failed: neither)', labelNames: ['op', 'outcome'], registers: [registry] });
  const failures = new Counter({ name: 'hive_llm_failures_total', help: 'Failed attempts at the model, by operation and reason', labelNames: ['op', 'reason'], registers: [registry] });
  const fallbacks = new Counter({ name: 'hive_llm_fallbacks_total', help: 'Calls the rules answered instead of the model, by operation and reason', labelNames: ['op', 'reason'], registers: [registry] });
  const tokens = new Counter({ name: 'hive_llm_tokens_total', help: 'LLM tokens used', labelNames: ['kind'], registers: [registry] });
  if (agent !== undefined) {
    new Gauge({
      name: 'hive_llm_breaker_state',
      help: 'Circuit breaker of each model endpoint the agent uses: 0 closed, 1 half-open (probing), 2 open (the rules answer)',
      labelNames: ['endpoint'],
      registers: [registry],
      collect() {
        this.reset();
        for (const m of agentModels(agent)) this.set({ endpoint: m.endpoint }, BREAKER_STATE_VALUE[m.state]);
      },
    });
  }
  return {
    call: (op, outcome) => calls.inc({ op, outcome }),
    failure: (op, reason) => failures.inc({ op, reason }),
    fallback: (op, reason) => fallbacks.inc({ op, reason }),
    tokens: (prompt, completion) => {
      tokens.inc({ kind: 'prompt' }, prompt);
      tokens.inc({ kind: 'completion' }, completion);
    },
  };
}
