/**
 * Which Redis a verb talks to: --redis, else REDIS_URL, else the Redis of the `npm start` network
 * running from this checkout (its record under .data, see @hive/supervisor's dev-network.ts), else
 * redis://127.0.0.1:6379. When the user named none, the note says which one was taken and why.
 */
import { redactUrl } from '@hive/bus';
import { devDataDir, readDevRedis } from '@hive/supervisor';
import { DEFAULT_REDIS_URL } from './connection.js';

export interface LocatedRedis {
  readonly url: string;
  readonly source: 'flag' | 'env' | 'dev-network' | 'default';
  /** For stderr, when the URL was not given explicitly. */
  readonly note?: string;
}

/** Resolve the Redis URL for one command (see the module comment for the order). */
export function locateRedis(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): LocatedRedis {
  if (flag !== undefined) return { url: flag, source: 'flag' };
  const fromEnv = env.REDIS_URL?.trim();
  if (fromEnv) return { url: fromEnv, source: 'env' };
  const dev = readDevRedis(devDataDir(env));
  if (dev) return { url: dev.url, source: 'dev-network', note: `hive: using the npm start network's Redis at ${redactUrl(dev.url)} (from ${dev.file}; set REDIS_URL or --redis for another)` };
  return { url: DEFAULT_REDIS_URL, source: 'default', note: `hive: using ${DEFAULT_REDIS_URL} (no REDIS_URL, no --redis, and no npm start running from this checkout)` };
}
