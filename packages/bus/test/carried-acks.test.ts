/**
 * Acks carried by the next read (acks.ts): the acks a subscription has queued when it reads again
 * are written on its reading connection ahead of that XREADGROUP, not on the command connection a
 * turn later. Seen from Redis itself (MONITOR names each command's client); and when that write
 * fails, the batch is acked over the command connection instead, its handler not run again.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createBus, createDriver, DRIVER_KINDS, type Bus } from '../src/index.js';
import { ackInterceptingDriver } from './fixtures/ack-intercepting-driver.js';
import { memoryLogger, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('acks carried by the next read on %s', (kind) => {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  const pendingOn = async (b: Bus, stream: string, group: string) => Number(((await b.driver.call(['XPENDING', b.keys.stream(stream), group])) as unknown[])[0]);

  it('writes a read\'s acks on the reading connection, ahead of its next XREADGROUP', async () => {
    const b = await createBus({ url: redis().url, driver: kind, prefix: randomPrefix(), source: 'test', logger: memoryLogger() });
    open.push(b);
    for (let i = 0; i < 5; i++) await b.publish('q', 'demo.n', { i });
    const key = b.keys.stream('q');

    // Every command Redis runs, with the client that sent it.
    const monitor = await new Redis(redis().url).monitor();
    open.push({ close: async () => monitor.disconnect() });
    const seen: { cmd: string; args: string[]; client: string }[] = [];
    monitor.on('monitor', (_time: string, args: string[], client: string) => seen.push({ cmd: String(args[0]).toUpperCase(), args, client }));

    const handled: number[] = [];
    // Concurrency 16: a read asks for 8 at most, so the five come in one read that is not full, and
    // nothing is read ahead of their handling (read-ahead.test.ts): the next read waits for their acks.
    const sub = b.subscribe({ stream: 'q', group: 'g', startAt: 'all', concurrency: 16, idempotent: false, handler: (m) => void handled.push((m.data as { i: number }).i) });
    open.push({ close: () => sub.stop() });
    await waitUntil(() => handled.length === 5, 10_000, 'the five entries handled');
    await waitUntil(async () => (await pendingOn(b, 'q', 'g')) === 0, 10_000, 'the five entries acked');
    // The read after the acks has been written too: wait for it to show.
    await waitUntil(() => seen.filter((c) => c.cmd === 'XREADGROUP' && c.args.includes('BLOCK')).length >= 2, 10_000, 'a second read');

    // The blocking reads of new entries (the first reads, of the consumer's own pending entries, are not).
    const reads = seen.filter((c) => c.cmd === 'XREADGROUP' && c.args.includes('BLOCK'));
    const reader = reads[0]!.client;
    expect(reads.every((c) => c.client === reader), 'one reading connection').toBe(true);
    const acks = seen.filter((c) => c.cmd === 'XACK' && c.args[1] === key);
    expect(acks.flatMap((c) => c.args.slice(3))).toHaveLength(5);
    // On the reading connection, and each right before a read of it.
    for (const ack of acks) {
      expect(ack.client, 'the ack went over the reading connection').toBe(reader);
      const next = seen.slice(seen.indexOf(ack) + 1).find((c) => c.client === reader);
      expect(next?.cmd, 'the next command on that connection').toBe('XREADGROUP');
    }
  });

  it('a mark-and-ack script Redis has not cached is not left waiting behind the read: acked at once', async () => {
    const b = await createBus({ url: redis().url, driver: kind, prefix: randomPrefix(), source: 'test', logger: memoryLogger() });
    open.push(b);
    // Concurrency 1: the loop reads again only once the handler settled, so its ack is always carried.
    const handled: string[] = [];
    const sub = b.subscribe({ stream: 'q', group: 'g', concurrency: 1, idempotent: true, blockMs: 60_000, handler: (m) => void handled.push(m.id) });
    open.push({ close: () => sub.stop() });
    await sub.ready;
    await b.driver.call(['SCRIPT', 'FLUSH']);
    const { id } = await b.publish('q', 'demo.n', { n: 1 });
    // Its source, sent after NOSCRIPT on the reading connection, would wait for the 60 s read to end.
    await waitUntil(async () => handled.length === 1 && (await pendingOn(b, 'q', 'g')) === 0, 5_000, 'the entry handled and acked');
    expect(handled).toEqual([id]);
    expect(((await b.driver.call(['ZMSCORE', b.keys.seen('q', 'g'), id])) as unknown[])[0], 'marked with its ack').not.toBeNull();
  });

  it('acks over the command connection when the carrying write fails, marks included, and runs no handler twice', async () => {
    const refused = { count: 0 };
    const refuse = () => {
      refused.count++;
      return Promise.reject(new Error('connection lost (test)'));
    };
    // The reading connections refuse every ack written on them; the command connection takes them.
    const driver = ackInterceptingDriver(createDriver(kind, { url: redis().url }), refuse, { duplicatesOnly: true });
    const b = await createBus({ redis: driver, prefix: randomPrefix(), source: 'test', logger: memoryLogger() });
    open.push(b);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await b.publish('q', 'demo.n', { i })).id);

    const handled: string[] = [];
    // Concurrency 16: one read of the five, not full, so their acks wait for the next read to carry them.
    const sub = b.subscribe({ stream: 'q', group: 'g', startAt: 'all', concurrency: 16, idempotent: true, claimIdleMs: 1_000, handler: (m) => void handled.push(m.id) });
    open.push({ close: () => sub.stop() });
    await waitUntil(async () => handled.length === 5 && (await pendingOn(b, 'q', 'g')) === 0, 10_000, 'the five entries handled and acked');
    expect(refused.count, 'the reading connection was asked to carry them').toBeGreaterThan(0);
    // Left pending, they would come back after claimIdleMs and run again: they do not.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(handled.sort()).toEqual([...ids].sort());
    const marks = (await b.driver.call(['ZMSCORE', b.keys.seen('q', 'g'), ...ids])) as unknown[];
    expect(marks.every((s) => s !== null), 'each marked with its ack').toBe(true);
    expect(await pendingOn(b, 'q', 'g')).toBe(0);
  });
});
