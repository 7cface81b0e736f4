/**
 * The real network under the generated ACL, in both of `npm start`'s modes: every agent in apps/ as
 * its own process, or all of them in one process (the host), each agent with the URL of its own
 * ACL user (its REDIS_URL; in the host, HIVE_REDIS_URL_<AGENT>), on a redis-server
 * that loaded the file `hive acl` wrote. A short conversation through kami's simulator reaches the
 * agents' own state (stores, BullMQ for hermes, SQLite for scribe), the registry (atlas, herald),
 * request/reply (herald's briefing asks four agents); then Redis's ACL LOG must be empty: no agent was refused anything, at start or
 * at work, and `hive acl --check` passes.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, createKeys, type RedisDriver } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { deriveTopology } from '@hive/contracts';
import { agentProcess, discoverAgents, hostProcess, redisUrlVar, Supervisor } from '@hive/supervisor';
import { freePort, startRedis, type RedisServer } from '@hive/test-redis';
import { aclFile, aclUsers, loadDefinitions, newPassword, passwordVar, repoRoot } from '../src/commands/acl.js';
import { hive } from './helpers.js';

describe.each(['processes', 'host'] as const)('the network under the ACL, mode %s', (mode) => {
  const passwords = new Map<string, string>();
  let redis: RedisServer;
  let admin: RedisDriver;
  let supervisor: Supervisor | undefined;
  let dir: string;
  let logFile: string;
  let out: WriteStream;
  let kamiUrl: string;
  let agents: string[];

  const urlOf = (user: string) => `redis://${user}:${passwords.get(user)}@127.0.0.1:${redis.port}`;
  const tail = () => readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n');

  beforeAll(async () => {
    const users = aclUsers(deriveTopology(await loadDefinitions()));
    for (const u of users) if (u.kind !== 'default') passwords.set(u.name, newPassword());
    dir = mkdtempSync(join(tmpdir(), 'hive-acl-net-'));
    writeFileSync(join(dir, 'users.acl'), aclFile(users, passwords));
    redis = await startRedis({ aof: true, appendfsync: 'everysec', args: ['--aclfile', join(dir, 'users.acl')] });
    admin = createDriver('ioredis', { url: urlOf('admin') });
    await admin.connect();
    await admin.call(['ACL', 'LOG', 'RESET']);

    const apps = discoverAgents(repoRoot()).filter((a) => passwords.has(a.name));
    agents = apps.map((a) => a.name);
    const simPort = await freePort();
    kamiUrl = `http://127.0.0.1:${simPort}`;
    logFile = join(dir, 'network.log');
    out = createWriteStream(logFile);
    const common = {
      HIVE_DATA_DIR: join(dir, 'data'),
      HIVE_TZ: 'UTC',
      HIVE_LOG_LEVEL: 'info',
      HIVE_HTTP_PORT: '0',
      KAMI_SIM_PORT: String(simPort),
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      HERMES_BRIEFING_AT: '',
      // sentinel's watchdog reads the bus's metadata every second, so its reads are exercised too.
      SENTINEL_POLL_MS: '1000',
    };
    // One process each: each gets its own user's URL, and no other agent's password. One process for
    // all: the host hands each agent its own user's URL from HIVE_REDIS_URL_<AGENT>.
    const specs =
      mode === 'processes'
        ? apps.map((a) => agentProcess(a, { ...common, REDIS_URL: urlOf(a.name) }))
        : [hostProcess({ ...common, ...Object.fromEntries(agents.map((n) => [redisUrlVar(n), urlOf(n)])) }, { root: repoRoot(), agents })];
    supervisor = new Supervisor(specs, { out, colour: false, restartBaseMs: 500, restartMaxMs: 5_000, graceMs: 25_000, labels: agents });
    supervisor.start();
    const keys = createKeys();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const live = new Set((await listAgents(admin, keys)).filter((a) => a.status === 'running').map((a) => a.name));
      const kamiUp = !agents.includes('kami') || (await fetch(`${kamiUrl}/health`).then((r) => r.ok, () => false));
      if (agents.every((n) => live.has(n)) && kamiUp) break;
      if (Date.now() > deadline) throw new Error(`agents not all up under their ACL users after 120 s: missing ${agents.filter((n) => !live.has(n)).join(', ')}\n${tail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);

  afterAll(async () => {
    await supervisor?.stop();
    out?.end();
    await admin?.close();
    await redis?.stop();
    if (dir && !process.env.HIVE_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** Redis's ACL LOG is empty: no command of any agent was refused. */
  async function expectNothingRefused(): Promise<void> {
    const log = (await admin.call(['ACL', 'LOG'])) as unknown[];
    expect(log, `refused commands:\n${JSON.stringify(log)}\n${tail()}`).toEqual([]);
  }

  /** Send as a user through kami's simulator; resolve with kami's replies once `count` arrived (or the time is up). */
  async function say(text: string, count: number, timeoutMs = 20_000): Promise<string[]> {
    const res = await fetch(`${kamiUrl}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, from: '+15555550123' }) });
    expect(res.ok, `kami accepted "${text}"`).toBe(true);
    const posted = (await res.json()) as { chatId: string; cursor: number };
    const deadline = Date.now() + timeoutMs;
    let got: string[] = [];
    while (got.length < count && Date.now() < deadline) {
      const wait = Math.min(5_000, deadline - Date.now());
      const page = await fetch(`${kamiUrl}/chats/${encodeURIComponent(posted.chatId)}/messages?after=${posted.cursor}&wait=${wait}`);
      got = ((await page.json()) as { messages: { text: string }[] }).messages.map((m) => m.text);
    }
    return got;
  }

  it('every agent starts and works as its own ACL user, and Redis refuses none of them anything', async () => {
    expect(agents.length).toBeGreaterThan(0);
    if (agents.includes('kami') && agents.includes('iris')) {
      // One message per kind of state: box and ledger (Redis stores), hermes (BullMQ, firing in seconds),
      // scribe (SQLite), pulse, atlas (the registry), adopter; each answered.
      const conversation: [string, number][] = [
        ['help', 1],
        ['I had 2 eggs and toast', 1],
        ['spent 12.50 on lunch', 1],
        ['remind me in 3 seconds to drink water', 2],
        ['note: the ACL test was here', 1],
        ['drank 2 glasses of water', 1],
        ['idea: a post about Redis ACLs', 1],
        // herald asks box, ledger, hermes and pulse by request/reply: each answers on herald's reply stream.
        ['briefing', 1],
      ];
      const unanswered: string[] = [];
      for (const [text, count] of conversation) {
        const replies = await say(text, count, 30_000);
        if (replies.length < count || replies.some((r) => /didn't answer/.test(r))) unanswered.push(`"${text}" got ${JSON.stringify(replies)}`);
      }
      // What Redis refused says more than a missing reply: check it first.
      await expectNothingRefused();
      expect(unanswered, tail()).toEqual([]);
    }
    await expectNothingRefused();
    expect(readFileSync(logFile, 'utf8')).not.toMatch(/NOPERM/);

    const env = Object.fromEntries([...passwords].map(([u, pw]) => [passwordVar(u), pw]));
    const check = await hive(['acl', '--check'], { url: urlOf('admin'), env });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  }, 240_000);
});
