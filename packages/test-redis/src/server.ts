/**
 * Real redis-server processes for tests. Each server runs on a free loopback port in its own
 * temp dir, with AOF on or off, and is stopped by PID. `kill9()` and `restart()` let a test crash
 * Redis and bring it back on the same port and dir, so what AOF kept is what the test sees.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartRedisOptions {
  /** Turn on the append-only file. @defaultValue false */
  aof?: boolean;
  /** fsync policy when `aof` is on. @defaultValue 'always' (nothing acknowledged is lost on kill -9) */
  appendfsync?: 'always' | 'everysec' | 'no';
  /** Extra `--name value` arguments for redis-server. */
  args?: string[];
  /** Use this port instead of a free one. */
  port?: number;
  /** Run as a Sentinel with this config (written to `sentinel.conf` in its dir, which Sentinel rewrites). */
  sentinelConfig?: string;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** PID of the running server; undefined between kill9() and restart(). */
  readonly pid: number | undefined;
  /** SIGKILL the server and wait for it to die. Its dir is kept for restart(). */
  kill9(): Promise<void>;
  /** Start the server again on the same port and dir (after kill9 or stop(keepDir)). */
  restart(): Promise<void>;
  /** SIGTERM the server, wait for it, and remove its dir. */
  stop(): Promise<void>;
}

const BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      const { port } = addr;
      srv.close(() => resolve(port));
    });
  });
}

/** A random key prefix so tests sharing one server never see each other's keys. */
export function randomPrefix(label = 't'): string {
  return `${label}${randomBytes(4).toString('hex')}:`;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: '127.0.0.1' });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      // -LOADING while the AOF is replayed: not ready yet.
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Start a redis-server on a free loopback port in a fresh temp dir and wait until it answers PING. */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hive-redis-'));
  const port = opts.port ?? (await freePort());
  const config = opts.sentinelConfig === undefined ? [] : [join(dir, 'sentinel.conf'), '--sentinel'];
  if (opts.sentinelConfig !== undefined) writeFileSync(config[0]!, opts.sentinelConfig);
  const args = [
    ...config,
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', opts.aof ? 'yes' : 'no',
    '--appendfsync', opts.appendfsync ?? 'always',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    '--logfile', join(dir, 'redis.log'),
    ...(opts.args ?? []),
  ];
  let child: ChildProcess | undefined;
  let stderr = '';

  const launch = async () => {
    stderr = '';
    const c = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr?.on('data', (d) => (stderr += d.toString()));
    const failed = new Promise<never>((_, reject) => {
      c.once('error', (err) => reject(new Error(`cannot start ${BIN}: ${err.message}. Install redis-server (apt-get install redis-server) or set REDIS_SERVER_BIN.`)));
      c.once('exit', (code) => reject(new Error(`${BIN} exited with ${code} before it was ready: ${stderr.trim()}`)));
    });
    failed.catch(() => undefined);
    child = c;
    await Promise.race([waitFor(() => ping(port), 15_000, `redis-server on port ${port}`), failed]);
  };

  await launch();

  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async kill9() {
      if (!child) return;
      const c = child;
      c.kill('SIGKILL');
      await exited(c);
      child = undefined;
    },
    async restart() {
      if (child) await server.kill9();
      await launch();
    },
    async stop() {
      if (child) {
        const c = child;
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
        await exited(c);
        clearTimeout(timer);
        child = undefined;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
