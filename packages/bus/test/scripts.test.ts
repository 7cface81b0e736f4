/**
 * The script kit: `.lua` files named <name>-<numKeys>.lua with a KEYS/ARGV/Returns header, loaded
 * once, run by SHA with the source sent only when Redis lacks it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DRIVER_KINDS, loadScript, runScript, type RedisDriver } from '../src/index.js';
import { defineScript } from '../src/scripts.js';
import { randomPrefix, rawDriver, useRedis } from './helpers.js';

const redis = useRedis();

const INCR_BY = `--[[
  Add to a counter.

  KEYS[1]  the counter
  ARGV[1]  how much

  Returns  the new value
]]
return redis.call('INCRBY', KEYS[1], ARGV[1])
`;

describe('loading a script', () => {
  it('takes its name and number of keys from the file name, and its SHA from the source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-lua-'));
    const file = join(dir, 'incr-by-1.lua');
    writeFileSync(file, INCR_BY);
    for (const s of [loadScript(file), loadScript(pathToFileURL(file))]) {
      expect(s).toMatchObject({ name: 'incr-by', numKeys: 1, source: INCR_BY });
      expect(s.sha).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it.each([
    ['a name without the key count', 'incr-by.lua', INCR_BY, /must be <name>-<numKeys>\.lua/],
    ['no header', 'incr-by-1.lua', "return redis.call('INCRBY', KEYS[1], ARGV[1])", /missing: a --\[\[ … \]\] header/],
    ['a header without Returns', 'incr-by-1.lua', INCR_BY.replace('  Returns  the new value\n', ''), /missing: Returns/],
    ['a header without KEYS', 'incr-by-1.lua', INCR_BY.replace('  KEYS[1]  the counter\n', ''), /missing: KEYS\[/],
  ])('refuses %s with a ConfigError naming the file', (_, name, source, message) => {
    expect(() => defineScript(name, source)).toThrow(ConfigError);
    expect(() => defineScript(name, source)).toThrow(message);
  });
});

describe.each(DRIVER_KINDS)('running a script on %s', (kind) => {
  const open: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  const driver = async () => {
    const d = await rawDriver(kind, redis());
    open.push(d);
    return d;
  };
  const script = defineScript('incr-by-1.lua', INCR_BY);

  it('sends the source once (NOSCRIPT), then runs it by SHA; again after SCRIPT FLUSH', async () => {
    const d = await driver();
    const key = `${randomPrefix()}n`;
    // Each server has its own script cache: on a cluster, every master (the key's one runs it).
    const nodes = d.masters ? await d.masters() : [d];
    const flush = () => Promise.all(nodes.map((n) => n.call(['SCRIPT', 'FLUSH'])));
    const cachedOn = async () => (await Promise.all(nodes.map((n) => n.call(['SCRIPT', 'EXISTS', script.sha])))).map((r) => Number((r as number[])[0])).reduce((a, b) => a + b, 0);
    await flush();
    expect(await cachedOn()).toBe(0);
    expect(await runScript(d, script, [key], [2])).toBe(2);
    expect(await cachedOn()).toBe(1);
    expect(await runScript(d, script, [key], [3])).toBe(5);
    await flush();
    expect(await runScript(d, script, [key], [1])).toBe(6);
  });

  it('refuses another number of keys than the file name says, before sending anything', async () => {
    const d = await driver();
    await expect(runScript(d, script, [], [1])).rejects.toMatchObject({ code: 'SCRIPT_ERROR', message: 'script incr-by takes 1 keys, got 0' });
  });

  it('passes a script error through', async () => {
    const d = await driver();
    const key = `${randomPrefix()}s`;
    await d.call(['SET', key, 'not a number']);
    await expect(runScript(d, script, [key], [1])).rejects.toThrow(/not an integer/);
  });
});
