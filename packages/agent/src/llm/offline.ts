/**
 * The offline LLM: deterministic, rule-based, no network. Each agent injects its own rules (keywords
 * per label, extractors, canned completions), so that the whole network works without an API key
 * and tests are reproducible.
 */
import type { z } from 'zod';
import { LlmError } from '../errors.js';
import { DEFAULT_EXTRACTION_NAME, type Classification, type Llm } from './port.js';

export type Keyword = string | RegExp;

export interface OfflineRules {
  /** Keywords per label: the label with the most distinct hits wins; ties go to the earlier label. */
  keywords?: Readonly<Record<string, readonly Keyword[]>>;
  /** A custom classifier tried before the keywords; return undefined to fall through. */
  classify?: (text: string, labels: readonly string[]) => { label: string; confidence: number } | undefined;
  /** Extractors by extraction name (see ExtractOptions.name); the result must pass the schema. */
  extract?: Readonly<Record<string, (text: string) => unknown>>;
  /** A canned completion for a prompt, or undefined to use the call's `fallback`. */
  complete?: (prompt: string) => string | undefined;
}

/** Label used when nothing matches, if the caller offers it. */
const UNKNOWN = 'unknown';

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Each string keyword's pattern, compiled once (they have no `g` flag: no state between calls). */
const patterns = new Map<string, RegExp>();

/** A keyword as a case-insensitive whole-word pattern (letters of any script count as word characters). */
function pattern(k: Keyword): RegExp {
  if (k instanceof RegExp) return k;
  let p = patterns.get(k);
  if (!p) patterns.set(k, (p = new RegExp(`(?<![\\p{L}\\p{N}])${escape(k)}(?![\\p{L}\\p{N}])`, 'iu')));
  return p;
}

/** Classify by keywords alone; exported for agents that want the score without an Llm. */
export function classifyByKeywords<L extends string>(text: string, labels: readonly L[], keywords: Readonly<Record<string, readonly Keyword[]>>): Classification<L> {
  let best: L | undefined;
  let bestHits = 0;
  for (const label of labels) {
    const hits = (keywords[label] ?? []).filter((k) => pattern(k).test(text)).length;
    if (hits > bestHits) {
      best = label;
      bestHits = hits;
    }
  }
  if (best === undefined) {
    const fallback = (labels.includes(UNKNOWN as L) ? UNKNOWN : labels[0]) as L;
    return { label: fallback, confidence: 0, source: 'rules' };
  }
  // Deterministic and monotonic in the evidence: one hit 0.6, two 0.7, … capped at 0.9.
  return { label: best, confidence: Math.min(0.9, 0.5 + 0.1 * bestHits), source: 'rules' };
}

/** The deterministic offline implementation of the LLM port. */
export function createOfflineLlm(rules: OfflineRules = {}): Llm {
  return {
    kind: 'offline',
    async classify(text, labels) {
      if (labels.length === 0) throw new LlmError('classify needs at least one label');
      const custom = rules.classify?.(text, labels);
      if (custom) {
        if (!labels.includes(custom.label as (typeof labels)[number])) {
          throw new LlmError(`offline classifier returned "${custom.label}", which is not one of ${labels.join(', ')}`);
        }
        return { label: custom.label as (typeof labels)[number], confidence: Math.max(0, Math.min(1, custom.confidence)), source: 'rules' };
      }
      return classifyByKeywords(text, labels, rules.keywords ?? {});
    },
    async extract<S extends z.ZodType>(text: string, schema: S, options: { name?: string } = {}) {
      const name = options.name ?? DEFAULT_EXTRACTION_NAME;
      const extractor = rules.extract?.[name];
      if (!extractor) throw new LlmError(`no offline extractor named "${name}"; add one to the agent's offline rules`);
      const parsed = schema.safeParse(extractor(text));
      if (!parsed.success) throw new LlmError(`offline extractor "${name}" returned data that fails its schema: ${parsed.error.message}`);
      return { data: parsed.data as z.output<S>, source: 'rules' as const };
    },
    async complete(prompt, options = {}) {
      const text = rules.complete?.(prompt) ?? options.fallback;
      if (text === undefined) throw new LlmError('no offline completion for this prompt; pass options.fallback or add rules.complete');
      return { text, source: 'rules' };
    },
  };
}
