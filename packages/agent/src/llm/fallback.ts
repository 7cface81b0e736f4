/**
 * The fallback: try the model, and when it fails (HTTP error, timeout, malformed or schema-invalid
 * output, refusal) log a warning and answer with the offline rules instead. An agent keeps working
 * through an API outage; the payloads it writes say "rules" rather than "llm".
 */
import type { Logger } from '@hive/bus';
import { describeLlmError } from './openai.js';
import type { LlmMetrics } from './metrics.js';
import type { Llm } from './port.js';

/** Wrap `primary` so that any failure is logged and answered by `offline`. */
export function withOfflineFallback(primary: Llm, offline: Llm, log: Logger, metrics?: LlmMetrics): Llm {
  async function attempt<T>(op: 'classify' | 'extract' | 'complete', online: () => Promise<T>, rules: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await online();
    } catch (err) {
      log.warn({ op, err: describeLlmError(err) }, 'LLM call failed; falling back to the offline rules');
      try {
        result = await rules();
      } catch (offlineErr) {
        metrics?.call(op, 'failed');
        throw offlineErr;
      }
      metrics?.call(op, 'fallback');
      return result;
    }
    metrics?.call(op, 'ok');
    return result;
  }
  return {
    kind: primary.kind,
    classify: (text, labels, options) =>
      attempt(
        'classify',
        () => primary.classify(text, labels, options),
        () => offline.classify(text, labels, options),
      ),
    extract: (text, schema, options) =>
      attempt(
        'extract',
        () => primary.extract(text, schema, options),
        () => offline.extract(text, schema, options),
      ),
    complete: (prompt, options) =>
      attempt(
        'complete',
        () => primary.complete(prompt, options),
        () => offline.complete(prompt, options),
      ),
  };
}
