/**
 * One look at the bus, read-only: the registry, every stream's consumer groups (XINFO GROUPS), the
 * dead-letter streams, and Redis's INFO and CONFIG. Nothing here writes.
 */
import { deadLetterStreams, listAgents, scanKeys, xinfoGroups, xinfoStream } from '@hive/bus/admin';
import { errorMessage, type Bus, type Logger } from '@hive/bus';
import { modelStatuses } from '@hive/agent';
import { effectiveLag, type GroupSeen, type Observation, type RedisFacts } from './domain/checks.js';
import { parseConfigReply, parseInfo, redisFacts } from './domain/redis-info.js';

/** Every stream's groups, stream by stream. */
async function groups(bus: Bus): Promise<GroupSeen[]> {
  const streamPrefix = bus.keys.stream('');
  const streamKeys = await scanKeys(bus.driver, bus.keys.streamPattern(), 'stream');
  const out: GroupSeen[] = [];
  for (const key of streamKeys) {
    const stream = key.slice(streamPrefix.length);
    // XINFO STREAM without FULL: the stream's metadata (max-deleted-entry-id), never its entries.
    const streamInfo = await xinfoStream(bus.driver, key);
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

/** Read everything the checks need; `known` comes from sentinel's own state. */
export async function observe(bus: Bus, known: ReadonlyMap<string, number>, now: Date, log: Logger): Promise<Observation> {
  const [agents, gs, dead, facts] = await Promise.all([listAgents(bus.driver, bus.keys), groups(bus), deadLetterStreams(bus.driver, bus.keys), redis(bus, log)]);
  return {
    at: now,
    agents: agents.map((a) => ({ name: a.name, instance: a.instance, lastSeen: a.lastSeen, status: a.status, ...(Array.isArray(a.models) ? { models: modelStatuses(a) } : {}) })),
    known,
    groups: gs,
    deadLetters: dead,
    redis: facts,
  };
}
