/**
 * The process's circuit breakers, one per model endpoint (model name + base URL). Every agent in a
 * process that calls the same model shares its breaker: when iris has seen the model fail, box
 * answers from its rules at once instead of finding out for itself. Agents say which endpoints
 * they use (`agent` below), and the runtime writes those endpoints' states into each agent's
 * registry record (`models`), where other processes, `hive agents`, sentinel and the console read them.
 */
import type { AgentModelStatus } from './model-status.js';
import { CircuitBreaker, type BreakerSettings } from './breaker.js';

const breakers = new Map<string, CircuitBreaker>();
const usedBy = new Map<string, Set<CircuitBreaker>>();
const watchers = new Map<string, Set<(models: AgentModelStatus[]) => void>>();

/** "<model>@<base URL>", with any user, password, query or fragment of the URL left out. */
export function endpointId(model: string, baseURL: string | undefined): string {
  let base = baseURL ?? 'https://api.openai.com/v1';
  try {
    const u = new URL(base);
    base = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    // env.ts has validated it; a test may pass anything
  }
  return `${model}@${base}`;
}

function notify(agent: string): void {
  const ws = watchers.get(agent);
  if (!ws || ws.size === 0) return;
  const models = agentModels(agent);
  for (const w of ws) w(models);
}

/**
 * The process's breaker for `endpoint`, created with `settings` on first use (later settings are
 * ignored: one endpoint, one breaker). With `agent`, that agent is recorded as using it.
 */
export function modelBreaker(endpoint: string, opts: { settings?: Partial<BreakerSettings>; agent?: string } = {}): CircuitBreaker {
  let b = breakers.get(endpoint);
  if (!b) {
    b = new CircuitBreaker(endpoint, opts.settings);
    const breaker = b;
    b.onChange(() => {
      for (const [agent, set] of usedBy) if (set.has(breaker)) notify(agent);
    });
    breakers.set(endpoint, b);
  }
  if (opts.agent !== undefined) {
    let set = usedBy.get(opts.agent);
    if (!set) usedBy.set(opts.agent, (set = new Set()));
    if (!set.has(b)) {
      set.add(b);
      notify(opts.agent);
    }
  }
  return b;
}

/** The states of the endpoints `agent` uses, by endpoint. */
export function agentModels(agent: string): AgentModelStatus[] {
  return [...(usedBy.get(agent) ?? [])].map((b) => b.status()).sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

/** Call `listener` with `agentModels(agent)` whenever one of them changes state or a new one is used; returns the unsubscribe. */
export function watchAgentModels(agent: string, listener: (models: AgentModelStatus[]) => void): () => void {
  let set = watchers.get(agent);
  if (!set) watchers.set(agent, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Drop every breaker and record of use (tests that reuse one endpoint across cases). */
export function forgetModelBreakers(): void {
  breakers.clear();
  usedBy.clear();
}
