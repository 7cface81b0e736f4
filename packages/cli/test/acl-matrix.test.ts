/**
 * The adversarial matrix (acl-matrix.ts) against the generated ACL on a real redis-server, with
 * sentinel running under its own generated user: for each of the agents' users, every kind of
 * operation it must not get away with is either refused by Redis (NOPERM) or, where Redis cannot
 * refuse it (acks, claims and consumer deletions in another agent's group, `XADD … MAXLEN 0`),
 * detected by sentinel with an ops.alert naming the stream and the group. And, with the real bus:
 * box acking archivist's pending entries is detected. infra/acl/README.md's table is this matrix
 * (HIVE_WRITE_MATRIX=1 rewrites it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createDriver, createKeys, shardOf, silentLogger, startHeartbeat, type ContractRegistry, type Keys, type Message, type RedisDriver } from '@hive/bus';
import { streamShards, xpending } from '@hive/bus/admin';
import { catalogue } from '@hive/contracts';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { createArchivist } from '../../../apps/archivist/src/agent.js';
import { createSentinel } from '../../../apps/sentinel/src/agent.js';
import { familyUsage } from '../../../apps/sentinel/src/memory-families.js';
import { aclFile, aclUsers, manifestFile, newPassword, readTopologyFile, repoRoot, type AclUserSpec } from '../src/commands/acl.js';
import { fill, KINDS, matrixTable, refusal, type Tamper } from './acl-matrix.js';
import { waitUntil } from './helpers.js';

const README = join(repoRoot(), 'infra', 'acl', 'README.md');
const START = '<!-- acl-matrix:start -->';
const END = '<!-- acl-matrix:end -->';

let agents: AclUserSpec[];
let streams: string[];
const passwords = new Map<string, string>();
let dir: string;
let redis: RedisServer;
let admin: RedisDriver;
let sentinel: TestAgent;
const as = new Map<string, RedisDriver>();
const k: Keys = createKeys();

const urlOf = (user: string) => `redis://${user}:${passwords.get(user)}@127.0.0.1:${redis.port}`;

/** Any payload goes (the ACL and sentinel are what is tested); streams split as the catalogue splits them, as the agents' buses do. */
const contracts: ContractRegistry = {
  find: (stream, type) => ({ stream, type, version: 1, decode: (data) => ({ ok: true, data }) }),
  partitioning: (s) => catalogue.partitioning(s),
};
/** The shard of intent.classified an expense lands on (split by intent). */
const expenseShard = (() => {
  const shards = streamShards(catalogue, 'intent.classified');
  return shards[shardOf('expense', shards.length)]!;
})();

beforeAll(async () => {
  const topology = readTopologyFile(manifestFile());
  const users = aclUsers(topology);
  agents = users.filter((u) => u.kind === 'agent');
  streams = [...new Set(agents.flatMap((a) => [...(a.reads ?? []), ...(a.writes ?? [])]))].sort();
  for (const u of users) if (u.kind !== 'default') passwords.set(u.name, newPassword());
  dir = mkdtempSync(join(tmpdir(), 'hive-acl-matrix-'));
  writeFileSync(join(dir, 'users.acl'), aclFile(users, passwords));
  redis = await startRedis({ args: ['--aclfile', join(dir, 'users.acl')] });
  admin = createDriver('ioredis', { url: urlOf('admin') });
  await admin.connect();
  for (const a of agents) {
    const d = createDriver('ioredis', { url: urlOf(a.name) });
    await d.connect();
    as.set(a.name, d);
  }
  sentinel = await createTestAgent(createSentinel({ tamperingHoldMs: 600_000 }), { redis: { url: urlOf('sentinel') }, prefix: k.prefix, env: { SENTINEL_POLL_MS: '100' } });
}, 60_000);

