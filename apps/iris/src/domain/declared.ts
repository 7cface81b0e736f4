/**
 * The intents the running agents declare, read from their registry records (foreign input: each
 * field checked, anything malformed left out), and the offline rules made from them. iris's own
 * rules (RULES) know the built-in intents; an agent that brings a new intent brings its rule too.
 */
import { INTENT_NAME } from '@hive/contracts';
import { match, type Rule } from './classification.js';

/** A declared intent as iris routes it. */
export interface DeclaredIntent {
  readonly name: string;
  readonly description: string;
  readonly examples: readonly string[];
  /** The agents declaring it, sorted. */
  readonly agents: readonly string[];
  readonly offline?: { readonly pattern: RegExp; readonly confidence: number };
}

/** A pattern longer than this is refused: it runs against every message. */
const MAX_PATTERN = 500;
const MAX_TEXT = 300;
const MAX_EXAMPLES = 8;
const DEFAULT_CONFIDENCE = 0.8;

const text = (v: unknown): string => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT) : '');

/**
 * Declared patterns compiled, by source (null: not a valid regex). The registry is read again every
 * couple of seconds and declares the same patterns each time: compiling them once spares each reading,
 * and the first message after it, the compile. Flag "i" only, no "g"/"y": a shared RegExp keeps no state
 * between exec calls. The sources come from the registry, so the cache is bounded: past MAX_COMPILED
 * the oldest entry goes.
 */
const compiled = new Map<string, RegExp | null>();
const MAX_COMPILED = 256;

function compile(pattern: string): RegExp | undefined {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'i');
    } catch {
      re = null;
    }
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(pattern, re);
  }
  return re ?? undefined;
}

function offlineRule(v: unknown): DeclaredIntent['offline'] {
  if (typeof v !== 'object' || v === null) return undefined;
  const { pattern, confidence } = v as Record<string, unknown>;
  if (typeof pattern !== 'string' || pattern === '' || pattern.length > MAX_PATTERN) return undefined;
  const re = compile(pattern);
  if (!re) return undefined;
  const c = typeof confidence === 'number' && confidence >= 0 && confidence <= 1 ? confidence : DEFAULT_CONFIDENCE;
  return { pattern: re, confidence: c };
}

/**
 * Every intent the given registry records declare, by name (sorted); the first record (by agent
 * name) with a valid declaration speaks for a name several agents declare.
 */
export function declaredIntents(records: readonly { readonly name: string; readonly intents?: unknown }[]): DeclaredIntent[] {
  const byName = new Map<string, { first: Omit<DeclaredIntent, 'agents'>; agents: Set<string> }>();
  for (const r of [...records].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!Array.isArray(r.intents)) continue;
    for (const i of r.intents as unknown[]) {
      if (typeof i !== 'object' || i === null) continue;
      const d = i as Record<string, unknown>;
      if (typeof d.name !== 'string' || !INTENT_NAME.test(d.name) || d.name === 'unknown') continue;
      const seen = byName.get(d.name);
      if (seen) {
        seen.agents.add(r.name);
        continue;
      }
      const examples = Array.isArray(d.examples) ? d.examples.map(text).filter((e) => e !== '').slice(0, MAX_EXAMPLES) : [];
      const offline = offlineRule(d.offline);
      byName.set(d.name, { first: { name: d.name, description: text(d.description), examples, ...(offline ? { offline } : {}) }, agents: new Set([r.name]) });
    }
  }
  return [...byName.values()].map(({ first, agents }) => ({ ...first, agents: [...agents].sort() })).sort((a, b) => a.name.localeCompare(b.name));
}

/** One rule trying every declared offline pattern in name order; named groups become entities. */
export function declaredRule(intents: readonly DeclaredIntent[]): Rule {
  return (t) => {
    for (const i of intents) {
      if (!i.offline) continue;
      const m = i.offline.pattern.exec(t);
      if (!m) continue;
      const entities: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) entities[k] = v?.trim();
      return match(`declared.${i.name}`, i.name, i.offline.confidence, entities);
    }
    return undefined;
  };
}
