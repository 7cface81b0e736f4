/**
 * The model check: a model endpoint (chat or transcription) that has not answered for
 * SENTINEL_MODEL_DOWN_MS is one alert, resolved when it answers again. It reads the `models` that
 * every agent's registry record carries (the state of its circuit breakers, written by the runtime
 * when they open and close). Agents in different processes each have their own breaker for an
 * endpoint; the freshest state change among them is the endpoint's state, since it is the latest
 * evidence of whether the model answers. Breakers open after a few failures, so a model that drops
 * one call in a while never alerts; one that is away for a minute or two does.
 */
import type { AgentModelStatus } from '@hive/agent';
import type { AgentSeen, Condition } from './observation.js';

/** How the network sees one model endpoint. */
export interface EndpointState {
  readonly endpoint: string;
  readonly available: boolean;
  /** When it stopped answering (ms), while unavailable. */
  readonly unavailableSince?: number;
  /** The agents whose calls go to it. */
  readonly agents: readonly string[];
  /** The agents answering from their rules because of it (their breaker is not closed). */
  readonly onRules: readonly string[];
  readonly lastError?: string;
}

/** The `details.problem` of a model alert (its check is "other": the ops.alert contract has no "model" check). */
export const MODEL_PROBLEM = 'model';

/** Each endpoint named in the live records, with its state. */
export function endpointStates(agents: readonly AgentSeen[]): EndpointState[] {
  const by = new Map<string, { agent: string; m: AgentModelStatus }[]>();
  for (const a of agents) {
    if (a.status === 'stopping') continue;
    for (const m of a.models ?? []) {
      let list = by.get(m.endpoint);
      if (!list) by.set(m.endpoint, (list = []));
      list.push({ agent: a.name, m });
    }
  }
  const out: EndpointState[] = [];
  for (const [endpoint, list] of by) {
    const freshest = list.reduce((a, b) => ((b.m.since ?? 0) > (a.m.since ?? 0) ? b : a));
    const down = list.filter((x) => x.m.state !== 'closed');
    const available = freshest.m.state === 'closed';
    const since = Math.min(...down.map((x) => x.m.unavailableSince ?? x.m.since ?? Number.POSITIVE_INFINITY));
    out.push({
      endpoint,
      available,
      ...(!available && Number.isFinite(since) ? { unavailableSince: since } : {}),
      agents: [...new Set(list.map((x) => x.agent))].sort(),
      onRules: [...new Set(down.map((x) => x.agent))].sort(),
      ...(freshest.m.lastError !== undefined ? { lastError: freshest.m.lastError } : {}),
    });
  }
  return out.sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

function minutes(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** The alert id of an endpoint's outage. */
export function modelAlertId(endpoint: string): string {
  return `model:${endpoint}`;
}

/** A condition for every endpoint unavailable for at least `downMs`. */
export function modelConditions(agents: readonly AgentSeen[], now: number, downMs: number): Condition[] {
  const out: Condition[] = [];
  for (const e of endpointStates(agents)) {
    if (e.available || e.unavailableSince === undefined || now - e.unavailableSince < downMs) continue;
    const [model, base] = splitEndpoint(e.endpoint);
    out.push({
      alertId: modelAlertId(e.endpoint),
      check: 'other',
      severity: 'warning',
      subject: e.endpoint,
      summary:
        `the model ${model} at ${base} has not answered for ${minutes(now - e.unavailableSince)}` +
        `${e.lastError ? ` (${e.lastError})` : ''}; ${e.onRules.join(', ')} ${e.onRules.length === 1 ? 'answers' : 'answer'} from the rules meanwhile`,
      recovery: `the model ${model} at ${base} answers again`,
      details: {
        problem: MODEL_PROBLEM,
        endpoint: e.endpoint,
        unavailableSince: new Date(e.unavailableSince).toISOString(),
        agents: e.onRules.join(','),
        ...(e.lastError ? { lastError: e.lastError } : {}),
      },
    });
  }
  return out;
}

/**
 * The resolved notice for a model alert, when the agents say nothing about its endpoint any more
 * (stopped, or configured for another model): not "answers again", which nobody has seen. Undefined
 * for any other alert, or when an agent does report the endpoint (then the condition's recovery is true).
 */
export function modelResolvedSummary(alert: Pick<Condition, 'alertId' | 'subject'>, agents: readonly AgentSeen[]): string | undefined {
  if (!alert.alertId.startsWith('model:')) return undefined;
  if (endpointStates(agents).some((e) => e.endpoint === alert.subject)) return undefined;
  const [model, base] = splitEndpoint(alert.subject);
  return `no running agent uses the model ${model} at ${base} any more (whether it answers again is not known)`;
}

function splitEndpoint(endpoint: string): [string, string] {
  const at = endpoint.lastIndexOf('@');
  return at === -1 ? [endpoint, '?'] : [endpoint.slice(0, at), endpoint.slice(at + 1)];
}
