/**
 * Lua scripts, loaded from `scripts/<name>-<numKeys>.lua` once and run by SHA. A Redis that lost
 * its script cache (restart, failover) answers NOSCRIPT and the script is sent again in full.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisArg, RedisDriver, Reply } from './drivers/driver.js';
import { HiveError, isRedisError } from './errors.js';

export interface LuaScript {
  readonly name: string;
  readonly numKeys: number;
  readonly source: string;
  readonly sha: string;
}

function load(file: string): LuaScript {
  const source = readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');
  const m = /^(.*)-(\d+)\.lua$/.exec(file);
  if (!m) throw new Error(`script file name "${file}" must be <name>-<numKeys>.lua`);
  return { name: m[1]!, numKeys: Number(m[2]), source, sha: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = {
  deadLetter: load('dead-letter-2.lua'),
  renewLease: load('renew-lease-1.lua'),
  countEntries: load('count-entries-1.lua'),
  redriveDeadLetter: load('redrive-dead-letter-2.lua'),
  markHandled: load('mark-handled-1.lua'),
  publishOnce: load('publish-once-2.lua'),
} as const;

/** Run a script by SHA, falling back to EVAL when the server does not have it cached. */
export async function runScript(d: RedisDriver, script: LuaScript, keys: readonly string[], args: readonly RedisArg[]): Promise<Reply> {
  if (keys.length !== script.numKeys) {
    throw new HiveError('SCRIPT_ERROR', `script ${script.name} takes ${script.numKeys} keys, got ${keys.length}`);
  }
  try {
    return await d.call(['EVALSHA', script.sha, script.numKeys, ...keys, ...args]);
  } catch (err) {
    if (!isRedisError(err, 'NOSCRIPT')) throw err;
    return d.call(['EVAL', script.source, script.numKeys, ...keys, ...args]);
  }
}
