/**
 * The console's settings from the environment, for its entry point, `hive console` and `npm start`:
 *   REDIS_URL, HIVE_PREFIX, HIVE_DRIVER        as for every agent
 *   HIVE_CONSOLE_HOST / HIVE_CONSOLE_PORT      where to listen (default 127.0.0.1:7780)
 *   HIVE_CONSOLE_TOKEN                         required for a bind outside the loopback interface
 *   HIVE_CONSOLE_READ_ONLY=1                   refuse every change
 *   KAMI_URL, else KAMI_SIM_PORT               kami's simulator (default http://127.0.0.1:7777)
 *   ARCHIVIST_DB_PATH, else HIVE_DATA_DIR      archivist's history (default .data/archivist/history.db)
 */
import { historyDbPath } from '@hive/inspect';
import { ConsoleError } from './errors.js';
import type { ConsoleOptions } from './options.js';

const nonEmpty = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());

/** Options from environment variables; a malformed one is a ConsoleError naming it. */
export function consoleOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): ConsoleOptions {
  const out: ConsoleOptions = {};
  const url = nonEmpty(env.REDIS_URL);
  if (url) out.redisUrl = url;
  const prefix = env.HIVE_PREFIX;
  if (prefix !== undefined && prefix !== '') out.prefix = prefix;
  const driver = nonEmpty(env.HIVE_DRIVER);
  if (driver === 'ioredis' || driver === 'node-redis') out.driverKind = driver;
  else if (driver) throw new ConsoleError('CONSOLE_CONFIG', `HIVE_DRIVER "${driver}" is unknown: use ioredis or node-redis`);
  const host = nonEmpty(env.HIVE_CONSOLE_HOST);
  if (host) out.host = host;
  const port = nonEmpty(env.HIVE_CONSOLE_PORT);
  if (port) {
    if (!/^\d{1,5}$/.test(port)) throw new ConsoleError('CONSOLE_CONFIG', `HIVE_CONSOLE_PORT "${port}" is not a port number`);
    out.port = Number(port);
  }
  const token = nonEmpty(env.HIVE_CONSOLE_TOKEN);
  if (token) out.token = token;
  const readOnly = nonEmpty(env.HIVE_CONSOLE_READ_ONLY);
  if (readOnly) out.readOnly = !['0', 'false', 'no'].includes(readOnly.toLowerCase());
  const simPort = nonEmpty(env.KAMI_SIM_PORT);
  out.kamiUrl = nonEmpty(env.KAMI_URL) ?? (simPort ? `http://127.0.0.1:${simPort}` : undefined) ?? 'http://127.0.0.1:7777';
  const kamiToken = nonEmpty(env.KAMI_SIM_TOKEN);
  if (kamiToken) out.kamiToken = kamiToken;
  out.archivistDb = historyDbPath(undefined, env);
  return out;
}
