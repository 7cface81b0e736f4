/** Which Redis `hive` talks to: --redis, REDIS_URL, the npm start network's record, then 6379; and it says which. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordDevRedis } from '@hive/supervisor';
import { afterAll, describe, expect, it } from 'vitest';
import { locateRedis } from '../src/locate-redis.js';
import { hive, UNREACHABLE_URL, useRedis } from './helpers.js';

const redis = useRedis();
const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hive-dev-net-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('finding the dev network', () => {
  it('uses the Redis npm start recorded, says so on stderr, and keeps --json stdout one document', async () => {
    const dir = dataDir();
    recordDevRedis(dir, redis().url);
    const r = await hive(['streams', '--json'], { env: { HIVE_DATA_DIR: dir } });
    expect(r.code).toBe(0);
    expect(Array.isArray(r.json())).toBe(true);
    expect(r.stderr).toContain(`hive: using the npm start network's Redis at ${redis().url} (from ${join(dir, 'redis.json')}`);
  });

  it('prefers REDIS_URL and --redis over the record, without a note', async () => {
    const dir = dataDir();
    recordDevRedis(dir, UNREACHABLE_URL);
    expect(locateRedis(undefined, { HIVE_DATA_DIR: dir, REDIS_URL: 'redis://10.0.0.1:6400' })).toEqual({ url: 'redis://10.0.0.1:6400', source: 'env' });
    expect(locateRedis('redis://10.0.0.2:6400', { HIVE_DATA_DIR: dir, REDIS_URL: 'redis://10.0.0.1:6400' })).toEqual({ url: 'redis://10.0.0.2:6400', source: 'flag' });
    const r = await hive(['streams'], { url: redis().url, env: { HIVE_DATA_DIR: dir } });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('hive: using');
  });

  it('ignores a record whose npm start is gone, and falls back to 6379, saying so', () => {
    const dir = dataDir();
    // A pid no process has (above the kernel's limit).
    recordDevRedis(dir, redis().url, 2 ** 30);
    const r = locateRedis(undefined, { HIVE_DATA_DIR: dir });
    expect(r).toMatchObject({ url: 'redis://127.0.0.1:6379', source: 'default' });
    expect(r.note).toMatch(/^hive: using redis:\/\/127\.0\.0\.1:6379 \(no REDIS_URL, no --redis, and no npm start running/);
  });
});
