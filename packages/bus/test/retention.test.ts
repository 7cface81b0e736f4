/**
 * Safe retention: a trim never passes the oldest entry some group has not acked, unless forced,
 * and then says what it dropped. Plus capability detection (the XTRIM … ACKED branch).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesFor, detectCapabilities, parseRedisVersion, versionAtLeast } from '../src/capabilities.js';
import { createKeys, DRIVER_KINDS, type RedisDriver } from '../src/index.js';
import { trimCommand } from '../src/retention.js';
import { trimStream } from '../src/admin.js';
import { randomPrefix, rawDriver, useRedis } from './helpers.js';

const redis = useRedis();

describe('capabilities', () => {
  it('parses redis_version from INFO server', () => {
    expect(parseRedisVersion('# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:0\r\n')).toEqual([7, 0, 15]);
    expect(parseRedisVersion('redis_version:8.2\r\n')).toEqual([8, 2, 0]);
    expect(parseRedisVersion('# Server\r\nvalkey_version:8.0.1\r\n')).toBeUndefined();
  });

  it('uses XTRIM … ACKED only from Redis 8.2 on, and never for a forced trim', () => {
    expect(versionAtLeast([8, 2, 0], [8, 2, 0])).toBe(true);
    expect(versionAtLeast([8, 1, 9], [8, 2, 0])).toBe(false);
    expect(versionAtLeast([10, 0, 0], [8, 2, 0])).toBe(true);
    expect(capabilitiesFor([7, 0, 15]).xtrimAcked).toBe(false);
    expect(capabilitiesFor([8, 1, 3]).xtrimAcked).toBe(false);
    expect(capabilitiesFor([8, 2, 1]).xtrimAcked).toBe(true);
    expect(capabilitiesFor(undefined).xtrimAcked).toBe(false);
    const new82 = capabilitiesFor([8, 2, 0]);
    expect(trimCommand('k', '5-0', new82, false)).toEqual({ args: ['XTRIM', 'k', 'MINID', '=', '5-0', 'ACKED'], method: 'xtrim-acked' });
    expect(trimCommand('k', '5-0', new82, true)).toEqual({ args: ['XTRIM', 'k', 'MINID', '=', '5-0'], method: 'xtrim-minid' });
    expect(trimCommand('k', '5-0', capabilitiesFor([7, 0, 15]), false).method).toBe('xtrim-minid');
  });

  it('detects the server version once per driver and falls back when INFO is refused', async () => {
    const d = await rawDriver('ioredis', redis());
    try {
      const first = detectCapabilities(d);
      expect(detectCapabilities(d)).toBe(first);
      const caps = await first;
      expect(caps.version?.[0]).toBeGreaterThanOrEqual(6);
      expect(caps.xtrimAcked).toBe(versionAtLeast(caps.version!, [8, 2, 0]));
      const refusing = { ...d, call: async () => Promise.reject(new Error("NOPERM this user has no permissions to run the 'info' command")) } as RedisDriver;
      const fallback = await detectCapabilities(refusing);
      expect(fallback).toMatchObject({ version: undefined, xtrimAcked: false });
      expect(fallback.detectionError).toMatch(/NOPERM/);
    } finally {
      await d.close();
    }
  });
});

describe.each(DRIVER_KINDS)('trimStream on %s', (kind) => {
  const open: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  const setup = async () => {
    const d = await rawDriver(kind, redis());
    open.push(d);
    const keys = createKeys(randomPrefix());
    return { d, keys, key: keys.stream('events') };
  };
  const fill = async (d: RedisDriver, key: string, n: number, ids?: (i: number) => string) => {
    const out: string[] = [];
    for (let i = 0; i < n; i += 100) {
      const res = await d.pipeline(
        Array.from({ length: Math.min(100, n - i) }, (_, j) => ['XADD', key, ids ? ids(i + j) : '*', 'type', 'demo.n', 'n', String(i + j)]),
      );
      out.push(...res.map((r) => (r.ok ? String(r.value) : '')));
    }
    return out;
  };

  it('stops at the oldest un-acked entry of a group lagging 500 behind; force trims and reports the drop', async () => {
    const { d, keys, key } = await setup();
    const ids = await fill(d, key, 1000);
    // "fast" has read and acked everything; "slow" read 510, acked 500: 10 pending, 490 unread.
    await d.call(['XGROUP', 'CREATE', key, 'fast', '0']);
    await d.call(['XREADGROUP', 'GROUP', 'fast', 'f1', 'COUNT', 1000, 'STREAMS', key, '>']);
    await d.call(['XACK', key, 'fast', ...ids]);
    await d.call(['XGROUP', 'CREATE', key, 'slow', '0']);
    await d.call(['XREADGROUP', 'GROUP', 'slow', 's1', 'COUNT', 510, 'STREAMS', key, '>']);
    await d.call(['XACK', key, 'slow', ...ids.slice(0, 500)]);

    const dry = await trimStream(d, keys, 'events', { maxLen: 100, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, trimmed: 500, lengthBefore: 1000, lengthAfter: 500, cutoff: ids[500] });
    expect(Number(await d.call(['XLEN', key]))).toBe(1000);

    const safe = await trimStream(d, keys, 'events', { maxLen: 100 });
    expect(safe).toMatchObject({
      method: 'xtrim-minid',
      lengthBefore: 1000,
      lengthAfter: 500,
      trimmed: 500,
      requestedCutoff: ids[900],
      cutoff: ids[500],
      heldBackBy: { group: 'slow', entryId: ids[500], reason: 'pending' },
      dropped: { count: 0, groups: [] },
    });
    expect(safe.groups.find((g) => g.group === 'fast')).toMatchObject({ oldestUnacked: null, reason: null });
    const first = (await d.call(['XRANGE', key, '-', '+', 'COUNT', 1])) as string[][];
    expect(first[0]![0]).toBe(ids[500]);
    // Again: nothing more can go without force.
    expect(await trimStream(d, keys, 'events', { maxLen: 100 })).toMatchObject({ trimmed: 0, method: 'none', heldBackBy: { group: 'slow' } });

    const forcedDry = await trimStream(d, keys, 'events', { maxLen: 100, force: true, dryRun: true });
    expect(forcedDry.dropped).toEqual({ count: 400, groups: [{ group: 'slow', pending: 10, undelivered: 390 }] });
    const forced = await trimStream(d, keys, 'events', { maxLen: 100, force: true });
    expect(forced).toMatchObject({
      forced: true,
      trimmed: 400,
      lengthAfter: 100,
      cutoff: ids[900],
      heldBackBy: null,
      dropped: { count: 400, groups: [{ group: 'slow', pending: 10, undelivered: 390 }] },
    });
    expect(Number(await d.call(['XLEN', key]))).toBe(100);
  });

  it('holds back for a group that has not read yet, and trims by age', async () => {
    const { d, keys, key } = await setup();
    const ids = await fill(d, key, 300, (i) => `${1_000_000 + i * 10}-0`);
    await d.call(['XGROUP', 'CREATE', key, 'late', ids[99]!]); // has not read entries 100..299
    // Entries older than 1_000_000 + 2000 ms at now = 1_000_000 + 3000 + ...: everything below index 200 is too old.
    const r = await trimStream(d, keys, 'events', { maxAgeMs: 1000, now: 1_000_000 + 3000 });
    expect(r).toMatchObject({ requestedCutoff: '1002000-0', cutoff: ids[100], trimmed: 100, heldBackBy: { group: 'late', reason: 'undelivered', entryId: ids[100] } });
    // Once the group has read and acked, the same trim goes through; maxLen and maxAge together: whichever trims more.
    const got = (await d.call(['XREADGROUP', 'GROUP', 'late', 'c', 'COUNT', 500, 'STREAMS', key, '>'])) as unknown[];
    expect(got).toBeTruthy();
    await d.call(['XACK', key, 'late', ...ids.slice(100)]);
    const r2 = await trimStream(d, keys, 'events', { maxAgeMs: 1000, maxLen: 50, now: 1_000_000 + 3000 });
    expect(r2).toMatchObject({ trimmed: 150, lengthAfter: 50, cutoff: ids[250], heldBackBy: null });
  });

  it('trims a stream without groups to exactly maxLen, and does nothing to a short or missing one', async () => {
    const { d, keys, key } = await setup();
    await fill(d, key, 30);
    expect(await trimStream(d, keys, 'events', { maxLen: 10 })).toMatchObject({ trimmed: 20, lengthAfter: 10 });
    expect(await trimStream(d, keys, 'events', { maxLen: 10 })).toMatchObject({ trimmed: 0, method: 'none' });
    expect(await trimStream(d, keys, 'nothing-here', { maxLen: 0 })).toMatchObject({ trimmed: 0, lengthBefore: 0 });
    expect(await trimStream(d, keys, 'events', { maxLen: 0 })).toMatchObject({ trimmed: 10, lengthAfter: 0 });
    await expect(trimStream(d, keys, 'events', {})).rejects.toThrow(/maxLen or maxAgeMs/);
    await expect(trimStream(d, keys, 'events', { maxLen: -1 })).rejects.toThrow(/non-negative/);
  });
});
