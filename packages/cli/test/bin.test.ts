/**
 * The real executable, as `npx hive` runs it: bin/hive.mjs in a child process (re-spawning Node
 * with the @hive/source condition when there is no build), its exit codes and its signal handling.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeBus, randomPrefix, UNREACHABLE_URL, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const BIN = fileURLToPath(new URL('../bin/hive.mjs', import.meta.url));

interface Child {
  code: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out: () => string;
  err: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function run(args: string[], env: Record<string, string> = {}): Child {
  // Run from elsewhere than the package: tsx must be found from the bin, not from the cwd.
  const child = spawn(process.execPath, [BIN, ...args], { cwd: '/', env: { ...process.env, REDIS_URL: UNREACHABLE_URL, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return {
    code: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
    out: () => out,
    err: () => err,
    kill: (s) => child.kill(s),
  };
}

describe('bin/hive.mjs', () => {
  it('--help exits 0', async () => {
    const c = run(['--help']);
    expect(await c.code).toEqual({ code: 0, signal: null });
    expect(c.out()).toMatch(/^hive: operate a Hive message bus on Redis Streams\n/);
  });

  it('bad usage exits 2; unreachable Redis exits 3 with one line and no stack', async () => {
    const bad = run(['nope']);
    expect((await bad.code).code).toBe(2);
    expect(bad.err()).toMatch(/^hive: unknown verb "nope"\n/);
    const down = run(['streams', '--redis', UNREACHABLE_URL]);
    expect((await down.code).code).toBe(3);
    expect(down.err()).toBe('hive streams: cannot reach Redis at redis://127.0.0.1:1: connection refused\n');
  });

  it('publishes and tails against a real Redis', async () => {
    const prefix = randomPrefix();
    const env = { REDIS_URL: redis().url, HIVE_PREFIX: prefix };
    const pub = run(['publish', 'scratch', 'demo.bin', '{"via":"bin"}', '--unchecked', '--json'], env);
    expect((await pub.code).code).toBe(0);
    const { id } = JSON.parse(pub.out());
    const tail = run(['tail', 'scratch', '--json'], env);
    expect((await tail.code).code).toBe(0);
    expect(JSON.parse(tail.out())).toEqual([expect.objectContaining({ id, type: 'demo.bin', data: { via: 'bin' } })]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('tail --follow stops cleanly on %s sent to the bin (exit 0)', async (signal) => {
    const prefix = randomPrefix();
    const bus = await makeBus(redis(), prefix);
    const c = run(['tail', 'live', '--follow', '--json'], { REDIS_URL: redis().url, HIVE_PREFIX: prefix });
    // Publish until the follower prints one: that proves it is connected and blocking in XREAD.
    await waitUntil(async () => {
      if (c.out().includes('demo.live')) return true;
      await bus.publish('live', 'demo.live', {});
      return false;
    }, 20_000, 'the follower to print an entry');
    c.kill(signal);
    expect(await c.code).toEqual({ code: 0, signal: null });
    expect(c.err()).toBe('');
    await bus.close();
  });
});
