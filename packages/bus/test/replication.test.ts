/**
 * `replicate` on publish: without a replica to confirm it, the publish rejects with NotReplicatedError
 * (the entry is on the master, unconfirmed); bad options and a cluster URL are ConfigErrors. The
 * failover itself (a replica confirms, the master dies) is test/failover.sentinel.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DRIVER_KINDS, NotReplicatedError } from '../src/index.js';
import { replicateOptions } from '../src/replication.js';
import { makeBus, randomPrefix, useRedis } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('publish with replicate on %s', (kind) => {
  it('rejects with NOT_REPLICATED when no replica confirms in time; the entry is on the master', async () => {
    const bus = await makeBus(kind, redis(), randomPrefix());
    try {
      const err = await bus.publish('orders', 'order.placed', { n: 1 }, { id: 'r1', replicate: { timeoutMs: 50 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotReplicatedError);
      expect((err as NotReplicatedError).code).toBe('NOT_REPLICATED');
      expect((err as NotReplicatedError).details).toMatchObject({ stream: 'orders', acked: 0, replicas: 1, timeoutMs: 50 });
      expect(Number(await bus.driver.call(['XLEN', bus.keys.stream('orders')]))).toBe(1);
      await expect(bus.publish('orders', 'order.placed', {}, { replicate: { replicas: 0 } })).rejects.toThrow(/replicate.replicas must be an integer >= 1/);
    } finally {
      await bus.close();
    }
  });
});

describe('replicateOptions', () => {
  it('is off by default, fills in 1 replica and 1 s, and refuses a cluster URL', () => {
    const ctx = (url: string) => ({ driver: { options: { url } } }) as Parameters<typeof replicateOptions>[0];
    expect(replicateOptions(ctx('redis://h'), undefined)).toBeUndefined();
    expect(replicateOptions(ctx('redis+sentinel://h/m'), true)).toEqual({ replicas: 1, timeoutMs: 1_000, aof: false });
    expect(() => replicateOptions(ctx('redis+cluster://h1,h2'), true)).toThrow(ConfigError);
  });
});
