/**
 * The script kit: Lua scripts as `.lua` files, loaded once and run by SHA. The bus's own scripts
 * use it, and so do agents' stores (`loadScript(new URL('./scripts/record-expense-3.lua', import.meta.url))`).
 *
 * Conventions, checked when a script is loaded:
 *   - the file is named `<name>-<numKeys>.lua`, and `runScript` refuses any other number of keys;
 *   - it opens with a `--[[ … ]]` header naming its KEYS, its ARGV and what it Returns.
 * A file found next to the module that loads it (`import.meta.url`) is found the same way from
 * `src/` (tests, tsx) and from a compiled `dist/`, as long as the build copies the `.lua` files
 * alongside (`scripts/copy-assets.mjs src dist .lua`).
 *
 * A Redis that lost its script cache (restart, failover, SCRIPT FLUSH) answers NOSCRIPT; the script
 * is then sent in full with EVAL, which caches it again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisArg, RedisDriver, Reply } from './drivers/driver.js';
import { ConfigError, HiveError, isRedisError } from './errors.js';

/** A Lua script read from its file: what EVALSHA and EVAL need. */
export interface LuaScript {
  readonly name: string;
  readonly numKeys: number;
  readonly source: string;
  readonly sha: string;
}

const FILE_NAME = /^(.+)-(\d+)\.lua$/;
const HEADER = /^\s*--\[\[([\s\S]*?)\]\]/;

/**
 * Make a LuaScript from its file name and source; throws a ConfigError when the name is not
 * `<name>-<numKeys>.lua` or the header does not say its KEYS, ARGV and Returns.
 */
export function defineScript(fileName: string, source: string): LuaScript {
  const m = FILE_NAME.exec(fileName);
  if (!m) throw new ConfigError(`script file name "${fileName}" must be <name>-<numKeys>.lua`, { file: fileName });
  const numKeys = Number(m[2]);
  const header = HEADER.exec(source)?.[1];
  const missing = header === undefined ? ['a --[[ … ]] header'] : [...(numKeys > 0 ? ['KEYS['] : []), 'ARGV', 'Returns'].filter((w) => !header.includes(w));
  if (missing.length > 0) {
    throw new ConfigError(`script ${fileName} must open with a --[[ … ]] header naming its KEYS, ARGV and Returns; missing: ${missing.join(', ')}`, {
      file: fileName,
    });
  }
  return { name: m[1]!, numKeys, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Read a `.lua` file once (a file URL, usually `new URL('./scripts/…', import.meta.url)`, or a path). */
export function loadScript(file: URL | string): LuaScript {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  return defineScript(basename(path), readFileSync(path, 'utf8'));
}

/**
 * Run a script by SHA, sending its source (EVAL) only when the server does not have it cached.
 * `orSource: false` sends the SHA alone and throws the NOSCRIPT error instead: for a connection where
 * a second command would wait behind a blocking read (acks.ts).
 */
export async function runScript(d: RedisDriver, script: LuaScript, keys: readonly string[], args: readonly RedisArg[], orSource = true): Promise<Reply> {
  if (keys.length !== script.numKeys) {
    throw new HiveError('SCRIPT_ERROR', `script ${script.name} takes ${script.numKeys} keys, got ${keys.length}`);
  }
  try {
    return await d.call(['EVALSHA', script.sha, script.numKeys, ...keys, ...args]);
  } catch (err) {
    if (!orSource || !isRedisError(err, 'NOSCRIPT')) throw err;
    return d.call(['EVAL', script.source, script.numKeys, ...keys, ...args]);
  }
}

const own = (file: string) => loadScript(new URL(`./scripts/${file}`, import.meta.url));

/** The bus's own scripts (src/scripts/*.lua). */
export const SCRIPTS = {
  deadLetter: own('dead-letter-3.lua'),
  renewLease: own('renew-lease-1.lua'),
  countEntries: own('count-entries-1.lua'),
  redriveDeadLetter: own('redrive-dead-letter-2.lua'),
  markAndAck: own('mark-and-ack-2.lua'),
  publishOnce: own('publish-once-2.lua'),
  checkFrom: own('check-from-2.lua'),
} as const;
