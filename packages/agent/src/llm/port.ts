/**
 * The LLM port: the three things agents ask of a language model. Every result says where it came
 * from ("llm" or "rules"), because contracts record it (e.g. `estimatedBy` on nutrition.logged).
 */
import type { z } from 'zod';
import type { CircuitBreaker } from './breaker.js';

/** "llm" when a model answered, "rules" when the deterministic offline path did. */
export type LlmSource = 'llm' | 'rules';

export interface Classification<L extends string = string> {
  readonly label: L;
  /** 0..1; offline, derived from keyword hits (0 when nothing matched). */
  readonly confidence: number;
  readonly source: LlmSource;
}

export interface Extraction<T> {
  readonly data: T;
  readonly source: LlmSource;
}

export interface Completion {
  readonly text: string;
  readonly source: LlmSource;
}

export interface ClassifyOptions {
  /** Extra guidance for the model, e.g. what each label means. */
  instructions?: string;
}

export interface ExtractOptions {
  /** Names the extraction: the json_schema name online, the offline extractor to use offline. @defaultValue "extraction" */
  name?: string;
  instructions?: string;
}

export interface CompleteOptions {
  system?: string;
  maxTokens?: number;
  /** What the offline path answers when the agent's rules have no completion for this prompt. */
  fallback?: string;
}

export interface Llm {
  /** "openai" (with offline fallback) or "offline". */
  readonly kind: 'openai' | 'offline';
  /** The circuit breaker of the model endpoint the calls go to; absent without a model. */
  readonly breaker?: CircuitBreaker;
  /**
   * This LLM for one message (the runtime calls it per delivery): its model calls share one
   * deadline and end when `signal` aborts. Absent without a model (nothing to wait for).
   */
  forMessage?(signal?: AbortSignal): Llm;
  /** Pick exactly one of `labels` for `text`. */
  classify<const L extends string>(text: string, labels: readonly L[], options?: ClassifyOptions): Promise<Classification<L>>;
  /** Fill `schema` from `text`; the result always passes the schema. */
  extract<S extends z.ZodType>(text: string, schema: S, options?: ExtractOptions): Promise<Extraction<z.output<S>>>;
  /** Free text for a prompt. */
  complete(prompt: string, options?: CompleteOptions): Promise<Completion>;
}

/** The default extraction name. */
export const DEFAULT_EXTRACTION_NAME = 'extraction';
