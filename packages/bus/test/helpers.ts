/** Shared test helpers: a real redis-server per file, a bus per test under a random prefix. */
import { afterAll, beforeAll } from 'vitest';
import { randomPrefix, startRedis, type RedisServer, type StartRedisOptions } from '@hive/test-redis';
import { createBus, createDriver, type Bus, type BusOptions, type DriverKind, type Logger, type RedisDriver } from '../src/index.js';

export { randomPrefix };

/** Start one redis-server for the test file; the getter is valid inside tests. */
export function useRedis(opts: StartRedisOptions = {}): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedis(opts);
  });
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
