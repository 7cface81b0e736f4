/**
 * The live view of the network, one snapshot at a time: every agent (expected from topology.json
 * and live from the registry) with its health, readiness and restarts; every stream with its length,
 * groups, lag, pending, dead letters and rates. The page's graph, stream table and agent cards are
 * all drawn from this one document, pushed over SSE.
 */
import { type Keys, type Logger, modelStatuses, type RedisDriver } from '@hive/agent';
import { type AgentRecord, entryIdTime, listAgents, type StreamPartitions } from '@hive/bus/admin';
import { summarizeStreams } from '@hive/inspect';
import type { AgentView, Health, InstanceView, Snapshot, StreamView } from '../wire.js';
import { RateTracker } from './rates.js';
import type { ExpectedTopology } from './topology.js';

export type { AgentView, GroupView, Health, InstanceView, Snapshot, StreamView } from '../wire.js';

/** An agent instance whose heartbeat is older than this is "late" (heartbeats are every 5 s by default). */
export const LATE_AFTER_MS = 12_000;
/** How often each instance's /readyz is asked (its answer is cached in between). */
export const READINESS_EVERY_MS = 10_000;
const READINESS_TIMEOUT_MS = 1_500;

export interface NetworkViewOptions {
  redis: RedisDriver;
  keys: Keys;
  topology: ExpectedTopology;
  log: Logger;
  samples: number;
  /** Stream retention as declared, when known. */
  retentionOf?: (stream: string) => string | null;
  /** How streams are split (the contracts): a partitioned stream is one stream view summing its shards. */
  partitions?: StreamPartitions;
  now?: () => number;
}

/** Builds snapshots, keeping rates, readiness and restart counts between them. */
export class NetworkView {
  private readonly rates: RateTracker;
  private readonly readiness = new Map<string, { at: number; ready: boolean | null; detail: string | null; pending?: Promise<void> }>();
  private readonly lives = new Map<string, Set<string>>();
  private readonly now: () => number;

  constructor(private readonly opts: NetworkViewOptions) {
    this.rates = new RateTracker(opts.samples);
    this.now = opts.now ?? Date.now;
  }

  /** Read Redis and build the current snapshot. */
  async snapshot(): Promise<Snapshot> {
    const { redis, keys, topology } = this.opts;
    const [records, summaries] = await Promise.all([listAgents(redis, keys), summarizeStreams(redis, keys, this.opts.partitions ? { partitions: this.opts.partitions } : {})]);
    const at = this.now();

    const seen = new Set<string>();
    for (const s of summaries) {
      this.rates.sample(s.stream, at, s.entriesAdded ?? s.length);
      seen.add(s.stream);
      for (const g of s.groups) {
        const key = `${s.stream}\u0000${g.name}`;
        this.rates.sample(key, at, g.entriesRead);
        seen.add(key);
      }
    }
    this.rates.retain(seen);

    const expectedStreams = new Map(topology.streams.map((s) => [s.stream, s]));
    const live = liveEdges(records);
    const streams: StreamView[] = summaries.map((s) => {
      const expected = expectedStreams.get(s.stream);
      const edges = live.get(s.stream);
      return {
        stream: s.stream,
        description: expected?.description || null,
        length: s.length,
        firstEntryId: s.firstEntryId,
        lastEntryId: s.lastEntryId,
        oldestAt: s.firstEntryId ? entryIdTime(s.firstEntryId) : null,
        lastAt: s.lastEntryId ? entryIdTime(s.lastEntryId) : null,
        retention: this.opts.retentionOf?.(s.stream) ?? null,
        writers: union(expected?.writers, edges?.writers),
        readers: union(expected?.readers, edges?.readers),
        groups: s.groups.map((g) => ({
          name: g.name,
          consumers: g.consumers,
          pending: g.pending,
          lag: g.lag,
          lastDeliveredId: g.lastDeliveredId,
          readRate: this.rates.get(`${s.stream}\u0000${g.name}`),
        })),
        pending: s.pending,
        lag: s.lag,
        deadLetters: s.deadLetters,
        writeRate: this.rates.get(s.stream),
      };
    });
    // Streams the topology expects but nobody has written yet are still edges of the graph.
    for (const e of topology.streams) {
      if (streams.some((s) => s.stream === e.stream)) continue;
      streams.push({
        stream: e.stream, description: e.description || null, length: 0, firstEntryId: null, lastEntryId: null, oldestAt: null, lastAt: null,
        retention: this.opts.retentionOf?.(e.stream) ?? null, writers: e.writers, readers: e.readers, groups: [], pending: 0, lag: 0, deadLetters: 0,
        writeRate: { rate: null, series: [] },
      });
    }
    streams.sort((a, b) => a.stream.localeCompare(b.stream));

    const agents = this.agents(records, at);
    return {
      at,
      prefix: keys.prefix,
      agents,
      streams,
      totals: {
        agents: agents.length,
        up: agents.filter((a) => a.health === 'up').length,
        streams: streams.length,
        pending: streams.reduce((n, s) => n + s.pending, 0),
        deadLetters: streams.reduce((n, s) => n + s.deadLetters, 0),
      },
    };
  }

