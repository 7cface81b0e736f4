/** Prometheus counters for LLM calls: how often each path answered, and tokens spent. */
import { Counter, type Registry } from 'prom-client';

export interface LlmMetrics {
  call(op: string, outcome: 'ok' | 'fallback' | 'failed'): void;
  tokens(prompt: number, completion: number): void;
}

/** Register `hive_llm_calls_total{op,outcome}` and `hive_llm_tokens_total{kind}` in `registry`. */
export function createLlmMetrics(registry: Registry): LlmMetrics {
  const calls = new Counter({ name: 'hive_llm_calls_total', help: 'LLM calls by operation and outcome', labelNames: ['op', 'outcome'], registers: [registry] });
  const tokens = new Counter({ name: 'hive_llm_tokens_total', help: 'LLM tokens used', labelNames: ['kind'], registers: [registry] });
  return {
    call: (op, outcome) => calls.inc({ op, outcome }),
    tokens: (prompt, completion) => {
      tokens.inc({ kind: 'prompt' }, prompt);
      tokens.inc({ kind: 'completion' }, completion);
    },
  };
}
