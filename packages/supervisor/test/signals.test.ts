/**
 * `npm start` (node scripts/hive.mjs start) stops once, gracefully, and leaves no process behind:
 *
 * - Ctrl-C: SIGINT to the whole foreground process group. Only the top process is in it (the
 *   supervisor's children and the Redis it started each lead a group of their own), so each agent
 *   gets exactly one signal, the supervisor's SIGTERM, and no "second signal" shortcut is taken.
 * - SIGTERM to the top PID: the same stop (before, it left the supervisor and every agent running).
 * - SIGTERM to npm (`npm start`): npm's `sh -c` dies of it without passing it on; the network sees
 *   its parent gone and stops the same way (before, it ran on, reparented).
 * - SIGKILL of the top: nobody can stop the children then; each notices its supervisor's channel
 *   close and stops itself, gracefully, instead of running on orphaned.
 * Two agents (HIVE_AGENTS) keep the tests short; the mechanism does not depend on how many.
 * Each runs with the agents on either driver (HIVE_DRIVER): how fast an agent stops depends on its
 * Redis client, and an agent on node-redis, which stops within milliseconds, once exited before its
 * logger had learnt that stderr's reader was gone, and hung in the logger's flush at exit
 * (stderrDestination in packages/bus/src/logger.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, createKeys, DRIVER_KINDS, type DriverKind, type RedisDriver } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { freePort, randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { pingRedis } from '../src/redis.js';
import { REPO_ROOT } from '../src/discovery.js';
import { commandLineOf, processTree } from '../src/proc.js';

const AGENTS = ['atlas', 'box'];

interface Run {
  readonly top: ChildProcess;
  readonly prefix: string;
  output(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly dataDir: string;
  /** The processes left under no one when the top was SIGKILLed. */
  readonly orphans: number[];
}

/** `node scripts/hive.mjs start`, or `npm start` (npm then runs it under `sh -c`): the top is the process started here. */
function startHive(args: string[], driverKind: DriverKind, env: Record<string, string>, via: 'node' | 'npm' = 'node'): Run {
  const prefix = randomPrefix('sig');
  const dataDir = mkdtempSync(join(tmpdir(), 'hive-signals-'));
  const [cmd, cmdArgs] = via === 'npm' ? ['npm', ['start', ...(args.length > 0 ? ['--', ...args] : [])]] : [process.execPath, [join(REPO_ROOT, 'scripts', 'hive.mjs'), 'start', ...args]];
  // Its own process group, as a shell gives a foreground job: the group's SIGINT is a terminal's Ctrl-C.
  const top = spawn(cmd, cmdArgs, {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HIVE_PREFIX: prefix, HIVE_DATA_DIR: dataDir, HIVE_AGENTS: AGENTS.join(','), HIVE_LOG_LEVEL: 'info', HIVE_TZ: 'UTC', OPENAI_API_KEY: '', HIVE_DRIVER: driverKind, ...env },
  });
  let out = '';
  top.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  top.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => top.once('exit', (code, signal) => resolve({ code, signal })));
  return { top, prefix, output: () => out, exit, dataDir, orphans: [] };
}

