/**
 * The registry is read through its index (keys.agentIndex, keys.streamIndex), never by SCAN: a reader
 * whose Redis user may not SCAN lists every live agent, skips records that expired, and does not see
 * a record written by an earlier version until that agent's next heartbeat under this one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDriver, createKeys, DRIVER_KINDS, shardStreams, startHeartbeat, type Heartbeat, type RedisDriver } from '../src/index.js';
import { indexedStreams, listAgents } from '../src/admin.js';
import { partitionedContracts } from './fixtures/partitioned-contracts.js';
import { randomPrefix, rawDriver, useRedis } from './helpers.js';

const server = useRedis();
const open: RedisDriver[] = [];
const beats: Heartbeat[] = [];

afterEach(async () => {
  for (const b of beats.splice(0)) await b.stop();
  for (const d of open.splice(0)) await d.close();
});

/**
 * A user that may read the registry records (GET) and its index, and may not SCAN. An ACL is one
 * node's: on a cluster it is set on every master (with what a cluster client asks to find the slots).
 */
async function registryReader(prefix: string): Promise<RedisDriver> {
  const admin = await rawDriver('ioredis', server());
  open.push(admin);
  const user = `reader-${prefix.replace(/[^a-z0-9]/gi, '')}`;
  const discovery = ['+cluster|slots', '+cluster|info'];
  const setUser = ['ACL', 'SETUSER', user, 'on', '>pw', 'resetkeys', '-@all', '+ping', '+info', '+hello', '+client|setname', ...discovery, `%R~${prefix}agent:*`, `%R~${prefix}agents`, `%R~${prefix}streams`, '+get', '+zrange', '+smembers'];
  for (const node of (await admin.masters?.()) ?? [admin]) await node.call(setUser);
  const d = createDriver('ioredis', { url: server().url.replace('://', `://${user}:pw@`) });
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

  it('lists a partitioned stream the agent reads or writes as its shards, the streams that exist', async () => {
    const prefix = randomPrefix('reg');
    const keys = createKeys(prefix);
    const writer = await rawDriver('ioredis', server());
    open.push(writer);
    const partitions = partitionedContracts({ 'wa.inbound': { shards: 3, key: 'chatId' } });
    beats.push(await startHeartbeat(writer, keys, { name: 'iris', instance: 'i1', version: '1', reads: ['wa.inbound'], writes: ['intent.classified'] }, { partitions }));
    beats.push(await startHeartbeat(writer, keys, { name: 'kami', instance: 'k1', version: '1', reads: [], writes: ['wa.inbound'] }, { partitions }));
    expect(await indexedStreams(writer, keys)).toEqual(['intent.classified', ...shardStreams('wa.inbound', 3)]);
    // The record keeps what the agent declared: the topology is drawn with the stream's own name.
    expect((await listAgents(writer, keys)).find((a) => a.name === 'iris')?.reads).toEqual(['wa.inbound']);
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

describe.each(DRIVER_KINDS)('listing agents on %s', (kind) => {
  it('lists 40 agents, whose records hash to many cluster slots (one MGET would be CROSSSLOT), and leaves out a key of another type', async () => {
    const prefix = randomPrefix('reg');
    const keys = createKeys(prefix);
    const d = await rawDriver(kind, server());
    open.push(d);
    const names = Array.from({ length: 40 }, (_, i) => `agent${String(i).padStart(2, '0')}`);
    for (const name of names) beats.push(await startHeartbeat(d, keys, { name, instance: 'i1', version: '1', reads: ['wa.inbound'], writes: [`${name}.out`] }));
    // Something else under an agent's key name (not a string): not an agent, and no error for the rest.
    await d.call(['ZADD', keys.agentIndex(), Date.now() + 60_000, 'odd:o1']);
    await d.call(['HSET', keys.agent('odd', 'o1'), 'name', 'odd']);
    const listed = await listAgents(d, keys);
    expect(listed.map((a) => a.name)).toEqual(names);
    expect(listed[7]).toMatchObject({ name: 'agent07', instance: 'i1', reads: ['wa.inbound'], writes: ['agent07.out'], status: 'running' });
  });
});

