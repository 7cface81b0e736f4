/** The network's health in one JSON document, for the /network endpoint. */
import type { AgentSeen, Condition, Observation } from './checks.js';
import { missingAgents } from './checks.js';

export type NetworkStatus = 'ok' | 'degraded' | 'down';

export interface NetworkHealth {
  readonly status: NetworkStatus;
  readonly checkedAt: string;
  readonly agents: readonly {
    readonly name: string;
    readonly status: 'up' | 'missing';
    readonly instances: number;
    readonly lastSeen: string;
  }[];
  readonly groups: Observation['groups'];
  readonly deadLetters: Observation['deadLetters'];
  readonly redis: Observation['redis'] & { readonly reachable: boolean; readonly error?: string };
  readonly alerts: readonly { readonly alertId: string; readonly check: string; readonly severity: string; readonly subject: string; readonly summary: string }[];
}

/** ok when nothing is wrong, degraded while any condition holds, down when Redis cannot be reached. */
export function networkHealth(o: Observation, conditions: readonly Condition[], self: string): NetworkHealth {
  const byName = new Map<string, AgentSeen[]>();
  for (const a of o.agents) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  const agents = [
    ...[...byName].map(([name, list]) => ({ name, status: 'up' as const, instances: list.length, lastSeen: new Date(Math.max(...list.map((a) => a.lastSeen))).toISOString() })),
    ...missingAgents(o, self).map((m) => ({ name: m.name, status: 'missing' as const, instances: 0, lastSeen: new Date(m.lastSeen).toISOString() })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  return {
    status: conditions.length > 0 ? 'degraded' : 'ok',
    checkedAt: o.at.toISOString(),
    agents,
    groups: o.groups,
    deadLetters: o.deadLetters,
    redis: { reachable: true, ...o.redis },
    alerts: conditions.map((c) => ({ alertId: c.alertId, check: c.check, severity: c.severity, subject: c.subject, summary: c.summary })),
  };
}

/** The health document when Redis could not be reached: nothing else can be known. */
export function unreachableHealth(at: Date, error: string): NetworkHealth {
  return { status: 'down', checkedAt: at.toISOString(), agents: [], groups: [], deadLetters: [], redis: { reachable: false, error }, alerts: [] };
}
