/**
 * One look at the bus, read-only: the registry, every stream's consumer groups (XINFO GROUPS), the
 * dead-letter streams, and Redis's INFO and CONFIG. Nothing here writes, and nothing lists key
 * names: the streams are the catalogue's and those in the bus's index of stream names (what the
 * registered agents read and write), the agents those in the registry's index. A partitioned stream
 * is its shards in both (physicalStreams; the index lists shards), so lag, pending and dead letters
 * are watched, and alerted, shard by shard (`lag:wa.inbound.1:iris`).
 */
import { deadLetterStreams, indexedStreams, listAgents, xinfoGroups, xinfoStream } from '@hive/bus/admin';
import { assertName, errorMessage, type Bus, type Logger } from '@hive/agent';
import { modelStatuses } from '@hive/agent';
import { effectiveLag, type GroupSeen, type Observation, type RedisFacts } from './domain/checks.js';
import { parseConfigReply, parseInfo, redisFacts } from './domain/redis-info.js';

/** The streams to look at: the catalogue's, and the index's (a name that is not a valid stream name is someone's junk: skipped). */
export async function streamNames(bus: Pick<Bus, 'driver' | 'keys'>, catalogue: readonly string[]): Promise<string[]> {
  const valid = (s: string) => {
    try {
      assertName('stream', s);
      return true;
    } catch {
      return false;
    }
  };
  return [...new Set([...catalogue, ...(await indexedStreams(bus.driver, bus.keys)).filter(valid)])].sort();
}

/** Every stream's groups, stream by stream. */
async function groups(bus: Bus, streams: readonly string[]): Promise<GroupSeen[]> {
  const out: GroupSeen[] = [];
  for (const stream of streams) {
    const key = bus.keys.stream(stream);
    // XINFO STREAM without FULL: the stream's metadata (max-deleted-entry-id); its reply also holds
    // the first and last entries, which sentinel drops here (the janitor holds XINFO STREAM anyway).
    const streamInfo = await xinfoStream(bus.driver, key);
    if (!streamInfo) continue;
    for (const g of await xinfoGroups(bus.driver, key)) {
      out.push({ stream, group: g.name, lag: effectiveLag(g.lag, g.lastDeliveredId, streamInfo), pending: g.pending, consumers: g.consumers, lastDeliveredId: g.lastDeliveredId, streamInfo });
    }
  }
  return out;
}

let configWarned = false;

/** INFO always; CONFIG GET when allowed (managed Redis and ACLs often forbid it). */
async function redis(bus: Bus, log: Logger): Promise<RedisFacts> {
  const info = parseInfo(String(await bus.driver.call(['INFO'])));
  let config: Map<string, string> | undefined;
  try {
    config = parseConfigReply(await bus.driver.call(['CONFIG', 'GET', 'save']));
    const more = parseConfigReply(await bus.driver.call(['CONFIG', 'GET', 'appendonly']));
    for (const [k, v] of more) config.set(k, v);
  } catch (err) {
    if (!configWarned) log.warn({ err: errorMessage(err) }, 'CONFIG GET is not allowed; the RDB persistence check is skipped');
    configWarned = true;
  }
  return redisFacts(info, config);
}

/** A record's `handles` (stream → message types) or `handlesIntents` (stream → intents), if it is one: foreign input, checked. */
function handledTypes(v: unknown): Record<string, string[]> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [s, ts] of Object.entries(v)) if (Array.isArray(ts) && ts.every((t) => typeof t === 'string')) out[s] = ts as string[];
  return out;
}

/** Read everything the checks need; `known` comes from sentinel's own state. */
export async function observe(bus: Bus, known: ReadonlyMap<string, number>, now: Date, log: Logger, catalogue: readonly string[] = []): Promise<Observation> {
  const streams = await streamNames(bus, catalogue);
  const [agents, gs, dead, facts] = await Promise.all([listAgents(bus.driver, bus.keys), groups(bus, streams), deadLetterStreams(bus.driver, bus.keys, streams), redis(bus, log)]);
  return {
    at: now,
    agents: agents.map((a) => {
      const handles = handledTypes(a.handles);
      const handlesIntents = handledTypes(a.handlesIntents);
      return {
        name: a.name,
        instance: a.instance,
        lastSeen: a.lastSeen,
        status: a.status,
        ...(Array.isArray(a.models) ? { models: modelStatuses(a) } : {}),
        ...(handles ? { handles } : {}),
        ...(handlesIntents ? { handlesIntents } : {}),
      };
    }),
    known,
    groups: gs,
    deadLetters: dead,
    redis: facts,
  };
}
