/**
 * Finding Redis for `npm start`: REDIS_URL when it is set (and reachable), else a redis-server of
 * our own with AOF in ./.data/redis (so reminders and un-acked messages survive a restart), else a
 * plain message saying how to get one. A server we started is stopped when we stop, after the agents.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

/**
 * How often the redis-server of `npm start` fsyncs its AOF: once a second, as infra/redis/redis.conf
 * on the VPS (a crash of Redis alone loses nothing; a power cut, at most the last second's writes).
 * The network benchmark runs its Redis the same way, so that it measures what `npm start` runs.
 */
export const LOCAL_REDIS_APPENDFSYNC = 'everysec';

export interface RedisHandle {
  readonly url: string;
  /** True when we started it (and stop() stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** True when something at host:port answers PING with PONG within timeoutMs. */
export function pingRedis(url: string, timeoutMs = 1_000): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port || 6379);
  const host = u.hostname || '127.0.0.1';
  if (u.protocol === 'rediss:') return Promise.resolve(true); // TLS: let the client find out
  return new Promise((resolve) => {
    const sock = createConnection({ port, host });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => {
      const auth = u.password ? `AUTH ${u.username ? `${decodeURIComponent(u.username)} ` : ''}${decodeURIComponent(u.password)}\r\n` : '';
      sock.write(`${auth}PING\r\n`);
    });
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('+PONG')) done(true);
      else if (buf.startsWith('-') && buf.includes('\r\n') && !u.password) done(false);
    });
  });
}

export interface EnsureRedisOptions {
  /** Use this URL (from REDIS_URL); never start a server then. */
  url?: string;
  /** Where our own server keeps its AOF. */
  dataDir: string;
  /** Port for our own server. @defaultValue 6390 */
  port?: number;
  log?: (line: string) => void;
}

/** Find or start Redis; throws RedisUnavailableError with what to do when neither works. */
export async function ensureRedis(opts: EnsureRedisOptions): Promise<RedisHandle> {
  const log = opts.log ?? (() => undefined);
  if (opts.url) {
    if (await pingRedis(opts.url)) return { url: opts.url, owned: false, stop: async () => undefined };
    throw new RedisUnavailableError(`REDIS_URL is set but nothing answers there. Start that Redis, or unset REDIS_URL to let Hive start its own.`);
  }
  const port = opts.port ?? 6390;
  const url = `redis://127.0.0.1:${port}`;
  if (await pingRedis(url)) {
    log(`using the Redis already running at ${url}`);
    return { url, owned: false, stop: async () => undefined };
  }
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new RedisUnavailableError(
      [
        'Hive needs Redis (6.2 or newer) and found none.',
        '  • Debian/Ubuntu:  sudo apt-get install redis-server   (then run npm start again)',
        '  • macOS:          brew install redis',
        '  • Docker:         docker compose up -d redis  and  REDIS_URL=redis://127.0.0.1:6379 npm start',
      ].join('\n'),
    );
  }
  const dir = join(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', LOCAL_REDIS_APPENDFSYNC, '--save', '', '--maxmemory-policy', 'noeviction', '--logfile', join(dir, 'redis.log')],
    // Its own process group: a Ctrl-C must not stop Redis under agents that are still acking their last work.
    { stdio: 'ignore', detached: true },
  );
  const deadline = Date.now() + 15_000;
  while (!(await pingRedis(url, 300))) {
    if (child.exitCode !== null) throw new RedisUnavailableError(`redis-server exited with code ${child.exitCode}; see ${join(dir, 'redis.log')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RedisUnavailableError(`redis-server did not answer on ${url} within 15 s; see ${join(dir, 'redis.log')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`started redis-server on ${url} (AOF in ${dir})`);
  return {
    url,
    owned: true,
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
