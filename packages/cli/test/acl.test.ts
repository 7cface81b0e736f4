/**
 * `hive acl` against a real redis-server started with the generated ACL file. The agents are the
 * ones whose definitions exist in apps/ when the test runs (loadDefinitions), so every edge of the
 * live topology is exercised with the real bus under the real users:
 *   - each writer publishes to each stream it writes (as a request), each reader of that stream
 *     consumes it as its own group and answers on the writer's reply stream; a partitioned stream
 *     (intent.classified) is published to its shards and read on every shard, and each of its
 *     readers drains what its group still owed on the stream's unsplit key from before the split;
 *   - each reader dead-letters a message, and `hive dlq retry` (as admin) redrives it to that reader,
 *     which handles it from its redrive stream; idempotent publishes, heartbeats, leases, registry reads;
 *   - Redis's ACL LOG stays empty through all of that (nothing was refused),
 * and then each agent is refused (NOPERM) every stream it does not write, every stream it does not
 * read, other agents' keys, and the dangerous commands; `hive acl --check` passes, then catches drift.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createDriver, reply, silentLogger, startHeartbeat, UnrecoverableError, type Bus, type ContractRegistry, type DriverKind, type Message, type RedisDriver, type Subscription } from '@hive/bus';
import { listAgents, listDeadLetters, trimStream, xinfoGroups } from '@hive/bus/admin';
import { catalogue, deriveTopology, type Topology } from '@hive/contracts';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { parseEnvFile } from '@hive/supervisor';
import { aclFile, aclUsers, loadDefinitions, newPassword, passwordVar, type AclUserSpec } from '../src/commands/acl.js';
import { refusal } from './acl-matrix.js';
import { hive, waitUntil } from './helpers.js';

let topology: Topology;
let users: AclUserSpec[];
let agents: AclUserSpec[];
const passwords = new Map<string, string>();
let dir: string;
let aclPath: string;
let redis: RedisServer;
let admin: RedisDriver;

const urlOf = (user: string) => `redis://${user}:${passwords.get(user)}@127.0.0.1:${redis.port}`;

/** Any payload goes (the ACL is what is tested); streams split as the catalogue splits them, as the agents' buses do. */
const contracts: ContractRegistry = {
  find: (stream, type) => ({ stream, type, version: 1, decode: (data) => ({ ok: true, data }) }),
  partitioning: (s) => catalogue.partitioning(s),
};
/** Every physical stream of the topology: each stream, a partitioned one as its shards. */
const physicalStreams = () => topology.streams.flatMap((s) => s.shards ?? [s.stream]);

