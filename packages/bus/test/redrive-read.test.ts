/**
 * A subscription reads its group's redrive stream (dead letters retried to it) in the same blocking
 * read as the stream: no poll of its own, and never more handlers at once than its concurrency,
 * though one read of both streams can hand over twice the free slots.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { DRIVER_KINDS, encodeFields, type Bus } from '../src/index.js';
import { sleep, useBuses, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('the redrive stream in the blocking read, on %s', (kind) => {
  const { bus } = useBuses(kind, redis);
  /** An entry in the stream and one in group g's redrive stream, both with entry id 5-0 (each stream numbers its own). */
  const oneInEach = async (b: Bus, stream: string) => {
    const fields = (n: number) => encodeFields({ type: 'demo.n', v: 1, id: `m${n}`, src: 't', ts: 1, corr: 'c', cause: '', data: JSON.stringify({ n }) });
    await b.driver.call(['XADD', b.keys.stream(stream), '5-0', ...fields(1)]);
    await b.driver.call(['XADD', b.keys.redrive(stream, 'g'), '5-0', ...fields(2)]);
  };
  const calls = async (b: Bus, name: string) => Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(String(await b.driver.call(['INFO', 'commandstats'])))?.[1] ?? 0);

  it('an idle subscription reads once per blockMs: one XREADGROUP over the stream and its redrive stream, no redrive poll', async () => {
    const b = await bus();
    const sub = b.subscribe({ stream: 'idle', group: 'g', blockMs: 2_000, handler: () => undefined });
    await sub.ready;
    await sleep(300); // past the passes every new subscription runs once
    const before = await calls(b, 'xreadgroup');
    await sleep(2_500);
    // Before: the redrive stream was polled once a second, each poll cutting the blocking read short (4-6 here).
    expect((await calls(b, 'xreadgroup')) - before).toBeLessThanOrEqual(2);
  });

  it('an idle read blocks for blockMs less up to a fifth, a different length each time (not in step with periodic traffic)', async () => {
    const b = await bus();
    // monitor() opens a connection of its own: both are closed at the end.
    const client = new Redis(redis().url);
    const monitor = await client.monitor();
    const blocks: number[] = [];
    const key = b.keys.stream('jitter');
    monitor.on('monitor', (_time: string, args: string[]) => {
      const at = args.indexOf('BLOCK');
      if (args[0]?.toUpperCase() === 'XREADGROUP' && args.includes(key) && at > 0) blocks.push(Number(args[at + 1]));
    });
    try {
      const sub = b.subscribe({ stream: 'jitter', group: 'g', blockMs: 300, handler: () => undefined });
      await sub.ready;
      await waitUntil(() => blocks.length >= 12, 10_000, '12 idle reads');
    } finally {
      monitor.disconnect();
      client.disconnect();
    }
    // Each read's BLOCK: 240-300 ms, but where a pass falls due sooner (the first reads, a reclaim pass).
    expect(blocks.filter((ms) => ms >= 240 && ms <= 300).length, blocks.join(' ')).toBeGreaterThanOrEqual(10);
    expect(blocks.every((ms) => ms >= 1 && ms <= 300), blocks.join(' ')).toBe(true);
    // Fixed, they would all be 300 (or the time left to a pass): drawn at random, hardly two alike.
    expect(new Set(blocks).size, blocks.join(' ')).toBeGreaterThanOrEqual(6);
  });

  it('one read of an entry in the stream and one in the redrive stream (same entry id) runs both, one after the other at concurrency 1', async () => {
    const b = await bus();
    // Both there before the subscription's first read (its group is created at the start of both),
    // with the same entry id: neither hides the other.
    await oneInEach(b, 'both');
    let running = 0;
    let most = 0;
    const handled: number[] = [];
    const sub = b.subscribe<{ n: number }>({
      stream: 'both',
      group: 'g',
      startAt: 'all',
      concurrency: 1,
      handler: async (m) => {
        most = Math.max(most, ++running);
        await sleep(100);
        handled.push(m.data.n);
        running--;
      },
    });
    await sub.ready;
    await waitUntil(() => handled.length === 2, 5_000, 'both entries handled');
    expect(handled.sort()).toEqual([1, 2]);
    expect(most).toBe(1);
  });

  it('stop() leaves an entry that waited for its turn pending, its handler never run', async () => {
    const b = await bus();
    await oneInEach(b, 'stop');
    const started: number[] = [];
    const sub = b.subscribe<{ n: number }>({
      stream: 'stop',
      group: 'g',
      startAt: 'all',
      concurrency: 1,
      handler: async (m) => {
        started.push(m.data.n);
        await sleep(300);
      },
    });
    await waitUntil(() => started.length === 1, 5_000, 'the first handler');
    await sub.stop();
    expect(started).toHaveLength(1);
    const pending = async (key: string) => Number(((await b.driver.call(['XPENDING', key, 'g'])) as unknown[])[0]);
    // The one that ran is acked; the one that waited is still pending, for a later delivery.
    const left = (await pending(b.keys.stream('stop'))) + (await pending(b.keys.redrive('stop', 'g')));
    expect(left).toBe(1);
  });
});
