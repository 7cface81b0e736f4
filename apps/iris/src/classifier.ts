/**
 * Rules, then the model: the offline rules always run; when an LLM is configured and the rules are
 * not sure, the model decides (structured output), and any model failure falls back to the rules
 * inside the runtime's LLM port.
 */
import type { Llm, LlmSource } from '@hive/agent';
import type { Classification } from './domain/classification.js';
import { classifyText } from './domain/classify.js';
import { fromLlmShape, LLM_EXTRACTION, LLM_INSTRUCTIONS, llmIntentSchema } from './domain/llm-schema.js';

export interface Verdict extends Classification {
  readonly classifier: LlmSource;
}

/**
 * Classify `text`. Rules at or above `trustRulesAbove` confidence (exact commands such as "help" or
 * "note: …") skip the model: it would only add latency and cost to what is already certain.
 */
export async function classify(text: string, llm: Llm, trustRulesAbove: number): Promise<Verdict> {
  const rules = classifyText(text);
  if (llm.kind === 'offline' || rules.confidence >= trustRulesAbove) return { ...rules, classifier: 'rules' };
  const r = await llm.extract(text, llmIntentSchema, { name: LLM_EXTRACTION, instructions: LLM_INSTRUCTIONS });
  if (r.source === 'rules') return { ...rules, classifier: 'rules' };
  return { ...fromLlmShape(r.data, rules), classifier: 'llm' };
}
