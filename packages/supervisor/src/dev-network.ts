/**
 * Where the running `npm start` network's Redis is: `npm start` writes `<data dir>/redis.json`
 * (mode 0600: a REDIS_URL may carry a password) and removes it when it stops, so that `hive`,
 * `hive new agent` and `hive dev` find the network without REDIS_URL. A record whose process is gone
 * (a `kill -9`) is ignored.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './discovery.js';

export const DEV_REDIS_FILE = 'redis.json';

export interface DevRedisRecord {
  readonly url: string;
  /** The `npm start` process. */
  readonly pid: number;
  readonly startedAt: string;
  /** True when its host starts agent apps that appear under apps/ (one process, from source). */
  readonly watchesApps?: boolean;
}

/** The data directory `npm start` uses: HIVE_DATA_DIR, else `<repo>/.data`. */
export function devDataDir(env: Readonly<Record<string, string | undefined>> = process.env, root: string = REPO_ROOT): string {
  return env.HIVE_DATA_DIR || join(root, '.data');
}

/** Record the network's Redis (npm start, once Redis answers). */
export function recordDevRedis(dataDir: string, url: string, pid: number = process.pid, watchesApps = false): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DEV_REDIS_FILE);
  const record: DevRedisRecord = { url, pid, startedAt: new Date().toISOString(), watchesApps };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** Remove the record if it is this process's (npm start, stopping). */
export function clearDevRedis(dataDir: string, pid: number = process.pid): void {
  const r = readRecord(join(dataDir, DEV_REDIS_FILE));
  if (r?.pid === pid) rmSync(join(dataDir, DEV_REDIS_FILE), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRecord(file: string): DevRedisRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevRedisRecord>;
    return typeof r.url === 'string' && /^rediss?:\/\//.test(r.url) && Number.isInteger(r.pid) ? (r as DevRedisRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** The running network's record, or undefined when there is none or its `npm start` is gone. */
export function readDevRedis(dataDir: string): (DevRedisRecord & { readonly file: string }) | undefined {
  const file = join(dataDir, DEV_REDIS_FILE);
  const r = readRecord(file);
  return r && alive(r.pid) ? { ...r, file } : undefined;
}