beforeAll(async () => {
  topology = deriveTopology(await loadDefinitions());
  users = aclUsers(topology);
  agents = users.filter((u) => u.kind === 'agent');
  for (const u of users) if (u.kind !== 'default') passwords.set(u.name, newPassword());
  dir = mkdtempSync(join(tmpdir(), 'hive-acl-'));
  aclPath = join(dir, 'users.acl');
  writeFileSync(aclPath, aclFile(users, passwords));
  redis = await startRedis({ args: ['--aclfile', aclPath] });
  admin = createDriver('ioredis', { url: urlOf('admin') });
  await admin.connect();
  // Importing the 13 agents' definitions from source takes over a minute on a loaded machine.
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The error of a promise that must fail. */
const aclLog = async () => (await admin.call(['ACL', 'LOG'])) as unknown[];

it('lets a responder answer on the reply streams of who requests on a stream it reads, though it does not write that stream', async () => {
  // herald's briefing: herald requests on agent.requests; box, hermes, ledger and pulse answer (ctx.reply), writing nothing there.
  const requests = topology.streams.find((s) => s.stream === 'agent.requests')!;
  expect(requests.writers).toEqual(['herald']);
  for (const name of ['box', 'hermes', 'ledger', 'pulse']) {
    const u = agents.find((a) => a.name === name)!;
    expect(u.reads).toContain('agent.requests');
    expect(u.writes).not.toContain('agent.requests');
    expect(u.answers).toContain('herald');
    expect(String(await admin.call(['ACL', 'DRYRUN', name, 'XADD', `hive:reply:{herald}:${name}:herald-1a2b`, 'NOMKSTREAM', '*', 'type', 'summary.reply']))).toBe('OK');
    // Only on its own reply stream to herald: never in another responder's name.
    const other = ['box', 'hermes', 'ledger', 'pulse'].find((o) => o !== name)!;
    expect(String(await admin.call(['ACL', 'DRYRUN', name, 'XADD', `hive:reply:{herald}:${other}:herald-1a2b`, 'NOMKSTREAM', '*', 'type', 'summary.reply']))).not.toBe('OK');
    expect(String(await admin.call(['ACL', 'DRYRUN', name, 'XADD', 'hive:s:{agent.requests}', '*', 'type', 'summary.request']))).not.toBe('OK');
  }
});

it('finds the agents whose definitions exist, and makes one user each', () => {
  expect(agents.length).toBeGreaterThan(0);
  expect(agents.map((a) => a.name)).toEqual(topology.agents.map((a) => a.name));
  const lines = readFileSync(aclPath, 'utf8').trim().split('\n');
  expect(lines.map((l) => l.split(' ')[1])).toEqual(users.map((u) => u.name));
  // Only the default user goes without a password, and it may only PING.
  expect(lines.filter((l) => l.includes('nopass'))).toEqual(['user default on nopass resetkeys resetchannels -@all +ping']);
});

describe.each(['ioredis', 'node-redis'] as DriverKind[])('each agent as its own user (%s)', (driver) => {
  it('publishes to its writes, consumes its reads, answers requests, dead-letters and takes redrives; nothing is refused', async () => {
    await admin.call(['ACL', 'LOG', 'RESET']);
    const buses = new Map<string, Bus>();
    const subs: Subscription[] = [];
    /** group|message id → deliveries seen by that group. */
    const handled = new Map<string, number[]>();
    const failedOnce = new Set<string>();
    /** What each agent's definition reads and writes: the streams by their names (its ACL user's lists name the shards). */
    const defOf = (name: string) => topology.agents.find((t) => t.name === name)!;
    try {
      // Before the split: each reader of a partitioned stream had a group on its unsplit key, and owes one entry there.
      const split = topology.streams.filter((s) => s.shards);
      expect(split.map((s) => s.stream)).toContain('intent.classified');
      const presplit = new Map<string, string>();
      const unsplit = await createBus({ url: urlOf('admin'), driver, source: 'acl-test', logger: silentLogger });
      try {
        for (const s of split) {
          for (const r of s.readers) {
            await admin.call(['XGROUP', 'CREATE', unsplit.keys.stream(s.stream), r, '$', 'MKSTREAM']).catch((err: unknown) => {
              if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err; // the other driver's run made it
            });
          }
          // Without contracts the bus does not know the split: the entry goes to the unsplit key.
          const m = await unsplit.publish(s.stream, 'acl.presplit', {});
          expect(m.stream).toBe(s.stream);
          presplit.set(s.stream, m.id);
        }
      } finally {
        await unsplit.close();
      }

      for (const a of agents) buses.set(a.name, await createBus({ url: urlOf(a.name), driver, source: a.name, contracts, logger: silentLogger }));
      for (const a of agents) {
        const bus = buses.get(a.name)!;
        // Every shard of a partitioned stream (an agent with intents reads only theirs; the ACL grants each shard to every reader).
        for (const stream of defOf(a.name).reads) {
          subs.push(
            bus.subscribe({
              stream,
              group: a.name,
              idempotent: true,
              retry: { baseMs: 20, maxMs: 50 },
              handler: async (m: Message<{ fail?: boolean }>, ctx) => {
                const key = `${a.name}|${m.id}`;
                handled.set(key, [...(handled.get(key) ?? []), ctx.deliveryCount ?? 0]);
                await ctx.extendLease();
                if (m.data.fail && !failedOnce.has(key)) {
                  failedOnce.add(key);
                  throw new UnrecoverableError('fails once, on purpose');
                }
                return m.replyTo ? reply(m, 'acl.reply', { from: a.name }) : undefined;
              },
            }),
          );
        }
      }
      await Promise.all(subs.map((s) => s.ready));
      // What each group owed from before the split is drained from the unsplit key.
      await waitUntil(() => split.every((s) => s.readers.every((r) => handled.has(`${r}|${presplit.get(s.stream)}`))), 10_000, 'every reader of a split stream to drain its unsplit key');

      // Every edge: each writer requests on each stream it writes; every reader handles it, one answers.
      const edges = topology.streams.filter((s) => s.readers.length > 0);
      await Promise.all(
        edges.flatMap((s) =>
          s.writers.map(async (w) => {
            // The reader asked answers (on its own reply stream to w); the other readers' replies are dropped by Redis.
            const asked = s.readers.find((r) => r !== w) ?? s.readers[0]!;
            const answer = await buses.get(w)!.request(s.stream, 'acl.probe', { from: w }, { from: asked, timeoutMs: 10_000 });
            expect(answer.src).toBe(asked);
            const id = answer.cause;
            await waitUntil(() => s.readers.every((r) => handled.has(`${r}|${id}`)), 10_000, `every reader of ${s.stream} to handle ${w}'s request`);
          }),
        ),
      );

      // Idempotent publish (publish marks) on every stream each agent writes (each shard of a partitioned one, by its name).
      for (const a of agents) {
        for (const stream of a.writes ?? []) {
          const id = `once-${a.name}-${stream}-${driver}`;
          const first = await buses.get(a.name)!.publish(stream, 'acl.once', {}, { id, idempotent: true });
          const again = await buses.get(a.name)!.publish(stream, 'acl.once', {}, { id, idempotent: true });
          expect(again).toMatchObject({ duplicate: true, entryId: first.entryId });
        }
      }

      // Dead letters: a failing message reaches the dead-letter stream, and a retry redelivers it to the group that failed it.
      // On a partitioned stream the dead letters are the shard's that held the message (`hive dlq` takes the shard).
      const adminBus = await createBus({ url: urlOf('admin'), driver, source: 'acl-test', contracts, logger: silentLogger });
      try {
        const sent = await Promise.all(edges.map((s) => adminBus.publish(s.stream, 'acl.fail', { fail: true })));
        const dlqLength = async (stream: string) => (await listDeadLetters(admin, adminBus.keys, stream)).length;
        await waitUntil(async () => (await Promise.all(edges.map(async (s, i) => (await dlqLength(sent[i]!.stream)) >= s.readers.length))).every(Boolean), 10_000, 'every reader to dead-letter');
        for (const m of sent) {
          const retried = await hive(['dlq', 'retry', m.stream, '--all'], { url: urlOf('admin') });
          expect(retried.code, retried.stderr).toBe(0);
        }
        await waitUntil(() => edges.every((s, i) => s.readers.every((r) => (handled.get(`${r}|${sent[i]!.id}`)?.length ?? 0) >= 2)), 10_000, 'every reader to handle its redriven message');
        for (const m of sent) expect(await dlqLength(m.stream)).toBe(0);
      } finally {
        await adminBus.close();
      }

      // Registry: each agent's own heartbeat (the index of stream names lists the shards); the registry readers list them; readiness's XINFO GROUPS.
      const beats = await Promise.all(
        agents.map((a) =>
          startHeartbeat(buses.get(a.name)!.driver, buses.get(a.name)!.keys, { name: a.name, instance: driver, version: '0', reads: [...defOf(a.name).reads], writes: [...defOf(a.name).writes] }, { partitions: contracts }),
        ),
      );
      for (const a of agents.filter((x) => x.role?.registry)) {
        const listed = await listAgents(buses.get(a.name)!.driver, buses.get(a.name)!.keys);
        expect(listed.map((r) => r.name).sort()).toEqual(agents.map((x) => x.name).sort());
      }
      for (const a of agents) {
        // Every key it reads: each stream, each shard of a partitioned one, and its unsplit key (where the group drained).
        for (const stream of a.reads ?? []) {
          // What the reclaimer does to consumers dead for a day (no such one here: nothing to remove, but allowed).
          expect(await buses.get(a.name)!.driver.call(['XGROUP', 'DELCONSUMER', buses.get(a.name)!.keys.stream(stream), a.name, 'ghost'])).toBe(0);
          expect((await xinfoGroups(buses.get(a.name)!.driver, buses.get(a.name)!.keys.stream(stream))).map((g) => g.name)).toContain(a.name);
        }
        // Its own state (keys.data), in a transaction, and any namespace its role adds.
        const d = buses.get(a.name)!.driver;
        const own = buses.get(a.name)!.keys.data(a.name, 'acl-test');
        expect(await d.pipeline([['MULTI'], ['HSET', own, 'k', 'v'], ['EXPIRE', own, 60], ['EXEC']])).toSatisfy((rs: { ok: boolean }[]) => rs.every((r) => r.ok));
        for (const pattern of a.role?.storage ?? []) expect(await d.call(['SET', `hive:${pattern.replace('*', 'acl-test')}`, '1'])).toBe('OK');
      }
      for (const b of beats) await b.stop();

      // Settle, then: each handler ran once per message (a refused reply or ack would have meant a retry), and Redis refused nothing.
      await new Promise((r) => setTimeout(r, 300));
      for (const [key, deliveries] of handled) {
        if (failedOnce.has(key)) continue;
        expect(deliveries, key).toEqual([1]);
      }
      expect(await aclLog()).toEqual([]);
    } finally {
      await Promise.all([...buses.values()].map((b) => b.close()));
    }
  }, 120_000);
});

it('lets the janitor (sentinel) trim every stream to its retention, and measure every key, and nobody else trim', async () => {
  const janitors = agents.filter((a) => a.role?.janitor);
  expect(janitors.map((a) => a.name)).toEqual(['sentinel']);
  await admin.call(['ACL', 'LOG', 'RESET']);
  const adminBus = await createBus({ url: urlOf('admin'), source: 'acl-test', logger: silentLogger });
  const sentinel = await createBus({ url: urlOf('sentinel'), source: 'sentinel', logger: silentLogger });
  try {
    // Each physical stream: the janitor trims a partitioned stream shard by shard.
    for (const s of physicalStreams()) {
      const key = adminBus.keys.stream(s);
      await admin.call(['DEL', key]); // what the tests above left there
      await admin.call(['XGROUP', 'CREATE', key, 'acl-janitor', '0', 'MKSTREAM']);
      for (let i = 0; i < 12; i++) await adminBus.publish(s, 'acl.trim', { i });
      // The group has read (and acked) 6: a length trim to 2 stops at its first unread entry, counting server-side.
      const read = (await admin.call(['XREADGROUP', 'GROUP', 'acl-janitor', 'c', 'COUNT', 6, 'STREAMS', key, '>'])) as unknown;
      expect(read).toBeTruthy();
      const ids = (await admin.call(['XRANGE', key, '-', '+', 'COUNT', 6])) as [string, unknown][];
      await admin.call(['XACK', key, 'acl-janitor', ...ids.map((e) => String(e[0]))]);
      const r = await trimStream(sentinel.driver, sentinel.keys, s, { maxLen: 2, maxAgeMs: 86_400_000 });
      expect(r, s).toMatchObject({ trimmed: 6, lengthAfter: 6, heldBackBy: { group: 'acl-janitor', reason: 'undelivered' } });
      expect(Number(await sentinel.driver.call(['MEMORY', 'USAGE', key]))).toBeGreaterThan(0);
      await admin.call(['DEL', key]);
    }
    expect(Number(await sentinel.driver.call(['MEMORY', 'USAGE', adminBus.keys.data('ledger', 'x')]) ?? 0)).toBe(0);
    expect(await aclLog()).toEqual([]);
  } finally {
    await adminBus.close();
    await sentinel.close();
  }
});

describe('refusals (NOPERM)', () => {
  it('an agent cannot append to a stream it does not write, nor read one it does not consume, nor touch others\' keys', async () => {
    // Each stream by its name (a partitioned stream's unsplit key, which nobody appends to) and each shard.
    const streams = [...new Set([...topology.streams.map((s) => s.stream), ...physicalStreams()])].sort();
    for (const a of agents) {
      const bus = await createBus({ url: urlOf(a.name), source: a.name, logger: silentLogger });
      const k = bus.keys;
      const d = bus.driver;
      try {
        for (const s of streams) {
          if (!a.writes?.includes(s)) expect(await refusal(bus.publish(s, 'acl.intruder', {})), `${a.name} → ${s}`).toMatch(/NOPERM/);
          if (!a.reads?.includes(s)) {
            expect(await refusal(d.call(['XGROUP', 'CREATE', k.stream(s), a.name, '$', 'MKSTREAM'])), `${a.name} creates a group on ${s}`).toMatch(/NOPERM/);
            expect(await refusal(d.call(['XREADGROUP', 'GROUP', a.name, 'c', 'STREAMS', k.stream(s), '>'])), `${a.name} ← ${s}`).toMatch(/NOPERM/);
            expect(await refusal(d.call(['XADD', k.deadLetters(s, a.name), '*', 'f', 'v'])), `${a.name} → dead letters of ${s}`).toMatch(/NOPERM/);
          }
          // Its own dead letters only: never another group's, nor the shared ones of earlier versions.
          for (const other of agents.filter((o) => o.name !== a.name && o.reads?.includes(s))) {
            expect(await refusal(d.call(['XADD', k.deadLetters(s, other.name), '*', 'f', 'v'])), `${a.name} → ${other.name}'s dead letters of ${s}`).toMatch(/NOPERM/);
          }
          expect(await refusal(d.call(['XADD', k.sharedDeadLetters(s), '*', 'f', 'v'])), `${a.name} → shared dead letters of ${s}`).toMatch(/NOPERM/);
          if (!a.reads?.includes(s) && !a.role?.janitor) expect(await refusal(d.call(['XRANGE', k.stream(s), '-', '+'])), `${a.name} XRANGE ${s}`).toMatch(/NOPERM/);
          else expect(await refusal(d.call(['XRANGE', k.stream(s), '-', '+', 'COUNT', 1])), `${a.name} XRANGE ${s}`).toBe('allowed');
          // Only the janitor trims: a writer can append to a stream, never cut it.
          if (!a.role?.janitor) expect(await refusal(d.call(['XTRIM', k.stream(s), 'MINID', '=', '0-1'])), `${a.name} XTRIM ${s}`).toMatch(/NOPERM/);
        }
        const readable = a.reads?.find((s) => !a.writes?.includes(s));
        const notWritten = streams.find((s) => !a.writes?.includes(s));
        if (readable && notWritten) {
          const script = "return redis.call('XADD', KEYS[1], '*', 'f', 'v')";
          expect(await refusal(d.call(['EVAL', script, 1, k.stream(notWritten)])), 'EVAL on a key outside its scripts').toMatch(/NOPERM|can't access/);
          expect(await refusal(d.call(['EVAL', script, 1, k.stream(readable)])), 'EVAL appending to a stream it only reads').toMatch(/can't access|NOPERM/);
        }
        for (const other of agents.filter((o) => o.name !== a.name)) {
          expect(await refusal(d.call(['GET', k.data(other.name, 'x')])), `${a.name} reads ${other.name}'s state`).toMatch(/NOPERM/);
          expect(await refusal(d.call(['SET', k.agent(other.name, '0'), '{}'])), `${a.name} forges ${other.name}'s heartbeat`).toMatch(/NOPERM/);
          expect(await refusal(d.call(['XREAD', 'STREAMS', k.replies(other.name, a.name, 'x'), '0'])), `${a.name} reads ${other.name}'s replies`).toMatch(/NOPERM/);
          // Forging a reply: writing on another responder's reply stream to any requester.
          const third = agents.find((x) => x.name !== a.name && x.name !== other.name)!;
          expect(await refusal(d.call(['XADD', k.replies(other.name, third.name, 'x'), '*', 'f', 'v'])), `${a.name} answers ${other.name} as ${third.name}`).toMatch(/NOPERM/);
        }
        if (!a.role?.storage?.includes('bull:*')) expect(await refusal(d.call(['HGETALL', 'hive:bull:reminders:1'])), `${a.name} reads BullMQ`).toMatch(/NOPERM/);
        // No agent lists key names: the registry readers and sentinel go through the indexes.
        expect(await refusal(d.call(['SCAN', '0'])), `${a.name} SCAN`).toMatch(/NOPERM/);
        for (const cmd of [['FLUSHALL'], ['FLUSHDB'], ['KEYS', '*'], ['CONFIG', 'SET', 'appendonly', 'no'], ['SHUTDOWN', 'NOSAVE'], ['DEBUG', 'SLEEP', '0'], ['ACL', 'LIST'], ['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH'], ['BGREWRITEAOF'], ['PUBLISH', 'ch', 'x'], ['GET', 'unrelated']]) {
          // (DEBUG is refused by enable-debug-command before the ACL is asked; ACL DRYRUN in --check covers the ACL.)
          expect(await refusal(d.call(cmd)), `${a.name}: ${cmd.join(' ')}`).toMatch(cmd[0] === 'DEBUG' ? /NOPERM|DEBUG command not allowed/ : /NOPERM/);
        }
      } finally {
        await bus.close();
      }
    }
    // Without a password: PING, and nothing else.
    const anon = createDriver('ioredis', { url: `redis://127.0.0.1:${redis.port}` });
    await anon.connect();
    try {
      expect(await anon.call(['PING'])).toBe('PONG');
      expect(await refusal(anon.call(['XRANGE', 'hive:s:{wa.inbound}', '-', '+']))).toMatch(/NOPERM/);
    } finally {
      await anon.close();
    }
    // And the backup user: BGREWRITEAOF, INFO, nothing of the data.
    const backup = createDriver('ioredis', { url: urlOf('backup') });
    await backup.connect();
    try {
      expect(String(await backup.call(['INFO', 'persistence']))).toMatch(/aof_enabled/);
      expect(await refusal(backup.call(['GET', 'hive:s:{wa.inbound}']))).toMatch(/NOPERM/);
    } finally {
      await backup.close();
    }
  }, 60_000);
});

describe('hive acl (the verb)', () => {
  it('writes the ACL file, generates missing passwords into the secrets file (600), keeps existing ones, and env files per user', async () => {
    const secrets = join(dir, 'secrets.env');
    const out = join(dir, 'gen', 'users.acl');
    const envDir = join(dir, 'env');
    writeFileSync(secrets, `# mine\n${passwordVar('admin')}=adminpw\n`);
    const r = await hive(['acl', '--secrets', secrets, '--out', out, '--env-dir', envDir, '--redis-host', 'redis:6379']);
    expect(r.code, r.stderr).toBe(0);
    const parsed = parseEnvFile(readFileSync(secrets, 'utf8'));
    expect(parsed.get(passwordVar('admin'))).toBe('adminpw');
    for (const a of agents) expect(parsed.get(passwordVar(a.name))).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    const file = readFileSync(out, 'utf8');
    expect(file).not.toContain('adminpw');
    expect(file).not.toMatch(/\boff\b/);
    expect(readFileSync(join(envDir, `${agents[0]!.name}.env`), 'utf8')).toContain(`REDIS_URL=redis://${agents[0]!.name}:${parsed.get(passwordVar(agents[0]!.name))}@redis:6379`);
    expect(statSync(join(envDir, 'admin.env')).mode & 0o777).toBe(0o600);

    const again = await hive(['acl', '--secrets', secrets, '--out', out]);
    expect(again.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(file);
    expect(parseEnvFile(readFileSync(secrets, 'utf8'))).toEqual(parsed);
  }, 60_000);

  it('--json says what each user may do and why', async () => {
    const r = await hive(['acl', '--json', '--topology', writeTopology()]);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.users.map((u: { name: string }) => u.name)).toEqual(users.map((u) => u.name));
    const first = doc.users.find((u: { kind: string }) => u.kind === 'agent');
    expect(first).toMatchObject({ reads: agents[0]!.reads, writes: agents[0]!.writes, passwordVar: passwordVar(agents[0]!.name) });
    expect(first.selectors.map((s: { why: string }) => s.why)).toContain('append to the streams it writes');
    expect(doc.usersWithoutPassword).toContain(agents[0]!.name);
    expect(first.line).toMatch(new RegExp(`^user ${agents[0]!.name} off resetpass `));
  });

  it('--check passes against the live ACL, and names the agent and the stream when the live ACL drifts', async () => {
    const env = Object.fromEntries([...passwords].map(([u, pw]) => [passwordVar(u), pw]));
    const ok = await hive(['acl', '--check', '--json'], { url: urlOf('admin'), env });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.json().users.every((u: { status: string }) => u.status === 'ok')).toBe(true);

    // The live ACL lags behind: one agent lost a stream it writes and gained one it should not read.
    const victim = agents.find((a) => (a.writes?.length ?? 0) > 0)!;
    const lost = victim.writes![0]!;
    const gained = topology.streams.map((s) => s.stream).find((s) => !victim.reads?.includes(s))!;
    const drifted = aclUsers({ streams: topology.streams, agents: topology.agents.map((a) => (a.name === victim.name ? { ...a, writes: a.writes.filter((w) => w !== lost), reads: [...a.reads, gained] } : a)) });
    writeFileSync(aclPath, aclFile(drifted, passwords));
    await admin.call(['ACL', 'LOAD']);
    try {
      const bad = await hive(['acl', '--check', '--json'], { url: urlOf('admin'), env });
      expect(bad.code).toBe(1);
      const rows = bad.json().users as { user: string; status: string; problems: string[] }[];
      expect(rows.filter((r) => r.status !== 'ok').map((r) => r.user)).toEqual([victim.name]);
      const problems = rows.find((r) => r.user === victim.name)!.problems.join('\n');
      expect(problems).toContain(`append to ${lost}: refused`);
      expect(problems).toContain(`consume ${gained}: allowed, should be refused`);

      const text = await hive(['acl', '--check'], { url: urlOf('admin'), env });
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(new RegExp(`${victim.name}\\s+permissions differ`));
    } finally {
      writeFileSync(aclPath, aclFile(users, passwords));
      await admin.call(['ACL', 'LOAD']);
    }
    const wrongPw = await hive(['acl', '--check', '--json'], { url: urlOf('admin'), env: { ...env, [passwordVar(victim.name)]: 'not-it' } });
    expect(wrongPw.code).toBe(1);
    expect(wrongPw.json().users.find((u: { user: string }) => u.user === victim.name).status).toBe('password differs');
  }, 60_000);
});

function writeTopology(): string {
  const file = join(dir, 'topology.json');
  writeFileSync(file, JSON.stringify(topology));
  return file;
}
