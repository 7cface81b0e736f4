/** Test helpers: a real redis-server per file, consoles on free ports, a logger whose lines the test can read. */
import { afterAll, beforeAll } from 'vitest';
import { createDriver, type Logger, type RedisDriver } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';

export { randomPrefix } from '@hive/test-redis';

/** One redis-server (and a driver on it) for the test file. */
export function useRedis(): () => { server: RedisServer; driver: RedisDriver } {
  let server: RedisServer | undefined;
  let driver: RedisDriver | undefined;
  beforeAll(async () => {
    server = await startRedis();
    driver = createDriver('ioredis', { url: server.url });
    await driver.connect();
  });
  afterAll(async () => {
    await driver?.close();
    await server?.stop();
  });
  return () => {
    if (!server || !driver) throw new Error('redis-server not started');
    return { server, driver };
  };
}

/** A logger that keeps its lines as objects ({ level, msg, ...fields }). */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void lines.push({ level, ...bindings, ...obj, msg });
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => make({ ...bindings, ...b }) };
  };
  return { log: make({}), lines };
}
