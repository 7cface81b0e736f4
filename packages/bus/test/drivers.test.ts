/**
 * Conformance of the driver layer: both drivers return the same normalized replies, report
 * pipeline errors per command, survive a flushed script cache, and reject bad configuration
 * with named errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBus, createDriver, createKeys, DRIVER_KINDS, installedDriver, runScript, type RedisDriver } from '../src/index.js';
import { SCRIPTS } from '../src/scripts.js';
import { xinfoGroups, xinfoStream, xpendingSummary } from '../src/admin.js';
import { xreadgroup } from '../src/commands.js';
import { randomPrefix, rawDriver, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe('driver choice', () => {
  // A missing library (DriverMissingError) is checked where one can be left out: packages/pack-check.
  it('with none named, the first installed library in DRIVER_KINDS order: node-redis here, where both are', async () => {
    expect(installedDriver()).toBe('node-redis');
    const d = createDriver(undefined, { url: redis().url });
    try {
      expect(d.kind).toBe('node-redis');
    } finally {
      d.disconnect();
    }
  });
});

describe.each(DRIVER_KINDS)('driver %s', (kind) => {
  const open: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  const driver = async () => {
    const d = await rawDriver(kind, redis());
    open.push(d);
    return d;
  };

  it('normalizes RESP3 map replies to the same shapes', async () => {
    const d = await driver();
    const key = `${randomPrefix()}s`;
    await d.call(['XADD', key, '1-1', 'a', '1']);
    await d.call(['XADD', key, '2-1', 'b', '2']);
    await d.call(['XGROUP', 'CREATE', key, 'g', '0']);
    const reads = await xreadgroup(d, 'g', 'c', [key], ['>'], { count: 1 });
    expect(reads).toEqual([{ stream: key, entries: [{ id: '1-1', fields: ['a', '1'] }] }]);
    expect(await xinfoGroups(d, key)).toEqual([{ name: 'g', consumers: 1, pending: 1, lastDeliveredId: '1-1', lag: 1, entriesRead: 1 }]);
    expect(await xinfoStream(d, key)).toMatchObject({ length: 2, firstEntryId: '1-1', lastEntryId: '2-1', groups: 1 });
    expect(await xpendingSummary(d, key, 'g')).toEqual({ count: 1, smallestId: '1-1', largestId: '1-1', consumers: [{ name: 'c', pending: 1 }] });
    expect(await d.call(['CONFIG', 'GET', 'maxmemory-policy'])).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await xinfoStream(d, `${key}:none`)).toBeNull();
  });

  it('reports pipeline errors per command without failing the others', async () => {
    const d = await driver();
    const key = `${randomPrefix()}s`;
    const r = await d.pipeline([
      ['XADD', key, '*', 'a', '1'],
      ['XGROUP', 'CREATE', `${key}:missing`, 'g', '0'],
      ['PING'],
    ]);
    expect(r[0]!.ok).toBe(true);
    expect(r[1]!.ok).toBe(false);
    if (!r[1]!.ok) expect(r[1]!.error.message).toMatch(/requires the key to exist|no such key/i);
    expect(r[2]).toEqual({ ok: true, value: 'PONG' });
  });

  it('runs a Lua script again after SCRIPT FLUSH (NOSCRIPT falls back to EVAL)', async () => {
    const d = await driver();
    const key = `${randomPrefix()}s`;
    await d.call(['XADD', key, '1-1', 'a', '1']);
    await d.call(['XGROUP', 'CREATE', key, 'g', '0']);
    await d.call(['XREADGROUP', 'GROUP', 'g', 'me', 'STREAMS', key, '>']);
    await d.call(['SCRIPT', 'FLUSH']);
    expect(await runScript(d, SCRIPTS.renewLease, [key], ['g', 'me', '1-1'])).toEqual([]);
    expect(await runScript(d, SCRIPTS.renewLease, [key], ['g', 'someone-else', '1-1'])).toEqual(['1-1']);
  });

  it('rejects bad configuration with named errors', async () => {
    expect(() => createDriver('mongo', { url: redis().url })).toThrow(/driver "mongo" is unknown/);
    expect(() => createDriver(kind, { url: 'http://x' })).toThrow(/must start with redis:\/\/, rediss:\/\/, redis\+cluster:\/\/ or redis\+sentinel:\/\//);
    expect(() => createKeys('noColon')).toThrow(/must end with ":"/);
    await expect(createBus({ url: 'redis://127.0.0.1:1', driver: kind, reconnect: false })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('cannot connect to Redis at redis://127.0.0.1:1'),
    });
    const bus = await createBus({ url: redis().url, driver: kind, prefix: randomPrefix() });
    try {
      expect(() => bus.subscribe({ stream: 's', group: 'g', concurrency: 0, handler: () => undefined })).toThrow(/concurrency must be a positive integer/);
      expect(() => bus.subscribe({ stream: 's', group: 'g g', handler: () => undefined })).toThrow(/group name "g g" is invalid/);
    } finally {
      await bus.close();
    }
  });

  it('disconnect() while connect() is under way settles connect(), wherever in the handshake it lands', async () => {
    // A subscription stopped while its blocking connection is connecting awaits that connect():
    // ioredis's Cluster.connect() never settled when disconnect() came between its slot refresh and
    // its ready check, and stop() (then bus.close()) hung. So disconnect at points spread over a
    // whole handshake, as long as one takes here (a cluster's: a few round trips to every master).
    const probe = createDriver(kind, { url: redis().url });
    const began = performance.now();
    await probe.connect();
    const handshakeMs = performance.now() - began;
    await probe.close();
    const outcomes: ('connected' | 'rejected' | undefined)[] = [];
    const drivers: RedisDriver[] = [];
    for (let i = 0; i < 30; i++) {
      const d = createDriver(kind, { url: redis().url });
      drivers.push(d);
      const at = outcomes.push(undefined) - 1;
      void d.connect().then(
        () => (outcomes[at] = 'connected'),
        () => (outcomes[at] = 'rejected'),
      );
      await new Promise((r) => setTimeout(r, (handshakeMs * i) / 30));
      d.disconnect();
    }
    // (node-redis ignores a disconnect() before its socket is open, and that connect() then succeeds.)
    await waitUntil(() => outcomes.every((o) => o !== undefined), 10_000, 'every connect() to settle after its disconnect()');
    await Promise.all(drivers.map((d) => d.close()));
  });

  it('redacts the password of a URL in connection errors', async () => {
    await expect(createBus({ url: 'redis://user:s3cret@127.0.0.1:1', driver: kind, reconnect: false })).rejects.toThrow(/redis:\/\/user:\*\*\*@127\.0\.0\.1:1/);
    await expect(createBus({ url: 'redis://user:s3cret@127.0.0.1:1', driver: kind, reconnect: false })).rejects.not.toThrow(/s3cret/);
  });
});
