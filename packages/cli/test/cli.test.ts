/**
 * The command line itself: help, usage errors (exit 2), unreachable Redis (exit 3), --json errors,
 * the global flags and their environment fallbacks.
 */
import { describe, expect, it } from 'vitest';
import { DRIVER_KINDS } from '@hive/bus';
import { startRedis } from '@hive/test-redis';
import { VERBS } from '../src/verbs.js';
import { hive, makeBus, randomPrefix, UNREACHABLE_URL, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe('help', () => {
  it('hive --help lists every verb, every global flag, the environment and the exit codes', async () => {
    const r = await hive(['--help']);
    expect(r.code).toBe(0);
    for (const v of VERBS) expect(r.stdout).toContain(`  ${v.name} `);
    for (const flag of ['--redis URL', '--prefix PREFIX', '--driver NAME', '--json', '-h, --help', '--version']) expect(r.stdout).toContain(flag);
    for (const env of ['REDIS_URL', 'HIVE_PREFIX', 'HIVE_DRIVER']) expect(r.stdout).toContain(env);
    expect(r.stdout).toMatch(/Exit codes:\n\s+0\s+ok\n\s+1\s+.*\n\s+2\s+bad usage.*\n\s+3\s+Redis unreachable/);
    expect(r.stderr).toBe('');
    expect((await hive(['help'])).stdout).toBe(r.stdout);
    expect((await hive(['-h'])).stdout).toBe(r.stdout);
  });

  it.each(VERBS.map((v) => v.name))('hive %s --help shows its usage, every flag and examples', async (name) => {
    const spec = VERBS.find((v) => v.name === name)!;
    const r = await hive([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`hive ${spec.usage[0]}`);
    for (const [flag, s] of Object.entries(spec.options)) expect(r.stdout).toContain(`--${flag}${s.value ? ` ${s.value}` : ''}`);
    for (const flag of ['--redis', '--prefix', '--driver', '--json']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toMatch(/Examples:\n {2}hive /);
    expect((await hive(['help', name])).stdout).toBe(r.stdout);
  });

  it('--version prints the package version', async () => {
    const r = await hive(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('bad usage exits 2 with one line and the usage hint', () => {
  const cases: [string, string[], RegExp][] = [
    ['no verb', [], /^hive: no verb given$/m],
    ['an unknown verb, with a suggestion', ['tali', 'x'], /^hive: unknown verb "tali"; did you mean "tail"\?$/m],
    ['an unknown flag', ['streams', '--bogus'], /^hive streams: unknown option "--bogus"$/m],
    ['a flag without its value', ['tail', 'x', '--count'], /^hive tail: option "--count" needs a value$/m],
    ['a missing argument', ['groups'], /^hive groups: missing <stream>$/m],
    ['an extra argument', ['streams', 'extra'], /^hive streams: unexpected argument "extra"$/m],
    ['a bad count', ['tail', 'x', '--count', 'ten'], /^hive tail: --count must be a positive integer, got "ten"$/m],
    ['a bad --from', ['tail', 'x', '--from', 'yesterday'], /^hive tail: --from "yesterday" is not an entry id/m],
    ['a bad stream name', ['tail', 'a b'], /^hive tail: stream name "a b" is invalid/m],
    ['a bad driver', ['streams', '--driver', 'jedis'], /^hive streams: --driver "jedis" is unknown: use node-redis or ioredis$/m],
    ['a bad prefix', ['streams', '--prefix', 'nocolon'], /^hive streams: --prefix "nocolon" must end with ":"$/m],
    ['a bad URL', ['streams', '--redis', 'http://x'], /^hive streams: --redis "http:\/\/x" must be a redis:\/\/, rediss:\/\/, redis\+cluster:\/\/ or redis\+sentinel:\/\/ URL$/m],
  ];
  it.each(cases)('%s', async (_what, argv, message) => {
    // Usage is checked before connecting: an unreachable URL must not turn these into exit 3.
    const r = await hive(argv, { url: UNREACHABLE_URL });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^usage: hive /m);
    expect(r.stderr).toMatch(/run "hive( \w+)? --help"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('with --json, the error is one JSON document on stderr', async () => {
    const r = await hive(['tail', 'x', '--count', '0', '--json'], { url: UNREACHABLE_URL });
    expect(r.code).toBe(2);
    expect(r.errorJson()).toEqual({ error: { code: 'USAGE', message: '--count must be a positive integer, got "0"', exitCode: 2 } });
    expect(r.stdout).toBe('');
  });
});

describe.each(DRIVER_KINDS)('unreachable Redis on %s', (driver) => {
  it('exits 3 with the redacted URL and no stack trace', async () => {
    const r = await hive(['streams', '--driver', driver, '--redis', 'redis://ops:s3cret@127.0.0.1:1/0']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('hive streams: cannot reach Redis at redis://ops:***@127.0.0.1:1/0: connection refused\n');
    expect(r.stdout).toBe('');
  });

  it('--json: the error as JSON', async () => {
    const r = await hive(['agents', '--json'], { url: UNREACHABLE_URL, env: { HIVE_DRIVER: driver } });
    expect(r.code).toBe(3);
    expect(r.errorJson().error).toEqual({ code: 'REDIS_UNREACHABLE', message: 'cannot reach Redis at redis://127.0.0.1:1: connection refused', exitCode: 3 });
  });
});

describe.each(DRIVER_KINDS)('Redis going away on %s', (driver) => {
  it('while following: exit 3, "lost the connection", no stack', async () => {
    // Its own server: this test kills it.
    const server = await startRedis();
    try {
      const prefix = randomPrefix();
      const bus = await makeBus(server, prefix);
      await bus.publish('live', 'demo.n', { n: 1 });
      await bus.close();
      let out = '';
      const running = hive(['tail', 'live', '--follow', '--driver', driver], { url: server.url, prefix, onStdout: (s) => (out += s) });
      await waitUntil(() => out.includes('demo.n'), 10_000, 'the follower to print the entry');
      await server.kill9();
      const r = await running;
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^hive tail: lost the connection to Redis: .+\n$/);
    } finally {
      await server.stop();
    }
  });
});

describe('global flags', () => {
  it('--redis wins over REDIS_URL, and --prefix over HIVE_PREFIX', async () => {
    const prefix = randomPrefix();
    const bus = await makeBus(redis(), prefix);
    await bus.publish('flags', 'demo.ping', { n: 1 });
    await bus.close();
    const viaFlags = await hive(['streams', '--json', '--redis', redis().url, '--prefix', prefix], { url: UNREACHABLE_URL, prefix: randomPrefix() });
    expect(viaFlags.code).toBe(0);
    expect(viaFlags.json().map((s: { stream: string }) => s.stream)).toEqual(['flags']);
    const viaEnv = await hive(['streams', '--json'], { url: redis().url, prefix });
    expect(viaEnv.json()).toEqual(viaFlags.json());
  });

  it('flags may come before the verb', async () => {
    const r = await hive(['--redis', UNREACHABLE_URL, '--json', 'agents']);
    expect(r.code).toBe(3);
    expect(r.errorJson().error.code).toBe('REDIS_UNREACHABLE');
  });

  it('a Redis error reply is one line, exit 1', async () => {
    const prefix = randomPrefix();
    // A string where a stream should be: WRONGTYPE from XINFO.
    const bus = await makeBus(redis(), prefix);
    await bus.driver.call(['SET', `${prefix}s:{notastream}`, 'x']);
    await bus.close();
    const r = await hive(['groups', 'notastream'], { url: redis().url, prefix });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hive groups: WRONGTYPE .*\n$/);
  });
});
