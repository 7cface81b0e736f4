/**
 * What is wrong with the network right now, from one observation of the bus's metadata: each
 * problem becomes a condition with a stable alert id, so that the same problem seen on the next
 * poll is the same alert (deduplicated) and its disappearance is its recovery.
 */
import { DEFAULT_HEARTBEAT_TTL_MS } from '@hive/agent';
import { compareEntryIds } from '@hive/bus/admin';
import { modelConditions } from './model-check.js';
import type { Check, Condition, GroupSeen, Observation, Severity, StreamFacts, Thresholds } from './observation.js';

export type { AgentSeen, GroupSeen, StreamFacts, RedisFacts, Observation, Thresholds, Check, Severity, Details, Condition } from './observation.js';

/**
 * Whether entries the group had not read yet were deleted (a writer's `XADD … MAXLEN 0`, which no
 * ACL can refuse, or an XDEL), from metadata alone. Retention never does it: the janitor trims only
 * entries every group has acked, so never one past any group's last-delivered id. Three signs, each
 * certain: an XDEL past it (max-deleted-entry-id); the stream empty though entries were added after
 * it; or, when every entry after it is still there to count (it is before the first entry), fewer of
 * them than Redis's lag says it has not read.
 */
/**
 * The group's lag, unless the stream says otherwise: a group whose last-delivered id is the stream's
 * last-generated id has read everything, whatever Redis's lag counter says. After a restart from
 * the AOF Redis 7.0 can keep a lag counter that never goes back to 0 (the chaos run saw 492 to 577
 * on groups that had read and acked all); without this sentinel would alert on a backlog that is
 * not there.
 */
export function effectiveLag(lag: number | null, lastDeliveredId: string | undefined, stream: Pick<StreamFacts, 'lastGeneratedId'> | null | undefined): number | null {
  if (lastDeliveredId !== undefined && stream && compareEntryIds(lastDeliveredId, stream.lastGeneratedId) >= 0) return 0;
  return lag;
}

export function unreadDeleted(s: StreamFacts, g: Pick<GroupSeen, 'lastDeliveredId' | 'lag'>): boolean {
  const last = g.lastDeliveredId;
  if (!last) return false;
  if (s.maxDeletedEntryId && s.maxDeletedEntryId !== '0-0' && compareEntryIds(s.maxDeletedEntryId, last) > 0) return true;
  if (compareEntryIds(s.lastGeneratedId, last) <= 0) return false;
  if (s.length === 0) return true;
  const allAfter = s.firstEntryId !== null && compareEntryIds(s.firstEntryId, last) > 0;
  return allAfter && g.lag !== null && g.lag > s.length;
}

