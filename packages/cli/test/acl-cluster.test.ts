/**
 * The generated ACL on a Redis Cluster: `hive acl`'s users loaded on every master (an ACL is one
 * node's), then an agent publishes to a partitioned stream (its 3 shards spread over the 3 masters)
 * and another consumes it, each as its own user, on both drivers. A cluster client asks for the slot
 * map (CLUSTER SLOTS; ioredis also CLUSTER INFO) at connect and after a MOVED, and sends ASKING on an
 * ASK redirect while a slot migrates: with `CLUSTER_CLIENT` in the rules nothing is refused (every
 * node's ACL LOG stays empty) through a slot migration too; without a rule the refusal names it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createDriver, createKeys, DRIVER_KINDS, shardOf, silentLogger, type Bus, type ContractRegistry, type DriverKind, type RedisDriver } from '@hive/bus';
import { createCatalogue, deriveTopology, waInbound } from '@hive/contracts';
import { redisCli, startCluster, type RedisCluster } from '@hive/test-redis';
import { aclFile, aclUsers, CLUSTER_CLIENT, newPassword, type AclUserSpec } from '../src/commands/acl.js';
import { waitUntil } from './helpers.js';

const SHARDS = 3;
const catalogue = createCatalogue([{ ...waInbound, partitions: { shards: SHARDS, key: 'chatId', why: 'test' } }]);
const topology = deriveTopology(
  [
    { name: 'kami', reads: {}, writes: ['wa.inbound'] },
    { name: 'iris', reads: { 'wa.inbound': { 'wa.message': {} } }, writes: [] },
  ],
  catalogue,
);
/** Any payload goes (the ACL is what is tested); the shards are the catalogue's. */
const contracts: ContractRegistry = {
  find: (stream, type) => ({ stream, type, version: 1, decode: (data) => ({ ok: true, data }) }),
  partitioning: (s) => catalogue.partitioning(s),
};
const keys = createKeys();
const passwords = new Map<string, string>();
for (const u of aclUsers(topology)) if (u.kind !== 'default') passwords.set(u.name, newPassword());

let cluster: RedisCluster;
let dir: string;
let aclPath: string;

/**
 * The cluster's operator, for what no generated user may do (moving slots: CLUSTER SETSLOT and
 * MIGRATE are @dangerous, refused to admin too); not part of what is tested.
 */
const OPERATOR = `user operator on >${newPassword()} ~* &* +@all`;
const operatorPassword = OPERATOR.split(' ')[3]!.slice(1);

/** Load these users on every master, as an operator would (the file, then ACL LOAD on each node), and clear the ACL LOG. */
async function install(users: readonly AclUserSpec[]): Promise<void> {
  writeFileSync(aclPath, `${aclFile(users, passwords)}${OPERATOR}\n`);
  for (const n of cluster.nodes) {
    expect((await asOperator(n.port, 'ACL', 'LOAD')).trim()).toBe('OK');
    await asOperator(n.port, 'ACL', 'LOG', 'RESET');
  }
}

/** A command as the operator; redis-cli prints an error reply on stdout, so it is checked here. */
async function asOperator(port: number, ...args: string[]): Promise<string> {
  const out = await redisCli(port, '--user', 'operator', '--pass', operatorPassword, '--no-auth-warning', ...args);
  if (/^(ERR|NOPERM|WRONGTYPE|MOVED|ASK|IOERR)\b/.test(out)) throw new Error(`${args.join(' ')} on ${port}: ${out.trim()}`);
  return out;
}

/** Every node's ACL LOG, as text (redis-cli --raw): what was refused, to whom, and the command. */
async function refusals(): Promise<string> {
  return (await Promise.all(cluster.nodes.map((n) => asOperator(n.port, 'ACL', 'LOG')))).join('').trim();
}

