/**
 * The agent registry: each running agent instance keeps a small JSON record in Redis, refreshed by
 * a heartbeat and expiring by TTL when the process dies. The live topology (who reads and writes
 * what), dashboards and watchdogs read it from here.
 *
 * The bus owns the fields it needs (who, where, which streams, when, in what state); a layer above
 * adds fields of its own (the agent runtime adds a description and skills) and the record keeps
 * them as given. Read back, those extra fields are foreign input: typed `unknown` until checked.
 */
import { hostname } from 'node:os';
import { scanKeys } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import { errorMessage } from './errors.js';
import type { Keys } from './keys.js';
import type { Logger } from './logger.js';

export const DEFAULT_HEARTBEAT_MS = 5_000;
/** A record outlives its last heartbeat by this much; then the agent is gone from the registry. */
export const DEFAULT_HEARTBEAT_TTL_MS = 15_000;

/** The fields of a registry record that the bus writes and reads. */
export interface RegistryFields {
  name: string;
  instance: string;
  version: string;
  host: string;
  pid: number;
  /** Streams it consumes. */
  reads: string[];
  /** Streams it publishes to. */
  writes: string[];
  /** HTTP address of its health/metrics server, if any. */
  httpUrl?: string;
  startedAt: number;
  lastSeen: number;
  status: 'starting' | 'running' | 'stopping';
}

/** A record as read from the registry: the bus's fields, and whatever else its writer added (unchecked). */
export type AgentRecord = RegistryFields & { readonly [field: string]: unknown };

/** What `startHeartbeat` takes: the bus's fields it cannot fill in itself, plus the writer's own. */
export type HeartbeatRecord<Extra extends object = object> = Omit<RegistryFields, 'lastSeen' | 'host' | 'pid' | 'startedAt' | 'status'> &
  Partial<RegistryFields> &
  Extra;

export interface HeartbeatOptions {
  intervalMs?: number;
  ttlMs?: number;
  log?: Logger;
}

export interface Heartbeat<Extra extends object = object> {
  /** Update fields of the record (e.g. status) and write it now. */
  update(patch: Partial<RegistryFields & Extra>): Promise<void>;
  /** Stop beating and delete the record (a clean exit leaves no ghost). */
  stop(): Promise<void>;
}

/** Write the record now and every `intervalMs`, with a TTL, until stop(). */
export async function startHeartbeat<Extra extends object = object>(
  driver: RedisDriver,
  keys: Keys,
  record: HeartbeatRecord<Extra>,
  opts: HeartbeatOptions = {},
): Promise<Heartbeat<Extra>> {
  const intervalMs = opts.intervalMs ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = opts.ttlMs ?? Math.max(DEFAULT_HEARTBEAT_TTL_MS, intervalMs * 3);
  const current: RegistryFields & Extra = {
    host: hostname(),
    pid: process.pid,
    startedAt: Date.now(),
    status: 'running',
    ...record,
    lastSeen: Date.now(),
  };
  const key = keys.agent(current.name, current.instance);
  const beat = async () => {
    current.lastSeen = Date.now();
    await driver.call(['SET', key, JSON.stringify(current), 'PX', ttlMs]);
  };
  await beat();
  const timer = setInterval(() => {
    beat().catch((err) => opts.log?.warn({ err: errorMessage(err) }, 'heartbeat failed'));
  }, intervalMs);
  timer.unref();
  return {
    async update(patch) {
      Object.assign(current, patch);
      await beat();
    },
    async stop() {
      clearInterval(timer);
      await driver.call(['DEL', key]).catch(() => undefined);
    },
  };
}

/** Enough of a record to sort, list and draw the topology with; the rest is the reader's to check. */
function isRecord(v: unknown): v is AgentRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return typeof r.name === 'string' && typeof r.instance === 'string' && strings(r.reads) && strings(r.writes);
}

/** Every live agent record, sorted by name and instance; a foreign or corrupt one is left out. */
export async function listAgents(driver: RedisDriver, keys: Keys): Promise<AgentRecord[]> {
  const names = await scanKeys(driver, keys.agentPattern());
  if (names.length === 0) return [];
  const values = (await driver.call(['MGET', ...names])) as (string | null)[];
  const out: AgentRecord[] = [];
  for (const v of values) {
    if (typeof v !== 'string') continue;
    try {
      const r: unknown = JSON.parse(v);
      if (isRecord(r)) out.push(r);
    } catch {
      // a foreign or corrupt record is not an agent
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.instance.localeCompare(b.instance));
}

export interface TopologyEdge {
  stream: string;
  writers: string[];
  readers: string[];
}

/** The live topology from the registry: for each stream, which agents write and read it. */
export function liveTopology(agents: readonly AgentRecord[]): TopologyEdge[] {
  const streams = new Map<string, { writers: Set<string>; readers: Set<string> }>();
  const at = (s: string) => {
    let e = streams.get(s);
    if (!e) streams.set(s, (e = { writers: new Set(), readers: new Set() }));
    return e;
  };
  for (const a of agents) {
    for (const s of a.writes) at(s).writers.add(a.name);
    for (const s of a.reads) at(s).readers.add(a.name);
  }
  return [...streams]
    .map(([stream, e]) => ({ stream, writers: [...e.writers].sort(), readers: [...e.readers].sort() }))
    .sort((a, b) => a.stream.localeCompare(b.stream));
}
