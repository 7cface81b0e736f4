/** Test helpers: a real redis-server per file, the CLI run in-process under a random prefix. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { createBus, createDriver, silentLogger, type Bus, type DriverKind, type RedisDriver } from '@hive/bus';
import type { Catalogue } from '@hive/contracts';
import { runCli } from '../src/main.js';

export { randomPrefix };

/** Start one redis-server for the test file; the getter is valid inside tests. */
export function useRedis(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('redis-server not started');
    return server;
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document. */
  json<T = any>(): T;
  /** stderr parsed as one JSON document (the --json error shape). */
  errorJson(): { error: { code: string; message: string; exitCode: number } };
}

export interface RunOptions {
  /** REDIS_URL and HIVE_PREFIX for the run; flags in argv override them. */
  url?: string;
  prefix?: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  signal?: AbortSignal;
  now?: () => number;
  /** Called with each stdout chunk as it is written (for --follow). */
  onStdout?: (chunk: string) => void;
  /** Contracts instead of the Hive catalogue (a partitioned stream). */
  catalogue?: Catalogue;
}

/** A data directory holding no dev network record. */
export const NO_DEV_NETWORK = join(tmpdir(), 'hive-cli-test-no-dev-network');

/** Run `hive <argv>` in-process and collect its output. */
export async function hive(argv: string[], opts: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  // No npm start network of this checkout (.data/redis.json) may leak into a test: an empty data dir.
  const env: Record<string, string | undefined> = { HIVE_DATA_DIR: NO_DEV_NETWORK, ...opts.env };
  if (opts.url !== undefined) env.REDIS_URL = opts.url;
  if (opts.prefix !== undefined) env.HIVE_PREFIX = opts.prefix;
  const code = await runCli(argv, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        opts.onStdout?.(s);
        return true;
      },
    },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env,
    ...(opts.stdin !== undefined ? { stdin: Readable.from([opts.stdin]) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.catalogue ? { catalogue: opts.catalogue } : {}),
  });
  return {
    code,
    stdout,
    stderr,
    json: () => JSON.parse(stdout),
    errorJson: () => JSON.parse(stderr),
  };
}

/** A bus on the test server under the given prefix (for seeding and consuming). */
export function makeBus(server: RedisServer, prefix: string, kind: DriverKind = 'ioredis', source = 'test'): Promise<Bus> {
  return createBus({ url: server.url, driver: kind, prefix, source, logger: silentLogger });
}

/** A plain connected driver for raw commands. */
export async function rawDriver(server: RedisServer, kind: DriverKind = 'ioredis'): Promise<RedisDriver> {
  const d = createDriver(kind, { url: server.url });
  await d.connect();
  return d;
}

/** Poll until `cond` is true or fail after `timeoutMs`, saying what was awaited. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

/** A URL where nothing listens: port 1 on loopback refuses at once. Never 6379. */
export const UNREACHABLE_URL = 'redis://127.0.0.1:1';
