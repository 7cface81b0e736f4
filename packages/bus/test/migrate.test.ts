/**
 * Moving data from the layout before hash tags: written with raw commands under the old key names
 * (a stream with a group and a pending entry, a group's dead letters and their index, handled
 * marks, a publish mark), a bus of this version refuses to start beside it; `migrateKeys` renames
 * it all; the group's pending entry is delivered again, the dead letter is listed, the marks hold.
 */
import { describe, expect, it } from 'vitest';
import { listDeadLetters, migrateKeys } from '../src/admin.js';
import { createBus, DRIVER_KINDS, encodeFields, LegacyKeysError, type RedisDriver } from '../src/index.js';
import { makeBus, memoryLogger, randomPrefix, rawDriver, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

/** Hive's data as an earlier version left it, written key by key under the old names. */
async function writeOldLayout(d: RedisDriver, p: string): Promise<{ pendingId: string }> {
  const entry = (id: string, text: string) =>
    encodeFields({ type: 'order.placed', v: 1, id, src: 'shop', ts: 1, corr: id, cause: '', data: JSON.stringify({ text }) });
  const pendingId = String(await d.call(['XADD', `${p}s:orders`, '*', ...entry('m1', 'first')]));
  await d.call(['XGROUP', 'CREATE', `${p}s:orders`, 'billing', '0']);
  // Delivered to consumer c1 and never acked: pending.
  await d.call(['XREADGROUP', 'GROUP', 'billing', 'c1', 'COUNT', 1, 'STREAMS', `${p}s:orders`, '>']);
  const dl = String(await d.call(['XADD', `${p}dlq:orders:billing`, '*', 'dl.stream', 'orders', 'dl.group', 'billing', 'dl.reason', 'UNRECOVERABLE', 'dl.error', 'card declined', 'dl.entry', '1-0', 'dl.deliveries', '1', 'dl.consumer', 'c0', 'dl.at', '1']));
  await d.call(['HSET', `${p}dlqg:orders`, 'billing', dl]);
  await d.call(['ZADD', `${p}seen:orders:billing`, Date.now() + 60_000, 'm0']);
  await d.call(['SET', `${p}pubid:orders:m1`, pendingId, 'PX', 60_000]);
  return { pendingId };
}

describe.each(DRIVER_KINDS)('hive migrate on %s', (kind) => {
  it('refuses to start beside old keys, then renames them all: the group, its pending entry and the dead letters are kept', async () => {
    const p = randomPrefix();
    const d = await rawDriver(kind, redis());
    try {
      const { pendingId } = await writeOldLayout(d, p);

      const refused = await makeBus(kind, redis(), p, { streams: ['orders'] }).then(
        (b) => b.close().then(() => undefined),
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(LegacyKeysError);
      expect((refused as LegacyKeysError).code).toBe('KEYS_LEGACY_LAYOUT');
      expect((refused as Error).message).toContain(`${p}s:orders`);
      expect((refused as Error).message).toContain('hive migrate');

      const dry = await migrateKeys(d, p, { dryRun: true });
      expect(dry.renamed.map((r) => r.from).sort()).toEqual(
        [`${p}dlq:orders:billing`, `${p}dlqg:orders`, `${p}pubid:orders:m1`, `${p}s:orders`, `${p}seen:orders:billing`].sort(),
      );
      expect(Number(await d.call(['EXISTS', `${p}s:orders`]))).toBe(1);

      const done = await migrateKeys(d, p);
      expect(done.renamed).toEqual(dry.renamed);
      expect(done.conflicts).toEqual([]);
      // Idempotent: nothing left to move.
      expect((await migrateKeys(d, p)).renamed).toEqual([]);

      const bus = await makeBus(kind, redis(), p, { streams: ['orders'] });
      try {
        expect(String(await d.call(['GET', bus.keys.publishMark('orders', 'm1')]))).toBe(pendingId);
        expect(Number(await d.call(['PTTL', bus.keys.publishMark('orders', 'm1')]))).toBeGreaterThan(0);
        expect(await d.call(['ZSCORE', bus.keys.seen('orders', 'billing'), 'm0'])).not.toBeNull();
        const dead = await listDeadLetters(d, bus.keys, 'orders');
        expect(dead.map((x) => [x.group, x.error])).toEqual([['billing', 'card declined']]);

        // The same consumer drains its pending entry from the renamed stream's group.
        const got: string[] = [];
        const sub = bus.subscribe({ stream: 'orders', group: 'billing', consumer: 'c1', handler: (m) => void got.push(m.id) });
        await sub.ready;
        await waitUntil(() => got.length === 1, 10_000, 'the pending entry delivered again');
        expect(got).toEqual(['m1']);
        await waitUntil(async () => Number((await d.call(['XPENDING', bus.keys.stream('orders'), 'billing']) as unknown[])[0]) === 0, 10_000, 'the entry acked');
        await sub.stop();
      } finally {
        await bus.close();
      }
    } finally {
      await d.close();
    }
  });

  it('does not look for old keys as an ACL user (a per-agent user may not touch them; its refusals would fill the ACL LOG)', async () => {
    const p = randomPrefix();
    const d = await rawDriver(kind, redis());
    try {
      await writeOldLayout(d, p);
      const user = `u${p.slice(0, -1)}`;
      await d.call(['ACL', 'SETUSER', user, 'on', '>pw', `~${p}s:{*}`, '+@all']);
      const bus = await createBus({ url: `redis://${user}:pw@127.0.0.1:${redis().port}`, driver: kind, prefix: p, source: 'test', logger: memoryLogger(), streams: ['orders'] });
      await bus.close();
      expect(JSON.stringify(await d.call(['ACL', 'LOG']))).not.toContain(user);
      await d.call(['ACL', 'DELUSER', user]);
      // The admin (default user) still sees them.
      await expect(makeBus(kind, redis(), p, { streams: ['orders'] })).rejects.toBeInstanceOf(LegacyKeysError);
    } finally {
      await d.close();
    }
  });

  it('never overwrites a key that already has its new name: a conflict, both kept', async () => {
    const p = randomPrefix();
    const d = await rawDriver(kind, redis());
    try {
      await d.call(['SET', `${p}pubid:orders:m9`, 'old']);
      await d.call(['SET', `${p}pubid:{orders}:m9`, 'new']);
      const r = await migrateKeys(d, p);
      expect(r.renamed).toEqual([]);
      expect(r.conflicts).toEqual([{ from: `${p}pubid:orders:m9`, to: `${p}pubid:{orders}:m9` }]);
      expect(await d.call(['GET', `${p}pubid:{orders}:m9`])).toBe('new');
      expect(await d.call(['GET', `${p}pubid:orders:m9`])).toBe('old');
    } finally {
      await d.close();
    }
  });
});
