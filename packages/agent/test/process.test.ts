import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(pkg, 'test', 'fixtures', 'run-echo.ts');
const slowStart = join(pkg, 'test', 'fixtures', 'run-slow-start.ts');

interface Child {
  proc: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(env: Record<string, string>, opts: { ipc?: boolean; entry?: string } = {}): Child {
  const proc = spawn(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', opts.entry ?? entry], {
    cwd: pkg,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, stderr: () => err, exit };
}

async function logLine(child: Child, msg: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of child.stderr().split('\n')) {
      if (!line.startsWith('{')) continue;
      const obj = JSON.parse(line) as Record<string, unknown>;
      if (obj.msg === msg) return obj;
    }
    if (child.proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no "${msg}" log line; stderr:\n${child.stderr()}`);
}

describe('an agent process', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** The agents registered under `prefix`, as name#instance. */
  async function agentsIn(prefix: string): Promise<string[]> {
    const bus = await createBus({ url: redis.url, prefix, source: 'test' });
    try {
      return (await listAgents(bus.driver, bus.keys)).map((a) => `${a.name}#${a.instance}`);
    } finally {
      await bus.close();
    }
  }

  it('exits 1 on a bad environment, naming each bad variable, without a stack trace', async () => {
    const child = run({ HIVE_HTTP_PORT: 'abc', REDIS_URL: 'localhost:6379', ECHO_PREFIX: '' });
    const { code } = await child.exit;
    expect(code).toBe(1);
    const err = child.stderr();
    expect(err).toContain('echo: invalid configuration for agent "echo":');
    expect(err).toContain('HIVE_HTTP_PORT: must be a whole number from 0 to 65535 (got "abc")');
    expect(err).toContain('REDIS_URL: must be a redis://, rediss://, redis+cluster:// or redis+sentinel:// URL (got "localhost:6379")');
    expect(err).not.toMatch(/^\s+at /m);
  });

  it('starts, serves health, registers, and on SIGTERM shuts down gracefully with exit 0', async () => {
    const prefix = randomPrefix('proc');
    const child = run({ REDIS_URL: redis.url, HIVE_PREFIX: prefix, HIVE_HTTP_PORT: '0', HIVE_INSTANCE: 'p1' });
    try {
      const started = await logLine(child, 'agent started');
      const url = String(started.httpUrl);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      const bus = await createBus({ url: redis.url, prefix, source: 'test' });
      try {
        expect((await listAgents(bus.driver, bus.keys)).map((a) => `${a.name}#${a.instance}`)).toEqual(['echo#p1']);
        child.proc.kill('SIGTERM');
        expect(await child.exit).toEqual({ code: 0, signal: null });
        expect(child.stderr()).toContain('"msg":"stopped"');
        expect(await listAgents(bus.driver, bus.keys)).toEqual([]);
      } finally {
        await bus.close();
      }
    } finally {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    }
  });

  it('SIGTERM while the agent is still starting: it finishes starting, then stops gracefully, exit 0', async () => {
    const prefix = randomPrefix('proc');
    const child = run({ REDIS_URL: redis.url, HIVE_PREFIX: prefix, HIVE_HTTP_PORT: '0', HIVE_INSTANCE: 'p3', ECHO_START_MS: '1500' }, { entry: slowStart });
    try {
      // What a supervisor's SIGTERM did to an agent between its registry record and "agent started":
      // Node's default action ended it, no stop, its buffered log lines lost.
      const deadline = Date.now() + 20_000;
      while (!child.stderr().includes('echo: in start') && child.proc.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(child.stderr()).toContain('echo: in start');
      child.proc.kill('SIGTERM');
      expect(await child.exit).toEqual({ code: 0, signal: null });
      const err = child.stderr();
      expect(err).toMatch(/"reason":"SIGTERM".*"msg":"shutting down"/);
      expect(err).toContain('"msg":"agent started"');
      expect(err).toContain('"msg":"stopped"');
      expect(await agentsIn(prefix)).toEqual([]);
    } finally {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    }
  }, 60_000);

  it('a supervisor that dies while the agent is still starting: the agent stops by itself once started, exit 0', async () => {
    const prefix = randomPrefix('proc');
    const child = run({ REDIS_URL: redis.url, HIVE_PREFIX: prefix, HIVE_HTTP_PORT: '0', HIVE_INSTANCE: 'p2' }, { ipc: true });
    try {
      // The channel closes at once, long before the agent has started and listens for its end (what
      // SIGKILL of `npm start -- --processes` did to an agent that had just registered: it ran on, orphaned).
      child.proc.disconnect();
      await logLine(child, 'agent started');
      const exited = await Promise.race([child.exit, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 30_000))]);
      expect(exited).toEqual({ code: 0, signal: null });
      expect(child.stderr()).toContain('the supervisor exited while this process started');
      expect(child.stderr()).toContain('"msg":"stopped"');
      expect(await agentsIn(prefix)).toEqual([]);
    } finally {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    }
  }, 60_000);
});
