/**
 * Moves keys written before hash tags (`hive:s:wa.inbound`) to the current layout
 * (`hive:s:{wa.inbound}`): `hive migrate`. Each key is renamed with RENAMENX, which on one Redis is
 * atomic and keeps everything the key holds: a stream keeps its consumer groups, their pending
 * entries and last-delivered ids; a mark keeps its TTL. Idempotent: a second run finds nothing to do.
 * A key whose new name already exists is never overwritten; it is reported as a conflict instead.
 * Run it with the agents stopped (an agent of the earlier version would go on writing old keys).
 * On Redis Cluster the old keys of one stream sit in different slots: migrate on one Redis first.
 */
import { scanKeys } from './commands.js';
import type { RedisDriver } from './drivers/index.js';
import { isRedisError } from './errors.js';
import { legacyKeyPatterns, legacyKeyTarget } from './keys.js';

export interface KeyRename {
  readonly from: string;
  readonly to: string;
}

export interface MigrateKeysResult {
  readonly dryRun: boolean;
  /** Renamed (or, dry, to be renamed). */
  readonly renamed: KeyRename[];
  /** Left alone: the new name already holds a key (both are kept; an operator decides). */
  readonly conflicts: KeyRename[];
}

/** Rename every key of `prefix` in the layout before hash tags to its current name (see the file comment). */
export async function migrateKeys(driver: RedisDriver, prefix: string, opts: { dryRun?: boolean } = {}): Promise<MigrateKeysResult> {
  const dryRun = opts.dryRun ?? false;
  const plan: KeyRename[] = [];
  for (const pattern of legacyKeyPatterns(prefix)) {
    for (const from of await scanKeys(driver, pattern)) {
      const to = legacyKeyTarget(from, prefix);
      if (to !== undefined) plan.push({ from, to });
    }
  }
  const renamed: KeyRename[] = [];
  const conflicts: KeyRename[] = [];
  for (const r of plan) {
    if (dryRun) {
      (Number(await driver.call(['EXISTS', r.to])) > 0 ? conflicts : renamed).push(r);
      continue;
    }
    try {
      (Number(await driver.call(['RENAMENX', r.from, r.to])) === 1 ? renamed : conflicts).push(r);
    } catch (err) {
      // Gone since the SCAN (expired, or another migrate took it): nothing left to move.
      if (!isRedisError(err, 'ERR no such key')) throw err;
    }
  }
  return { dryRun, renamed, conflicts };
}
