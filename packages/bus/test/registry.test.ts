/**
 * The registry is read through its index (keys.agentIndex, keys.streamIndex), never by SCAN: a reader
 * whose Redis user may not SCAN lists every live agent, skips records that expired, and does not see
 * a record written by an earlier version until that agent's next heartbeat under this one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDriver, createKeys, startHeartbeat, type Heartbeat, type RedisDriver } from '../src/index.js';
import { indexedStreams, listAgents } from '../src/admin.js';
import { randomPrefix, rawDriver, useRedis } from './helpers.js';

const server = useRedis();
const open: RedisDriver[] = [];
const beats: Heartbeat[] = [];

afterEach(async () => {
  for (const b of beats.splice(0)) await b.stop();
  for (const d of open.splice(0)) await d.close();
});

/** A user that may read the registry records and its index, and may not SCAN. */
async function registryReader(prefix: string): Promise<RedisDriver> {
  const admin = await rawDriver('ioredis', server());
  open.push(admin);
  const user = `reader-${prefix.replace(/[^a-z0-9]/gi, '')}`;
  await admin.call(['ACL', 'SETUSER', user, 'on', '>pw', 'resetkeys', '-@all', '+ping', '+info', '+hello', '+client|setname', `%R~${prefix}agent:*`, `%R~${prefix}agents`, `%R~${prefix}streams`, '+get', '+mget', '+zrange', '+smembers']);
  const d = createDriver('ioredis', { url: server().url.replace('redis://', `redis://${user}:pw@`) });
  await d.connect();
  open.push(d);
  return d;
}

describe('the registry index', () => {
  it('lists live agents without SCAN, and their streams', async () => {
    const prefix = randomPrefix('reg');
    const keys = createKeys(prefix);
    const writer = await rawDriver('ioredis', server());
    open.push(writer);
    beats.push(await startHeartbeat(writer, keys, { name: 'box', instance: 'b1', version: '1', reads: ['intent.classified'], writes: ['wa.outbound'] }));
    beats.push(await startHeartbeat(writer, keys, { name: 'atlas', instance: 'a1', version: '1', reads: ['intent.classified'], writes: ['wa.outbound'] }));
    const reader = await registryReader(prefix);
    await expect(reader.call(['SCAN', '0'])).rejects.toThrow(/NOPERM/);
    expect((await listAgents(reader, keys)).map((a) => `${a.name}#${a.instance}`)).toEqual(['atlas#a1', 'box#b1']);
    expect(await indexedStreams(reader, keys)).toEqual(['intent.classified', 'wa.outbound']);
  });

  it('drops an agent that stopped, skips an expired record, and lists an earlier version\'s agent from its next heartbeat', async () => {
    const prefix = randomPrefix('reg');
    const keys = createKeys(prefix);
    const writer = await rawDriver('ioredis', server());
    open.push(writer);
    const reader = await registryReader(prefix);
    const box = await startHeartbeat(writer, keys, { name: 'box', instance: 'b1', version: '1', reads: [], writes: [] });
    await box.stop();
    expect(await writer.call(['ZRANGE', keys.agentIndex(), 0, -1])).toEqual([]);
    // An index entry whose record expired (a killed process): skipped.
    await writer.call(['ZADD', keys.agentIndex(), Date.now() + 1_000, 'ghost:g1']);
    // A record from before the index (an earlier version's heartbeat): not listed until it beats again.
    await writer.call(['SET', keys.agent('ledger', 'l1'), JSON.stringify({ name: 'ledger', instance: 'l1', reads: [], writes: [] }), 'PX', 10_000]);
    expect(await listAgents(reader, keys)).toEqual([]);
    beats.push(await startHeartbeat(writer, keys, { name: 'ledger', instance: 'l1', version: '2', reads: [], writes: [] }));
    expect((await listAgents(reader, keys)).map((a) => a.name)).toEqual(['ledger']);
  });

  it('a beat prunes index entries whose record expired a TTL ago', async () => {
    const prefix = randomPrefix('reg');
    const keys = createKeys(prefix);
    const writer = await rawDriver('ioredis', server());
    open.push(writer);
    await writer.call(['ZADD', keys.agentIndex(), Date.now() - 60_000, 'gone:g1']);
    beats.push(await startHeartbeat(writer, keys, { name: 'box', instance: 'b1', version: '1', reads: [], writes: [] }, { ttlMs: 15_000 }));
    expect(await writer.call(['ZRANGE', keys.agentIndex(), 0, -1])).toEqual(['box:b1']);
  });
});