async function until(ok: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const alive = (pid: number) => processTree(pid).length > 0;
/** The whole command line (memoryOf's is shortened to 120 characters: V8's flags and a deep checkout push the script past it). */
const commandOf = (pid: number) => commandLineOf(pid) || '?'; // '?': gone meanwhile
/** The processes under the top now (the console's among them once it answers), the top left out. */
const processTreeNow = (r: Run) => processTree(r.top.pid!).filter((p) => p !== r.top.pid);

describe.each(DRIVER_KINDS)('stopping npm start, the agents on %s', (driverKind) => {
  let redis: RedisServer;
  let driver: RedisDriver;
  const runs: Run[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    driver = createDriver('ioredis', { url: redis.url });
    await driver.connect();
  });
  afterAll(async () => {
    for (const r of runs) {
      // Orphans that outlived a SIGKILLed top are no longer under it: killed by their PIDs.
      for (const pid of [...processTree(r.top.pid!), ...r.orphans.filter(alive)]) process.kill(pid, 'SIGKILL');
      rmSync(r.dataDir, { recursive: true, force: true });
    }
    await driver?.close();
    await redis?.stop();
  });

  /** Start, wait for both agents in the registry, and return the network's PIDs. */
  async function running(r: Run, url: string): Promise<number[]> {
    runs.push(r);
    // A Redis npm start starts itself answers a moment later.
    await until(() => pingRedis(url, 300), 30_000, `Redis at ${url}\n${r.output()}`);
    const d = url === redis.url ? driver : createDriver('ioredis', { url });
    if (d !== driver) await d.connect();
    try {
      await until(async () => {
        if (r.top.exitCode !== null) throw new Error(`npm start exited:\n${r.output()}`);
        const live = (await listAgents(d, createKeys(r.prefix)).catch(() => [])).filter((a) => a.status === 'running').map((a) => a.name);
        return AGENTS.every((a) => live.includes(a));
      }, 90_000, `both agents registered\n${r.output()}`);
    } finally {
      if (d !== driver) await d.close();
    }
    return processTree(r.top.pid!);
  }

  async function expectOneGracefulStop(r: Run, stopping = /hive │ SIG(INT|TERM): stopping…/): Promise<void> {
    // Checked once stdout and stderr have closed (every process writing to them exited, all they wrote
    // read): 'exit' can come first, and under npm the reparented network writes on after npm is gone.
    await until(() => r.top.stdout!.closed && r.top.stderr!.closed, 10_000, `its output closed\n${r.output().slice(-4000)}`);
    const out = r.output();
    expect(out).toMatch(stopping);
    expect(out).toContain('hive │ stopped.');
    for (const a of AGENTS) expect(out, a).toMatch(new RegExp(`^${a}\\s+│ info  stopped$`, 'm'));
    // No agent took a shortcut: none saw a second signal, none overran its budget, none was killed.
    expect(out).not.toMatch(/second SIG|already stopping|shutdown took longer|did not stop within|killing|not gracefully/);
  }

  it('Ctrl-C (SIGINT to the process group), every agent in one process, Redis of its own: one graceful stop, nothing left', async () => {
    const port = await freePort();
    const r = startHive([], driverKind, { HIVE_REDIS_PORT: String(port), HIVE_CONSOLE_PORT: String(await freePort()) });
    const pids = await running(r, `redis://127.0.0.1:${port}`);
    expect(pids.length).toBeGreaterThanOrEqual(2); // the top and the host (and tsx's esbuild when its cache was cold)
    process.kill(-r.top.pid!, 'SIGINT');
    expect(await r.exit).toEqual({ code: 0, signal: null });
    await expectOneGracefulStop(r);
    await until(() => pids.every((p) => !alive(p)), 5_000, 'every process gone');
    expect(await pingRedis(`redis://127.0.0.1:${port}`, 300)).toBe(false); // the Redis it started, stopped after the agents
  }, 150_000);

  it('SIGTERM to the top PID, one process per agent: one graceful stop, nothing left', async () => {
    const r = startHive(['--processes'], driverKind, { REDIS_URL: redis.url, HIVE_CONSOLE_PORT: String(await freePort()) });
    const pids = await running(r, redis.url);
    expect(pids.length).toBeGreaterThanOrEqual(1 + AGENTS.length);
    r.top.kill('SIGTERM');
    expect(await r.exit).toEqual({ code: 0, signal: null });
    await expectOneGracefulStop(r);
    await until(() => pids.every((p) => !alive(p)), 5_000, 'every process gone');
    expect(await listAgents(driver, createKeys(r.prefix))).toEqual([]);
  }, 150_000);

  it('SIGTERM to npm, whose shell dies of it without passing it on: the network sees npm gone and stops, nothing left', async () => {
    const r = startHive([], driverKind, { REDIS_URL: redis.url, HIVE_CONSOLE: '0' }, 'npm');
    const pids = await running(r, redis.url);
    const top = pids.find((p) => commandOf(p).includes('scripts/hive.mjs start'));
    expect(top, `hive.mjs under npm: ${pids.map((p) => `${p} ${commandOf(p)}`).join('; ')}`).toBeDefined();
    // Reparented once npm and its shell are gone: no longer under the top, killed by PID if left.
    r.orphans.push(...pids.filter((p) => p !== r.top.pid));
    r.top.kill('SIGTERM');
    await until(() => pids.every((p) => !alive(p)), 30_000, 'every process gone').catch((err: unknown) => {
      const left = pids.filter(alive).map((p) => `${p}: ${commandOf(p)}`);
      throw new Error(`${(err as Error).message}; left: ${left.join('; ')}\n${r.output().slice(-4000)}`);
    });
    await expectOneGracefulStop(r, /hive │ npm \(its parent, pid \d+\) has gone: stopping…/);
    expect(await listAgents(driver, createKeys(r.prefix))).toEqual([]);
  }, 150_000);

  it('SIGKILL of the top: the agents notice their supervisor is gone and stop by themselves', async () => {
    // The console on a port of its own, so it really runs (on a taken port it would exit at once).
    const consolePort = await freePort();
    const r = startHive(['--processes'], driverKind, { REDIS_URL: redis.url, HIVE_CONSOLE_PORT: String(consolePort) });
    await running(r, redis.url);
    await until(() => fetch(`http://127.0.0.1:${consolePort}/`).then((res) => res.ok, () => false), 60_000, `the console answers\n${r.output()}`);
    const children = processTreeNow(r);
    r.orphans.push(...children);
    expect(children.map(commandOf).some((c) => c.includes('apps/console/')), 'the console is one of the orphans-to-be').toBe(true);
    r.top.kill('SIGKILL');
    await r.exit;
    // Each stops within its shutdown budget; the bound is generous for a loaded machine, and a failure names who is left.
    await until(() => children.every((p) => !alive(p)), 60_000, 'the orphans gone').catch((err: unknown) => {
      const left = children.filter(alive).map((p) => `${p}: ${commandOf(p)}`);
      throw new Error(`${(err as Error).message}; left: ${left.join('; ')}\n${r.output().slice(-4000)}`);
    });
    // They stopped gracefully: each removed its registry record on the way out.
    expect(await listAgents(driver, createKeys(r.prefix))).toEqual([]);
  }, 180_000);
});

