/** Shared test helpers: a real redis-server per file, a bus per test under a random prefix. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { randomPrefix, startCluster, startRedis, startSentinel, type RedisServer, type StartRedisOptions } from '@hive/test-redis';
import { createBus, createDriver, type Bus, type BusOptions, type DriverKind, type Logger, type RedisDriver } from '../src/index.js';

export { randomPrefix };

/**
 * Where the conformance suite runs: one redis-server (the default), or, with HIVE_TEST_TOPOLOGY,
 * a 3-master Redis Cluster ("cluster") or a master + replica + 3 Sentinels ("sentinel"). The suite's
 * files are the same; only the URL the bus is given changes (`npm run conformance:cluster`).
 */
export const TOPOLOGY = (process.env.HIVE_TEST_TOPOLOGY ?? 'single') as 'single' | 'cluster' | 'sentinel';
if (!['single', 'cluster', 'sentinel'].includes(TOPOLOGY)) throw new Error(`HIVE_TEST_TOPOLOGY "${TOPOLOGY}": use single, cluster or sentinel`);

/** A cluster or Sentinel group as the one-server shape the tests use: its URL, and stop(); no kill9/restart. */
async function startTopology(opts: StartRedisOptions): Promise<RedisServer> {
  const t = TOPOLOGY === 'cluster' ? await startCluster({ node: opts }) : await startSentinel({ node: opts });
  const first = 'nodes' in t ? t.nodes[0]! : t.servers[0]!;
  const unsupported = () => Promise.reject(new Error(`kill9/restart of one server is not part of the ${TOPOLOGY} conformance run`));
  return { port: first.port, url: t.url, dir: first.dir, pid: first.pid, kill9: unsupported, restart: unsupported, stop: () => t.stop() };
}

/** Start one redis-server (or the HIVE_TEST_TOPOLOGY) for the test file; the getter is valid inside tests. */
export function useRedis(opts: StartRedisOptions = {}): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = TOPOLOGY === 'single' ? await startRedis(opts) : await startTopology(opts);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('redis-server not started');
    return server;
  };
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  obj: Record<string, unknown>;
}

/** A logger that keeps every line in memory, so tests can assert what was logged. */
export function memoryLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at = (level: LogLine['level']) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push({ level, msg, obj: { ...bindings, ...obj } });
  };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (b) => memoryLogger(lines, { ...bindings, ...b }),
  };
}

export async function makeBus(kind: DriverKind, server: RedisServer, prefix: string, extra: Partial<BusOptions> = {}): Promise<Bus> {
  return createBus({ url: server.url, driver: kind, prefix, source: 'test', logger: memoryLogger(), ...extra });
}

/**
 * The buses of one describe block's tests, all closed after each test: `bus()` opens one on
 * `server` under a new prefix, and `keep(b)` closes one opened otherwise (its own options or URL).
 */
export function useBuses(kind: DriverKind, server: () => RedisServer): { bus: () => Promise<Bus>; keep: (b: Bus) => Bus } {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const keep = (b: Bus): Bus => {
    open.push(b);
    return b;
  };
  return { bus: async () => keep(await makeBus(kind, server(), randomPrefix())), keep };
}

/** A plain driver for raw commands (XADD from a "foreign" producer, inspection). */
export async function rawDriver(kind: DriverKind, server: RedisServer): Promise<RedisDriver> {
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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