afterAll(async () => {
  await sentinel?.stop();
  for (const d of as.values()) await d.close();
  await admin?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every alert id sentinel has sent as firing (kept: a trim of ops.alert must not make us forget). */
const fired = new Set<string>();
async function firing(): Promise<Set<string>> {
  for (const [, fields] of (await admin.call(['XRANGE', k.stream('ops.alert'), '-', '+'])) as [string, string[]][]) {
    const data = fields[fields.indexOf('data') + 1];
    const a = data ? (JSON.parse(data) as { alertId: string; status: string }) : undefined;
    if (a?.status === 'firing') fired.add(a.alertId);
  }
  return fired;
}

/** sentinel's known agents (saved after each poll's checks): once a name is there, a poll has looked at its groups. */
const known = async () => new Set(((await admin.call(['HKEYS', k.data('sentinel', 'known')])) as string[]).map(String));

/** An agent's group for the attack, set up by admin: registered as a live agent that marks what it handles, with one entry pending and one not yet read. */
async function setUp(t: Tamper): Promise<Record<string, string>> {
  const key = k.stream(t.stream);
  const consumer = `${t.group}@host#1`;
  await admin.call(['XGROUP', 'CREATE', key, t.group, '$', 'MKSTREAM']);
  await admin.call(['ZADD', k.seen(t.stream, t.group), Date.now() + 600_000, 'an-earlier-message']);
  const entry = String(await admin.call(['XADD', key, '*', 'type', 'victim', 'id', `${t.group}-1`, 'data', '{}']));
  if (t.setup === 'pending') await admin.call(['XREADGROUP', 'GROUP', t.group, consumer, 'COUNT', 1, 'STREAMS', key, '>']);
  const next = String(await admin.call(['XADD', key, '*', 'type', 'victim', 'id', `${t.group}-2`, 'data', '{}']));
  const now = Date.now();
  const record = { name: t.group, instance: '1', version: '0', host: 'host', pid: 1, reads: [t.stream], writes: [], startedAt: now, lastSeen: now, status: 'running' };
  await admin.call(['SET', k.agent(t.group, '1'), JSON.stringify(record), 'PX', 600_000]);
  await admin.call(['ZADD', k.agentIndex(), now + 600_000, `${t.group}:1`]);
  return { __KEY__: key, __GROUP__: t.group, __ENTRY__: entry, __CONSUMER__: consumer, __NEXT__: next, __MIMIC__: `${t.group}@mimic#9` };
}

describe('the adversarial matrix, against the generated ACL', () => {
  it('infra/acl/README.md shows this matrix', () => {
    const table = matrixTable(agents);
    const text = readFileSync(README, 'utf8');
    if (process.env.HIVE_WRITE_MATRIX === '1') {
      const [before, rest = ''] = text.split(START);
      writeFileSync(README, `${before}${START}\n${table}\n${END}${rest.split(END)[1] ?? '\n'}`);
    }
    const shown = readFileSync(README, 'utf8').split(START)[1]?.split(END)[0]?.trim();
    expect(shown, 'the table in infra/acl/README.md (HIVE_WRITE_MATRIX=1 npx vitest run test/acl-matrix.test.ts rewrites it)').toBe(table);
    expect(KINDS.length).toBeGreaterThanOrEqual(20);
    expect(agents.length).toBeGreaterThanOrEqual(13);
  });

  it('Redis refuses every refused cell (NOPERM)', async () => {
    let n = 0;
    for (const u of agents) {
      const x = { u, k, streams, agents };
      for (const kind of KINDS) {
        if (kind.cell(u).outcome !== 'refused') continue;
        const cmd = kind.refused!(x);
        const r = await refusal(as.get(u.name)!.call(cmd));
        // DEBUG is refused by enable-debug-command before the ACL is asked; a script's refused command says "can't access"/"No permissions".
        expect(r, `${u.name}: ${kind.id} (${cmd.join(' ').slice(0, 80)})`).toMatch(/NOPERM|No permissions|can't access|DEBUG command not allowed/);
        n += 1;
      }
    }
    expect(n).toBe(KINDS.reduce((s, kind) => s + agents.filter((u) => kind.cell(u).outcome === 'refused').length, 0));
  }, 60_000);

  it('sentinel detects every detected cell: an ops.alert naming the stream and the group', async () => {
    const cells = agents.flatMap((u) => KINDS.filter((kind) => kind.cell(u).outcome === 'detected').map((kind) => ({ u, kind, t: kind.tamper!({ u, k, streams, agents }) })));
    // Acks, claims and consumer deletions first, all at once (each on its own victim group); the trims after, one by one.
    const inGroups = cells.filter((c) => c.t.setup === 'pending');
    const values = new Map<string, Record<string, string>>();
    for (const c of inGroups) values.set(c.t.group, await setUp(c.t));
    await waitUntil(async () => {
      const seen = await known();
      return inGroups.every((c) => seen.has(c.t.group));
    }, 20_000, 'sentinel to look at every victim group');
    // Nothing fired from the set-up alone (each alert below is the attack's).
    expect([...(await firing())].filter((id) => inGroups.some((c) => c.t.alertId === id))).toEqual([]);
    for (const c of inGroups) for (const cmd of c.t.commands) await as.get(c.u.name)!.call(fill(cmd, values.get(c.t.group)!));
    await waitUntil(async () => {
      const f = await firing();
      return inGroups.every((c) => f.has(c.t.alertId));
    }, 20_000, `sentinel to alert on ${inGroups.map((c) => c.t.alertId).join(', ')}`);

    for (const c of cells.filter((x) => x.t.setup === 'unread')) {
      const v = await setUp(c.t);
      expect((await firing()).has(c.t.alertId), c.t.alertId).toBe(false);
      for (const cmd of c.t.commands) await as.get(c.u.name)!.call(fill(cmd, v));
      await waitUntil(async () => (await firing()).has(c.t.alertId), 20_000, `${c.u.name} ${c.kind.id}: ${c.t.alertId}`);
    }
    expect(cells.length).toBeGreaterThan(0);
  }, 120_000);

  it('box reading archivist\'s entries as archivist\'s group and acking them (the real archivist, stopped): an alert naming agent.requests and archivist', async () => {
    const stream = 'agent.requests';
    const key = k.stream(stream);
    const archivist = await createTestAgent(createArchivist(), { redis: { url: urlOf('archivist') }, prefix: k.prefix, env: { HIVE_DATA_DIR: join(dir, 'archivist') } });
    const herald = await createBus({ url: urlOf('herald'), source: 'herald', logger: silentLogger });
    // A valid request (the real archivist checks its contract), for an agent not running here: nobody answers.
    const request = { to: 'box', chatId: '491701234567@c.us', day: '2025-03-15', timezone: 'Europe/Berlin' };
    try {
      const first = await herald.publish(stream, 'summary.request', request);
      await waitUntil(async () => {
        const g = (await admin.call(['XINFO', 'GROUPS', key])) as unknown[][];
        const row = g.map((r) => Object.fromEntries(Array.from({ length: r.length / 2 }, (_, i) => [String(r[2 * i]), r[2 * i + 1]]))).find((r) => r.name === 'archivist');
        return row?.['last-delivered-id'] === first.entryId && Number(row.pending) === 0;
      }, 10_000, 'archivist to archive the first');
      expect(await admin.call(['EXISTS', k.seen(stream, 'archivist')]), 'archivist marked what it handled').toBe(1);
      await waitUntil(async () => (await known()).has('archivist'), 10_000, 'sentinel to see archivist running');
      await archivist.stop();
      // Its heartbeat gone, sentinel says so: a poll after archivist had read the first has run.
      await waitUntil(async () => (await firing()).has('heartbeat:archivist'), 10_000, 'the heartbeat alert');
      expect((await firing()).has(`acked_by_other:${stream}:archivist`)).toBe(false);
      const later = [await herald.publish(stream, 'summary.request', request), await herald.publish(stream, 'summary.request', request)];
      const box = as.get('box')!;
      await box.call(['XREADGROUP', 'GROUP', 'archivist', 'archivist@box#1', 'COUNT', 10, 'STREAMS', key, '>']);
      expect(await box.call(['XACK', key, 'archivist', ...later.map((m) => m.entryId)])).toBe(2);
      await box.call(['XGROUP', 'DELCONSUMER', key, 'archivist', 'archivist@box#1']);
      await waitUntil(async () => (await firing()).has(`acked_by_other:${stream}:archivist`), 10_000, 'the alert');
    } finally {
      await herald.close();
      await archivist.stop().catch(() => undefined);
    }
  }, 60_000);

  it('box acking archivist\'s pending entries (the real bus, both as their own users): an alert naming the shard of intent.classified and archivist', async () => {
    const stream = 'intent.classified';
    // intent.classified is split by intent: the entries below (all expenses) land on one shard, and the alert names it.
    const shard = expenseShard;
    expect(shard).not.toBe(stream);
    const archivist = await createBus({ url: urlOf('archivist'), source: 'archivist', contracts, logger: silentLogger });
    const beat = await startHeartbeat(archivist.driver, archivist.keys, { name: 'archivist', instance: 'a1', version: '0', reads: [stream], writes: [] }, { intervalMs: 100, partitions: contracts });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let handled = 0;
    const sub = archivist.subscribe({
      stream,
      group: 'archivist',
      idempotent: true,
      concurrency: 4,
      handler: async (_m: Message) => {
        handled += 1;
        // The first is handled (and marked); the next stay in hand, pending.
        if (handled > 1) await held;
      },
    });
    const iris = await createBus({ url: urlOf('iris'), source: 'iris', contracts, logger: silentLogger });
    try {
      await sub.ready;
      // The real type: archivist's record (the test above) says which types it handles; others it may skip.
      const sent = [await iris.publish(stream, 'intent.classified', { n: 1, intent: 'expense' })];
      await waitUntil(() => handled === 1, 10_000, 'archivist to handle the first');
      sent.push(await iris.publish(stream, 'intent.classified', { n: 2, intent: 'expense' }));
      sent.push(await iris.publish(stream, 'intent.classified', { n: 3, intent: 'expense' }));
      expect(sent.map((m) => m.stream)).toEqual([shard, shard, shard]);
      await waitUntil(async () => (await xpending(admin, k.stream(shard), 'archivist', { count: 10 })).length === 2, 10_000, 'two pending in archivist');
      const ids = (await xpending(admin, k.stream(shard), 'archivist', { count: 10 })).map((p) => p.id);
      expect(ids).toEqual(sent.slice(1).map((m) => m.entryId));
      // A poll after this saw them pending: archivist's heartbeat moved on and sentinel recorded it.
      const after = Date.now();
      await waitUntil(async () => Number(await admin.call(['HGET', k.data('sentinel', 'known'), 'archivist'])) > after, 10_000, 'sentinel to look again');
      expect(await as.get('box')!.call(['XACK', k.stream(shard), 'archivist', ...ids])).toBe(2);
      await waitUntil(async () => (await firing()).has(`acked_by_other:${shard}:archivist`), 10_000, 'the alert');
      const [, fields] = ((await admin.call(['XRANGE', k.stream('ops.alert'), '-', '+'])) as [string, string[]][]).find(([, f]) => f.join(' ').includes(`acked_by_other:${shard}:archivist`))!;
      const alert = JSON.parse(fields[fields.indexOf('data') + 1]!) as { summary: string; details: Record<string, unknown> };
      expect(alert.details).toMatchObject({ stream: shard, group: 'archivist', entries: 2, first: ids[0] });
      expect(alert.summary.startsWith(`2 entries of ${shard} left archivist's pending list without archivist handling or dead-lettering them`), alert.summary).toBe(true);
    } finally {
      release();
      await sub.stop();
      await beat.stop();
      await iris.close();
      await archivist.close();
    }
  }, 60_000);


  it('sentinel measures memory by key family without SCAN: the keys it can name, the rest as "other"', async () => {
    const used = Number(/used_memory:(\d+)/.exec(String(await admin.call(['INFO', 'memory'])))![1]);
    const r = await familyUsage(sentinel.bus, undefined, used, streams);
    const families = r.families.map((f) => f.family);
    // A partitioned stream is measured shard by shard (the box test above wrote the expenses' shard).
    expect(families).toContain(k.stream(expenseShard));
    expect(families).toContain('other');
    expect(families.some((f) => f.startsWith(k.prefix + 'data:'))).toBe(false);
    expect(r.families.reduce((n, f) => n + f.bytes, 0)).toBe(used);
  });
});
