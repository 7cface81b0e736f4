/** What a classifier says about one message: the intent, the entities found, and how sure it is. */
import type { Payload } from '@hive/contracts';

/** One of the contract's intents (INTENTS in @hive/contracts' intent-classified stream). */
export type Intent = Payload<'intent.classified', 'intent.classified'>['intent'];

/** Entities as the contract carries them: flat, scalar values. See README for every key per intent. */
export type Entities = Record<string, string | number | boolean>;

export interface Classification {
  readonly intent: Intent;
  readonly entities: Entities;
  /** 0..1; rules give fixed values per rule strength, the LLM its own estimate. */
  readonly confidence: number;
}

/** A rule's verdict; `rule` names the rule that matched, for logs and tests. */
export interface RuleMatch extends Classification {
  readonly rule: string;
}

/** A rule reads normalized text and either claims it or passes. */
export type Rule = (text: string) => RuleMatch | undefined;

/** Build a match, dropping entities that came out empty. */
export function match(rule: string, intent: Intent, confidence: number, entities: Record<string, string | number | boolean | undefined>): RuleMatch {
  const clean: Entities = {};
  for (const [k, v] of Object.entries(entities)) {
    if (v === undefined || v === '' || (typeof v === 'number' && !Number.isFinite(v))) continue;
    clean[k] = v;
  }
  return { rule, intent, confidence, entities: clean };
}
