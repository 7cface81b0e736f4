/**
 * Rules, then the model: the offline rules always run; when an LLM is configured and the rules are
 * not sure, the model decides (structured output), and any model failure falls back to the rules
 * inside the runtime's LLM port.
 */
import type { Llm, LlmSource } from '@hive/agent';
import type { Classification } from './domain/classification.js';
import { classifyText } from './domain/classify.js';
import type { DeclaredIntent } from './domain/declared.js';
import { fromLlmShape, LLM_EXTRACTION, llmInstructionsFor, llmIntentSchemaFor } from './domain/llm-schema.js';

export interface Verdict extends Classification {
  readonly classifier: LlmSource;
}

/**
 * Classify `text`; `declared` are the running agents' intents (their rules, and choices for the model). Rules at or above `trustRulesAbove` confidence (exact commands such as "help" or
 * "note: …") skip the model: it would only add latency and cost to what is already certain.
 */
export async function classify(text: string, llm: Llm, trustRulesAbove: number, declared: readonly DeclaredIntent[] = []): Promise<Verdict> {
  const rules = classifyText(text, declared);
  if (llm.kind === 'offline' || rules.confidence >= trustRulesAbove) return { ...rules, classifier: 'rules' };
  // The model chooses among the built-in intents and those the running agents declare.
  const r = await llm.extract(text, llmIntentSchemaFor(declared), { name: LLM_EXTRACTION, instructions: llmInstructionsFor(declared) });
  if (r.source === 'rules') return { ...rules, classifier: 'rules' };
  return { ...fromLlmShape(r.data, rules), classifier: 'llm' };
}
