/**
 * A partitioned stream in the ACL: its shards are streams with their own keys, so every rule that
 * names a stream names each shard (and the unsplit name only for its readers, to drain a group's entries from before
 * the split; nothing writes it). Checked by
 * Redis itself: ACL DRYRUN against the generated file. `hive acl` reads them from topology.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeys } from '@hive/bus';
import { createCatalogue, deriveTopology, topologyJson, waInbound } from '@hive/contracts';
import { redisCli, startRedis, type RedisServer } from '@hive/test-redis';
import { aclFile, aclUsers } from '../src/commands/acl.js';
import { hive } from './helpers.js';

const catalogue = createCatalogue([{ ...waInbound, partitions: { shards: 2, key: 'chatId', why: 'test' } }]);
const topology = deriveTopology(
  [
    { name: 'kami', reads: {}, writes: ['wa.inbound'] },
    { name: 'iris', reads: { 'wa.inbound': { 'wa.message': {} } }, writes: [] },
  ],
  catalogue,
);
const k = createKeys();
let redis: RedisServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hive-acl-shards-'));
  const path = join(dir, 'users.acl');
  writeFileSync(path, aclFile(aclUsers(topology), new Map([['kami', 'k'], ['iris', 'i'], ['admin', 'a']])));
  redis = await startRedis({ args: ['--aclfile', path] });
}, 60_000);

afterAll(async () => {
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dryrun = async (user: string, ...command: string[]) => (await redisCli(redis.port, '--user', 'admin', '--pass', 'a', '--no-auth-warning', 'ACL', 'DRYRUN', user, ...command)).trim();

describe('ACL rules for a partitioned stream', () => {
  it('the topology names the shards, and the rules cover each of them', async () => {
    expect(topology.streams.find((s) => s.stream === 'wa.inbound')?.shards).toEqual(['wa.inbound.0', 'wa.inbound.1']);
    const kami = aclUsers(topology).find((u) => u.name === 'kami')!;
    expect(kami.writes).toEqual(['wa.inbound.0', 'wa.inbound.1']);
    for (const shard of ['wa.inbound.0', 'wa.inbound.1']) {
      expect(await dryrun('kami', 'XADD', k.stream(shard), '*', 'type', 'x')).toBe('OK');
      expect(await dryrun('iris', 'XADD', k.stream(shard), '*', 'type', 'x')).not.toBe('OK');
      expect(await dryrun('iris', 'XREADGROUP', 'GROUP', 'iris', 'c', 'STREAMS', k.stream(shard), '>')).toBe('OK');
      expect(await dryrun('iris', 'XADD', k.deadLetters(shard, 'iris'), '*', 'a', 'b')).toBe('OK');
      expect(await dryrun('iris', 'XACK', k.redrive(shard, 'iris'), 'iris', '1-0')).toBe('OK');
    }
    expect(await dryrun('kami', 'XADD', k.stream('wa.inbound'), '*', 'type', 'x')).not.toBe('OK');
    // The unsplit key: its readers may drain what their group still owes there; nobody appends to it.
    expect(await dryrun('iris', 'XREADGROUP', 'GROUP', 'iris', 'c', 'STREAMS', k.stream('wa.inbound'), '0')).toBe('OK');
    expect(await dryrun('iris', 'XINFO', 'GROUPS', k.stream('wa.inbound'))).toBe('OK');
    expect(await dryrun('iris', 'XADD', k.stream('wa.inbound'), '*', 'type', 'x')).not.toBe('OK');
  });

  it('hive acl reads the shards from topology.json (hive gen writes them for a split stream)', async () => {
    const file = join(dir, 'topology.json');
    writeFileSync(file, topologyJson(topology));
    const r = await hive(['acl', '--topology', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const users = r.json().users as { name: string; reads?: string[]; writes?: string[] }[];
    expect(users.find((u) => u.name === 'kami')?.writes).toEqual(['wa.inbound.0', 'wa.inbound.1']);
    expect(users.find((u) => u.name === 'iris')?.reads).toEqual(['wa.inbound', 'wa.inbound.0', 'wa.inbound.1']);
  });
});