/** Agents seen before that are gone from the registry now (sentinel itself excluded). */
export function missingAgents(o: Pick<Observation, 'agents' | 'known'>, self: string): { name: string; lastSeen: number }[] {
  const live = new Set(o.agents.filter((a) => a.status !== 'stopping').map((a) => a.name));
  return [...o.known]
    .filter(([name]) => name !== self && !live.has(name))
    .map(([name, lastSeen]) => ({ name, lastSeen }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The known-agents map after this observation: every live agent at its latest heartbeat. */
export function updatedKnown(o: Pick<Observation, 'agents' | 'known'>): Map<string, number> {
  const out = new Map(o.known);
  for (const a of o.agents) out.set(a.name, Math.max(out.get(a.name) ?? 0, a.lastSeen));
  return out;
}

function hms(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

/** A condition about one group on one stream: alert id `<kind>:<stream>:<group>`, subject `<stream>/<group>`. */
function groupCondition(g: { stream: string; group: string }, kind: string, check: Check, severity: Severity, text: Pick<Condition, 'summary' | 'recovery' | 'details'>): Condition {
  return { alertId: `${kind}:${g.stream}:${g.group}`, check, severity, subject: `${g.stream}/${g.group}`, ...text };
}

/**
 * How long after sentinel starts an agent it knew from before has to write its record again before
 * it counts as missing: one heartbeat lifetime. A network started again (`npm start` after a stop, a
 * deploy) writes its records within seconds, and sentinel, in the same process or beside it, often
 * polls first; without this, every restart told the owner that every agent was down, then back.
 */
export const HEARTBEAT_START_GRACE_MS = DEFAULT_HEARTBEAT_TTL_MS;

/** When this sentinel started watching (ms), the agents it has seen running since, and the alerts in force (their ids). */
export interface WatchStart {
  readonly since: number;
  readonly seen: { has(agent: string): boolean };
  readonly alerted: { has(alertId: string): boolean };
}

/**
 * Every condition that holds in `o`, in a stable order. With `start`: for HEARTBEAT_START_GRACE_MS
 * after it, an agent this sentinel has not seen running yet is not reported, unless its alert is
 * already in force (that one stays, neither sent again nor resolved).
 */
export function evaluate(o: Observation, t: Thresholds, self: string, start?: WatchStart): Condition[] {
  const out: Condition[] = [];
  const now = o.at.getTime();
  const starting = start !== undefined && now - start.since < HEARTBEAT_START_GRACE_MS;

  for (const m of missingAgents(o, self)) {
    if (starting && !start.seen.has(m.name) && !start.alerted.has(`heartbeat:${m.name}`)) continue;
    out.push({
      alertId: `heartbeat:${m.name}`,
      check: 'heartbeat',
      severity: 'critical',
      subject: m.name,
      summary: `${m.name} has sent no heartbeat for ${seconds(now - m.lastSeen)} s (last seen ${hms(m.lastSeen)} UTC)`,
      recovery: `${m.name} is back: heartbeats again`,
      details: { lastSeen: new Date(m.lastSeen).toISOString() },
    });
  }

  for (const g of o.groups) {
    // Entries the group had not yet read were deleted: a writer trimmed the stream (XADD … MAXLEN 0,
    // which no ACL can refuse) or deleted them. Retention never does this: the janitor trims only
    // what every group has acked, which every group has read. Clears once the group reads past them.
    if (g.streamInfo && unreadDeleted(g.streamInfo, g)) {
      // The ops.alert contract's check names are fixed; the alert id names this one.
      out.push(
        groupCondition(g, 'entries_lost', 'other', 'critical', {
          summary: `entries of ${g.stream} that ${g.group} had not read were deleted (it had read up to ${g.lastDeliveredId}; the stream now holds ${g.streamInfo.length}): something trimmed or deleted them`,
          recovery: `${g.group} reads ${g.stream} past the deleted entries again`,
          details: { problem: 'entries_lost', lastDeliveredId: g.lastDeliveredId ?? '', length: g.streamInfo.length, lastGeneratedId: g.streamInfo.lastGeneratedId },
        }),
      );
    }
    if (g.lag !== null && g.lag > t.lagMax) {
      out.push(
        groupCondition(g, 'lag', 'lag', 'warning', {
          summary: `${g.group} is ${g.lag} entries behind on ${g.stream} (threshold ${t.lagMax})`,
          recovery: `${g.group} has caught up on ${g.stream}`,
          details: { lag: g.lag, threshold: t.lagMax, consumers: g.consumers },
        }),
      );
    }
    if (g.pending > t.pendingMax) {
      out.push(
        groupCondition(g, 'pending', 'pending', 'warning', {
          summary: `${g.group} has ${g.pending} unacknowledged entries on ${g.stream} (threshold ${t.pendingMax})`,
          recovery: `${g.group}'s unacknowledged entries on ${g.stream} are back under ${t.pendingMax + 1}`,
          details: { pending: g.pending, threshold: t.pendingMax, consumers: g.consumers },
        }),
      );
    }
  }

  for (const d of o.deadLetters) {
    if (d.count <= t.deadLettersMax) continue;
    out.push({
      alertId: `dead_letters:${d.stream}`,
      check: 'dead_letters',
      severity: 'warning',
      subject: d.stream,
      summary: `${d.count} dead ${d.count === 1 ? 'letter' : 'letters'} on ${d.stream} (threshold ${t.deadLettersMax}); see hive dlq list ${d.stream}`,
      recovery: t.deadLettersMax === 0 ? `no dead letters left on ${d.stream}` : `dead letters on ${d.stream} are back to ${t.deadLettersMax} or fewer`,
      details: { count: d.count, threshold: t.deadLettersMax },
    });
  }

  out.push(...modelConditions(o.agents, now, t.modelDownMs));

  const r = o.redis;
  if (r.maxmemoryPolicy !== undefined && r.maxmemoryPolicy !== 'noeviction') {
    out.push({
      alertId: 'redis:maxmemory-policy',
      check: 'redis_memory',
      severity: 'critical',
      subject: 'redis',
      summary: `maxmemory-policy is ${r.maxmemoryPolicy}: Redis may evict stream entries, which loses messages; set it to noeviction`,
      recovery: 'maxmemory-policy is noeviction',
      details: { maxmemoryPolicy: r.maxmemoryPolicy },
    });
  }
  if (r.aofEnabled === false && r.rdbSave !== undefined && r.rdbSave.trim() === '') {
    out.push({
      alertId: 'redis:persistence',
      check: 'other',
      severity: 'critical',
      subject: 'redis',
      summary: 'Redis persistence is off (no AOF, no RDB snapshots): a restart of Redis loses every message; turn on appendonly',
      recovery: 'Redis persistence is on',
      details: { problem: 'persistence', appendonly: false, save: '' },
    });
  }
  // Memory near maxmemory is domain/memory.ts's check: it names the largest key families, which takes I/O.
  return out;
}
