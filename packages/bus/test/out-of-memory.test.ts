/**
 * A full Redis (maxmemory reached, policy noeviction) refuses writes with "OOM command not allowed".
 * The publisher turns that into a RedisOutOfMemoryError (code REDIS_OOM) on every publishing path,
 * writes nothing, and publishes normally again once memory is freed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_KINDS, isOutOfMemory, RedisOutOfMemoryError, type Bus, type RedisDriver } from '../src/index.js';
import { makeBus, randomPrefix, rawDriver, useRedis } from './helpers.js';

// A real limit, filled for real: 4 MB, then a filler string until Redis refuses.
const redis = useRedis({ args: ['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction'] });

/**
 * Write 64 KB strings until Redis says OOM, then 512-byte ones (a big command's own query buffer
 * counts as used memory while it is read), so that even a small write is refused; returns the keys.
 */
async function fill(d: RedisDriver, prefix: string, sizes = [64 * 1024, 512], keys: string[] = []): Promise<string[]> {
  for (const size of sizes) {
    const chunk = 'x'.repeat(size);
    for (let i = 0; ; i++) {
      if (i > 10_000) throw new Error('Redis never ran out of memory');
      const key = `${prefix}filler:${size}:${keys.length}`;
      try {
        await d.call(['SET', key, chunk]);
        keys.push(key);
      } catch (err) {
        expect(isOutOfMemory(err)).toBe(true);
        break;
      }
    }
  }
  return keys;
}

describe.each(DRIVER_KINDS)('publishing into a full Redis on %s', (kind) => {
  const open: { bus?: Bus; raw?: RedisDriver } = {};
  afterEach(async () => {
    await open.bus?.close();
    await open.raw?.close();
  });

  it('rejects with REDIS_OOM on publish, idempotent publish and batches, writes nothing, and works again once memory is freed', async () => {
    const prefix = randomPrefix();
    const bus = (open.bus = await makeBus(kind, redis(), prefix));
    const raw = (open.raw = await rawDriver(kind, redis()));
    const filler = await fill(raw, prefix);
    // Filled, used memory still moves by a few KB as client buffers come and go, so a small write
    // may squeeze in between two refusals: hold the limit below what is used for the checks.
    const used = Number(/used_memory:(\d+)/.exec(String(await raw.call(['INFO', 'memory'])))?.[1]);
    await raw.call(['CONFIG', 'SET', 'maxmemory', String(Math.floor(used / 2))]);
    try {
      const single = await bus.publish('oom.test', 'x.y', { n: 1 }).catch((e: unknown) => e);
      expect(single).toBeInstanceOf(RedisOutOfMemoryError);
      expect(single).toMatchObject({ code: 'REDIS_OOM', details: { stream: 'oom.test', type: 'x.y' } });
      expect((single as Error).message).toMatch(/out of memory.*not written/);

      const once = await bus.publish('oom.test', 'x.y', { n: 2 }, { id: 'wa-1', idempotent: true }).catch((e: unknown) => e);
      expect(once).toMatchObject({ code: 'REDIS_OOM' });

      const batch = await bus
        .publishBatch([
          { stream: 'oom.test', type: 'x.y', data: { n: 3 } },
          { stream: 'oom.test', type: 'x.y', data: { n: 4 } },
        ])
        .catch((e: unknown) => e);
      expect(batch).toMatchObject({ code: 'REDIS_OOM' });

      expect(Number(await raw.call(['EXISTS', bus.keys.stream('oom.test')]))).toBe(0);
      expect(Number(await raw.call(['EXISTS', bus.keys.publishMark('oom.test', 'wa-1')]))).toBe(0);
    } finally {
      await raw.call(['CONFIG', 'SET', 'maxmemory', '4mb']);
      if (filler.length > 0) await raw.call(['DEL', ...filler]);
    }

    // Memory freed: the same publishes go through, the idempotent one exactly once.
    await bus.publish('oom.test', 'x.y', { n: 1 });
    const first = await bus.publish('oom.test', 'x.y', { n: 2 }, { id: 'wa-1', idempotent: true });
    const again = await bus.publish('oom.test', 'x.y', { n: 2 }, { id: 'wa-1', idempotent: true });
    expect(again).toMatchObject({ duplicate: true, entryId: first.entryId });
    await bus.publishBatch([
      { stream: 'oom.test', type: 'x.y', data: { n: 3 } },
      { stream: 'oom.test', type: 'x.y', data: { n: 4 } },
    ]);
    expect(Number(await raw.call(['XLEN', bus.keys.stream('oom.test')]))).toBe(4);
  });
});