  private agents(records: readonly AgentRecord[], at: number): AgentView[] {
    const byName = new Map<string, AgentRecord[]>();
    for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const expected = new Map(this.opts.topology.agents.map((a) => [a.name, a]));
    const names = [...new Set([...expected.keys(), ...byName.keys()])].sort();
    return names.map((name) => {
      const recs = byName.get(name) ?? [];
      const exp = expected.get(name);
      const instances = recs.map((r) => this.instance(r));
      const restarts = this.countRestarts(name, recs);
      const first = recs[0];
      const [health, reason] = healthOf(instances, at);
      return {
        name,
        health,
        healthReason: reason,
        expected: exp !== undefined,
        description: typeof first?.description === 'string' ? first.description : null,
        reads: first?.reads ?? exp?.reads ?? [],
        writes: first?.writes ?? exp?.writes ?? [],
        skills: skillsOf(first?.skills),
        instances,
        restarts,
      };
    });
  }

  private instance(r: AgentRecord): InstanceView {
    const key = `${r.name}/${r.instance}`;
    const cached = this.readiness.get(key);
    if (r.httpUrl && (!cached || (this.now() - cached.at > READINESS_EVERY_MS && !cached.pending))) this.askReadiness(key, r.httpUrl);
    return {
      instance: r.instance,
      version: r.version,
      host: r.host,
      pid: r.pid,
      status: r.status,
      startedAt: r.startedAt,
      lastSeen: r.lastSeen,
      httpUrl: r.httpUrl ?? null,
      ready: cached?.ready ?? null,
      readyDetail: cached?.detail ?? null,
      models: modelStatuses(r).map((m) => ({ endpoint: m.endpoint, state: m.state, failures: m.failures, ...(m.unavailableSince !== undefined ? { unavailableSince: m.unavailableSince } : {}), ...(m.lastError !== undefined ? { lastError: m.lastError } : {}) })),
    };
  }

  /** Ask /readyz in the background; the next snapshot shows the answer. */
  private askReadiness(key: string, httpUrl: string): void {
    const entry: { at: number; ready: boolean | null; detail: string | null; pending?: Promise<void> } = this.readiness.get(key) ?? { at: 0, ready: null, detail: null };
    entry.at = this.now();
    entry.pending = fetch(new URL('/readyz', httpUrl), { signal: AbortSignal.timeout(READINESS_TIMEOUT_MS) })
      .then(async (res) => {
        const body = (await res.json().catch(() => ({}))) as { redis?: string; groups?: Record<string, boolean> };
        entry.ready = res.ok;
        const missing = Object.entries(body.groups ?? {}).filter(([, ok]) => !ok).map(([s]) => s);
        entry.detail = res.ok ? null : body.redis && body.redis !== 'ok' ? `Redis: ${body.redis}` : missing.length > 0 ? `no group on ${missing.join(', ')}` : `readyz answered ${res.status}`;
      })
      .catch((err: unknown) => {
        entry.ready = false;
        entry.detail = `readyz unreachable: ${(err as Error).message}`;
      })
      .finally(() => delete entry.pending);
    this.readiness.set(key, entry);
  }

  private countRestarts(name: string, recs: readonly AgentRecord[]): number {
    const lives = this.lives.get(name) ?? new Set<string>();
    for (const r of recs) lives.add(`${r.instance}/${r.pid}/${r.startedAt}`);
    this.lives.set(name, lives);
    // Several instances are not restarts: count new lives beyond one per instance name.
    const instances = new Set([...lives].map((l) => l.split('/')[0]));
    return lives.size - instances.size;
  }
}

function healthOf(instances: readonly InstanceView[], at: number): [Health, string | null] {
  if (instances.length === 0) return ['down', 'not in the registry: no heartbeat'];
  const problems: string[] = [];
  for (const i of instances) {
    if (at - i.lastSeen > LATE_AFTER_MS) problems.push(`${i.instance}: last heartbeat ${Math.round((at - i.lastSeen) / 1000)} s ago`);
    else if (i.status !== 'running') problems.push(`${i.instance}: ${i.status}`);
    else if (i.ready === false) problems.push(`${i.instance}: not ready${i.readyDetail ? ` (${i.readyDetail})` : ''}`);
  }
  return problems.length === 0 ? ['up', null] : ['degraded', problems.join('; ')];
}

function liveEdges(records: readonly AgentRecord[]): Map<string, { writers: string[]; readers: string[] }> {
  const out = new Map<string, { writers: string[]; readers: string[] }>();
  const at = (s: string) => out.get(s) ?? out.set(s, { writers: [], readers: [] }).get(s)!;
  for (const r of records) {
    for (const s of r.writes) at(s).writers.push(r.name);
    for (const s of r.reads) at(s).readers.push(r.name);
  }
  return out;
}

const union = (a: readonly string[] | undefined, b: readonly string[] | undefined) => [...new Set([...(a ?? []), ...(b ?? [])])].sort();

/** The skills in a registry record (foreign input: what its writer put there), well-formed ones only. */
function skillsOf(value: unknown): AgentView['skills'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) => {
    const s = v as { name?: unknown; description?: unknown; examples?: unknown } | null;
    if (typeof s?.name !== 'string' || typeof s.description !== 'string') return [];
    const examples = Array.isArray(s.examples) ? s.examples.filter((e): e is string => typeof e === 'string') : undefined;
    return [{ name: s.name, description: s.description, ...(examples ? { examples } : {}) }];
  });
}
