/**
 * The agent registry: each running agent instance keeps a small JSON record in Redis, refreshed by
 * a heartbeat and expiring by TTL when the process dies. The live topology (who reads and writes
 * what), dashboards and watchdogs read it from here.
 *
 * Readers find the records through an index, never by SCAN (which would show them every key name,
 * other agents' state included): each beat also adds `<name>:<instance>` to `keys.agentIndex()`,
 * scored by when the record expires, and the streams the agent reads and writes to
 * `keys.streamIndex()` (a partitioned stream as its shards, `partitions`: the keys that exist). A record written by an earlier version (no index entry) is listed again from
 * its agent's first heartbeat under this one; an index entry whose record expired is skipped, and
 * pruned by the next beat of any agent once it is a TTL older than that.
 *
 * The bus owns the fields it needs (who, where, which streams, when, in what state); a layer above
 * adds fields of its own (the agent runtime adds a description and skills) and the record keeps
 * them as given. Read back, those extra fields are foreign input: typed `unknown` until checked.
 */
import { hostname } from 'node:os';
import type { RedisDriver } from './drivers/driver.js';
import { errorMessage, isRedisError } from './errors.js';
import type { Keys } from './keys.js';
import type { Logger } from './logger.js';
import { streamShards, type StreamPartitions } from './partitions.js';

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
  /**
   * How the streams it reads and writes are split (the agent's contracts): the index of stream names
   * lists a partitioned stream's shards, the streams that exist, so its readers (sentinel) see them.
   * @defaultValue none: every stream is one stream
   */
  partitions?: StreamPartitions;
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
  const member = indexMember(current.name, current.instance);
  let indexWarned = false;
  const beat = async () => {
    current.lastSeen = Date.now();
    await driver.call(['SET', key, JSON.stringify(current), 'PX', ttlMs]);
    const streams = [...new Set([...current.reads, ...current.writes].flatMap((s) => streamShards(opts.partitions, s)))];
    const index = await driver.pipeline([
      ['ZADD', keys.agentIndex(), current.lastSeen + ttlMs, member],
      // Entries whose record expired a TTL ago: their agent is gone (a live one re-adds itself each beat).
      ['ZREMRANGEBYSCORE', keys.agentIndex(), '-inf', `(${current.lastSeen - ttlMs}`],
      ...(streams.length > 0 ? [['SADD', keys.streamIndex(), ...streams]] : []),
    ]);
    const failed = index.find((r) => !r.ok);
    if (failed && !failed.ok && !indexWarned) {
      // The record is written: readers of an older index-less version still see it. Say it once.
      indexWarned = true;
      opts.log?.warn({ err: errorMessage(failed.error) }, 'the registry index refused this agent (an ACL from an earlier hive acl?); registry readers will not list it');
    }
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
      await driver.pipeline([['ZREM', keys.agentIndex(), member], ['DEL', key]]).catch(() => undefined);
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

/** The registry index's member for one instance (agent names hold no ":"; assertName). */
function indexMember(name: string, instance: string): string {
  return `${name}:${instance}`;
}

/** The names and instances in the registry index (live or not: the records say). */
export async function indexedAgents(driver: RedisDriver, keys: Keys): Promise<{ name: string; instance: string }[]> {
  const members = ((await driver.call(['ZRANGE', keys.agentIndex(), 0, -1])) as unknown[]).map(String);
  return members.flatMap((m) => {
    const at = m.indexOf(':');
    return at > 0 ? [{ name: m.slice(0, at), instance: m.slice(at + 1) }] : [];
  });
}

/** The stream names in the stream index (what registered agents read and write; a partitioned stream's shards), sorted. */
export async function indexedStreams(driver: RedisDriver, keys: Keys): Promise<string[]> {
  return ((await driver.call(['SMEMBERS', keys.streamIndex()])) as unknown[]).map(String).sort();
}

/**
 * Every live agent record (through the registry index, no SCAN), sorted by name and instance; a
 * foreign or corrupt one is left out. One GET per record, pipelined (one round trip on one Redis):
 * the records' keys carry no common hash tag, so on a cluster one MGET of them would be CROSSSLOT.
 */
export async function listAgents(driver: RedisDriver, keys: Keys): Promise<AgentRecord[]> {
  const names = (await indexedAgents(driver, keys)).map((a) => keys.agent(a.name, a.instance));
  if (names.length === 0) return [];
  const replies = await driver.pipeline(names.map((name) => ['GET', name]));
  const out: AgentRecord[] = [];
  for (const reply of replies) {
    if (!reply.ok) {
      // Another type under an agent's key name is not an agent (MGET gave it as null); anything else is an error.
      if (isRedisError(reply.error, 'WRONGTYPE')) continue;
      throw reply.error;
    }
    const v = reply.value;
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
