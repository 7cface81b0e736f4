/**
 * The agent registry: each running agent instance keeps a small JSON record in Redis, refreshed by
 * a heartbeat and expiring by TTL when the process dies. The live topology (who reads and writes
 * what), the console's graph, atlas's help menu and sentinel's watchdog all read it from here.
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

/** Something an agent can do, as listed by atlas's help. */
export interface AgentSkill {
  name: string;
  description: string;
  examples?: string[];
}

/**
 * One model endpoint an agent calls, as its circuit breaker sees it (written by @hive/agent; the CLI,
 * sentinel and the console read it). `endpoint` is "<model>@<base URL>", never a key or password.
 */
export interface AgentModelStatus {
  endpoint: string;
  /** closed: calls go to the model; open: answered from the rules without asking; half-open: one probe call is out. */
  state: 'closed' | 'open' | 'half-open';
  /** When the state last changed (ms); absent while it never has. */
  since?: number;
  /** When the model stopped answering (ms), kept through probes that fail until it answers again. */
  unavailableSince?: number;
  /** Failed calls in a row. */
  failures: number;
  /** The last failure, short (e.g. "HTTP 500", "timed out after 5000 ms"). */
  lastError?: string;
}

export interface AgentRecord {
  name: string;
  instance: string;
  version: string;
  host: string;
  pid: number;
  /** Streams it consumes. */
  reads: string[];
  /** Streams it publishes to. */
  writes: string[];
  description?: string;
  skills?: AgentSkill[];
  /** HTTP address of its health/metrics server, if any. */
  httpUrl?: string;
  /** The model endpoints it calls (empty or absent: rules only). */
  models?: AgentModelStatus[];
  startedAt: number;
  lastSeen: number;
  status: 'starting' | 'running' | 'stopping';
}

export interface HeartbeatOptions {
  intervalMs?: number;
  ttlMs?: number;
  log?: Logger;
}

export interface Heartbeat {
  /** Update fields of the record (e.g. status) and write it now. */
  update(patch: Partial<AgentRecord>): Promise<void>;
  /** Stop beating and delete the record (a clean exit leaves no ghost). */
  stop(): Promise<void>;
}

/** Write the record now and every `intervalMs`, with a TTL, until stop(). */
export async function startHeartbeat(
  driver: RedisDriver,
  keys: Keys,
  record: Omit<AgentRecord, 'lastSeen' | 'host' | 'pid' | 'startedAt' | 'status'> & Partial<AgentRecord>,
  opts: HeartbeatOptions = {},
): Promise<Heartbeat> {
  const intervalMs = opts.intervalMs ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = opts.ttlMs ?? Math.max(DEFAULT_HEARTBEAT_TTL_MS, intervalMs * 3);
  const current: AgentRecord = {
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

/** Every live agent record, sorted by name and instance. */
export async function listAgents(driver: RedisDriver, keys: Keys): Promise<AgentRecord[]> {
  const names = await scanKeys(driver, keys.agentPattern());
  if (names.length === 0) return [];
  const values = (await driver.call(['MGET', ...names])) as (string | null)[];
  const out: AgentRecord[] = [];
  for (const v of values) {
    if (typeof v !== 'string') continue;
    try {
      out.push(JSON.parse(v) as AgentRecord);
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
