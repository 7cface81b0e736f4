/**
 * Reading ahead (consumer.ts, step 4): under a backlog, a read asks for half the free slots, and
 * one that comes back full has the next read sent before its own entries are handled; the two
 * together never ask for more than the free slots. Seen from Redis itself (MONITOR), with handlers
 * held at a gate; and a subscription stopped with a read on its way loses nothing.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createBus, DRIVER_KINDS, type Bus } from '../src/index.js';
import { memoryLogger, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('reading ahead on %s', (kind) => {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  const bus = async (prefix = randomPrefix()): Promise<Bus> => {
    const b = await createBus({ url: redis().url, driver: kind, prefix, source: 'test', logger: memoryLogger() });
    open.push(b);
    return b;
  };
  const pending = async (b: Bus, stream: string) => Number(((await b.driver.call(['XPENDING', b.keys.stream(stream), 'g'])) as unknown[])[0]);

  it('sends the next read while a full read\'s entries are still being handled, within the free slots', async () => {
    const b = await bus();
    await b.publishBatch(Array.from({ length: 12 }, (_, i) => ({ stream: 'q', type: 'demo.n', data: { i } })));
    const monitor = await new Redis(redis().url).monitor();
    open.push({ close: async () => monitor.disconnect() });
    const reads: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (String(args[0]).toUpperCase() === 'XREADGROUP' && args.includes('BLOCK')) reads.push(args);
    });

    let running = 0;
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sub = b.subscribe({
      stream: 'q',
      group: 'g',
      startAt: 'all',
      concurrency: 4,
      handler: async (m) => {
        running++;
        await gate;
        running--;
        handled.push((m.data as { i: number }).i);
      },
    });
    open.push({ close: () => sub.stop() });
    await waitUntil(() => running === 4, 5_000, 'four handlers held at the gate');
    await new Promise((r) => setTimeout(r, 300));

    // No handler has finished, yet two reads went out: the second while the first one's entries were being handled.
    const count = (args: string[]) => Number(args[args.indexOf('COUNT') + 1]);
    expect(reads.map(count), 'two reads of half the slots each').toEqual([2, 2]);
    // Together no more than the slots: the other eight are still unread in the stream.
    expect(await pending(b, 'q')).toBe(4);
    expect(sub.inFlight).toBe(4);

    release();
    await waitUntil(async () => handled.length === 12 && (await pending(b, 'q')) === 0, 10_000, 'all twelve handled and acked');
    expect([...handled].sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('loses nothing when stopped with a read on its way: the same consumer handles it when it comes back', async () => {
    const prefix = randomPrefix();
    const b = await bus(prefix);
    const n = 400;
    await b.publishBatch(Array.from({ length: n }, (_, i) => ({ stream: 'q', type: 'demo.n', data: { i } })));
    const handled = new Set<number>();
    const handler = async (m: { data: unknown }) => {
      await new Promise((r) => setImmediate(r));
      handled.add((m.data as { i: number }).i);
    };
    const first = b.subscribe({ stream: 'q', group: 'g', consumer: 'c1', startAt: 'all', concurrency: 16, handler });
    await waitUntil(() => handled.size >= 50, 10_000, 'some handled');
    await first.stop();
    const afterStop = handled.size;
    expect(afterStop, 'stopped part-way').toBeLessThan(n);

    // Whatever the last reads delivered is pending on c1, unhandled: c1 drains it first when it comes back.
    const again = b.subscribe({ stream: 'q', group: 'g', consumer: 'c1', concurrency: 16, handler });
    open.push({ close: () => again.stop() });
    await waitUntil(async () => handled.size === n && (await pending(b, 'q')) === 0, 15_000, 'every entry handled and acked');
    expect(handled.size).toBe(n);
  });
});