const urlOf = (user: string) => cluster.url.replace('://', `://${user}:${passwords.get(user)}@`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hive-acl-cluster-'));
  aclPath = join(dir, 'users.acl');
  // The default user may do everything until the generated file is loaded: redis-cli --cluster create runs as it.
  writeFileSync(aclPath, 'user default on nopass ~* &* +@all\n');
  cluster = await startCluster({ node: { args: ['--aclfile', aclPath] } });
  // The operator, then the generated users (whose default may only PING), on every node.
  writeFileSync(aclPath, `user default on nopass ~* &* +@all\n${OPERATOR}\n`);
  for (const n of cluster.nodes) await redisCli(n.port, 'ACL', 'LOAD');
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(DRIVER_KINDS)('an agent\'s ACL user on a 3-master cluster, on %s', (kind: DriverKind) => {
  const open: (Bus | RedisDriver)[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close().catch(() => undefined);
  });
  const bus = async (user: string) => {
    const b = await createBus({ url: urlOf(user), driver: kind, source: user, contracts, logger: silentLogger });
    open.push(b);
    return b;
  };

  it('publishes to every shard and consumes them all, through a slot migration, and no node refuses anything', async () => {
    await install(aclUsers(topology));
    const kami = await bus('kami');
    const iris = await bus('iris');
    const handled = new Set<string>();
    const sub = iris.subscribe<{ chatId: string }>({ stream: 'wa.inbound', group: 'iris', handler: (m) => void handled.add(m.id) });
    await sub.ready;
    const chats = Array.from({ length: 30 }, (_, i) => `chat-${i}@c.us`);
    const send = async () => (await kami.publishBatch(chats.map((chatId) => ({ stream: 'wa.inbound', type: 'wa.message', data: { chatId } })))).map((r) => r.id);
    const sent = await send();
    await waitUntil(() => sent.every((id) => handled.has(id)), 20_000, 'all 30 handled');

    // Shard 0's slot moves to another master: ASK redirects while its keys move, then MOVED (a new slot map).
    await migrateSlotOf(keys.stream('wa.inbound.0'), async () => {
      const during = await send();
      await waitUntil(() => during.every((id) => handled.has(id)), 20_000, 'all 30 handled during the migration');
    });
    const after = await send();
    await waitUntil(() => after.every((id) => handled.has(id)), 20_000, 'all 30 handled after the migration');
    expect(chats.some((c) => shardOf(c, SHARDS) === 0), 'some chats land on the migrated shard').toBe(true);
    await sub.stop();
    expect(await refusals()).toBe('');
  }, 60_000);

  it('without the slot map rules, the agent cannot connect, and the refusal names CLUSTER SLOTS', async () => {
    await install(aclUsers(topology).map((u) => ({ ...u, root: u.root.filter((r) => !CLUSTER_CLIENT.includes(r)) })));
    const d = createDriver(kind, { url: urlOf('kami'), reconnect: false });
    open.push(d);
    await expect(d.connect()).rejects.toThrow();
    const log = await refusals();
    expect(log).toContain('kami');
    expect(log).toContain('cluster|slots');
  });

  it('without CLUSTER INFO, ioredis never gets ready (its ready check); node-redis does not send it', async () => {
    await install(aclUsers(topology).map((u) => ({ ...u, root: u.root.filter((r) => r !== '+cluster|info') })));
    const d = createDriver(kind, { url: urlOf('kami'), reconnect: false });
    open.push(d);
    const outcome = await Promise.race([
      d.connect().then(() => 'connected', (err: unknown) => `failed: ${String(err)}`),
      new Promise<string>((r) => setTimeout(() => r('not ready after 3 s'), 3_000)),
    ]);
    if (kind === 'ioredis') {
      expect(outcome).not.toBe('connected');
      expect(await refusals()).toContain('cluster|info');
    } else {
      expect(outcome).toBe('connected');
      expect(await d.call(['XADD', keys.stream('wa.inbound.0'), '*', 'type', 'x'])).toMatch(/^\d+-\d+$/);
      expect(await refusals()).toBe('');
    }
  });

  it('without ASKING, a command on a key whose slot is migrating fails, and the refusal names ASKING', async () => {
    await install(aclUsers(topology).map((u) => ({ ...u, root: u.root.filter((r) => r !== '+asking') })));
    const kami = await bus('kami');
    const chat = Array.from({ length: 100 }, (_, i) => `chat-${i}@c.us`).find((c) => shardOf(c, SHARDS) === 0)!;
    await kami.publish('wa.inbound', 'wa.message', { chatId: chat });
    // ioredis sends ASKING without handling its failure (an unhandled rejection, which ends a Node
    // process by default): caught here, and asserted, instead of failing the test run.
    const unhandled: unknown[] = [];
    const others = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', (err) => void unhandled.push(err));
    try {
      await migrateSlotOf(keys.stream('wa.inbound.0'), async () => {
        await expect(kami.publish('wa.inbound', 'wa.message', { chatId: chat })).rejects.toThrow();
      });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.removeAllListeners('unhandledRejection');
      for (const l of others) process.on('unhandledRejection', l);
    }
    expect(await refusals()).toContain('asking');
    if (kind === 'ioredis') expect(unhandled.map(String).join('\n')).toContain("permissions to run the 'asking' command");
    else expect(unhandled).toEqual([]);
  }, 60_000);
});

/** Move the slot of `key` to another master (MIGRATING/IMPORTING, MIGRATE its keys, run `during`, then SETSLOT NODE everywhere). */
async function migrateSlotOf(key: string, during: () => Promise<void>): Promise<void> {
  const nodes = cluster.nodes;
  const slot = (await asOperator(nodes[0]!.port, 'CLUSTER', 'KEYSLOT', key)).trim();
  const ids = await Promise.all(nodes.map(async (n) => (await asOperator(n.port, 'CLUSTER', 'MYID')).trim()));
  const from = await ownerOf(slot, ids);
  const to = (from + 1) % nodes.length;
  await asOperator(nodes[to]!.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', ids[from]!);
  await asOperator(nodes[from]!.port, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', ids[to]!);
  const inSlot = (await asOperator(nodes[from]!.port, 'CLUSTER', 'GETKEYSINSLOT', slot, '1000')).split('\n').filter(Boolean);
  for (const k of inSlot) await asOperator(nodes[from]!.port, 'MIGRATE', '127.0.0.1', String(nodes[to]!.port), k, '0', '5000', 'AUTH2', 'operator', operatorPassword);
  await during();
  for (const n of nodes) await asOperator(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', ids[to]!);
}

/** The index of the master that serves `slot` (CLUSTER NODES: `<id> … <from>-<to> …`). */
async function ownerOf(slot: string, ids: readonly string[]): Promise<number> {
  const s = Number(slot);
  const lines = (await asOperator(cluster.nodes[0]!.port, 'CLUSTER', 'NODES')).split('\n');
  for (const line of lines) {
    const [id, , , , , , , , ...ranges] = line.split(' ');
    const serves = ranges.some((r) => {
      if (r.startsWith('[')) return false;
      const [a, b] = r.split('-').map(Number);
      return s >= a! && s <= (b ?? a)!;
    });
    if (serves) return ids.indexOf(id!);
  }
  throw new Error(`no master serves slot ${slot}`);
}
