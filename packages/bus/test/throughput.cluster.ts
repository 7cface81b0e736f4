/**
 * Throughput past one Redis: 30,000 messages published in batches of 100 and handled (one group,
 * concurrency 50 per stream), on one redis-server and on a 3-master cluster, spread over 1 stream
 * or 3 streams (on a cluster, one per master: the "3 shards" case until partitioned streams exist).
 * Every message handled exactly once is asserted; the msg/s go to stdout for BENCHMARKS.md.
 * Not in `npm test`: `pnpm --filter @hive/bus run topologies` runs it with the failover.
 * On this machine (2 cores shared by the bus, the test and every redis-server) it measures
 * how the work spreads, not what separate hosts would give.
 */
import { describe, expect, it } from 'vitest';
import { redisCli, startCluster, startRedis } from '@hive/test-redis';
import { createBus, type OutgoingMessage } from '../src/index.js';
import { memoryLogger, randomPrefix, waitUntil } from './helpers.js';

const TOTAL = 30_000;
const BATCH = 100;

/** Three stream names whose keys hash to slots of three different masters (the slots split in thirds). */
async function streamsOnEachMaster(port: number, prefix: string): Promise<string[]> {
  const byThird = new Map<number, string>();
  for (let i = 0; byThird.size < 3 && i < 100; i++) {
    const name = `bench.${i}`;
    const slot = Number((await redisCli(port, 'CLUSTER', 'KEYSLOT', `${prefix}s:{${name}}`)).trim());
    const third = Math.min(2, Math.floor(slot / (16_384 / 3)));
    if (!byThird.has(third)) byThird.set(third, name);
  }
  return [...byThird.values()];
}

async function run(url: string, streams: readonly string[], prefix: string): Promise<number> {
  const bus = await createBus({ url, prefix, source: 'bench', logger: memoryLogger() });
  let handled = 0;
  const seen = new Set<string>();
  try {
    const subs = streams.map((stream) =>
      bus.subscribe({ stream, group: 'g', concurrency: 50, handler: (m) => void (seen.add(m.id), handled++) }),
    );
    await Promise.all(subs.map((s) => s.ready));
    const t0 = Date.now();
    for (let i = 0; i < TOTAL; i += BATCH) {
      const batch: OutgoingMessage[] = [];
      for (let j = i; j < i + BATCH; j++) batch.push({ stream: streams[j % streams.length]!, type: 'bench', data: { j } });
      await bus.publishBatch(batch);
    }
    await waitUntil(() => handled >= TOTAL, 300_000, `${TOTAL} handled`);
    const ms = Date.now() - t0;
    expect(handled).toBe(TOTAL);
    expect(seen.size).toBe(TOTAL);
    await Promise.all(subs.map((s) => s.stop()));
    return Math.round(TOTAL / (ms / 1000));
  } finally {
    await bus.close();
  }
}

describe('throughput on one Redis and on a 3-master cluster', () => {
  it('handles every message once, with 1 and 3 streams', async () => {
    const single = await startRedis();
    const cluster = await startCluster();
    try {
      const prefix = randomPrefix('tp');
      const three = await streamsOnEachMaster(cluster.nodes[0]!.port, prefix);
      expect(three).toHaveLength(3);
      const figures = {
        single1: await run(single.url, ['bench.one'], randomPrefix('tp')),
        single3: await run(single.url, three, randomPrefix('tp')),
        cluster1: await run(cluster.url, ['bench.one'], randomPrefix('tp')),
        cluster3: await run(cluster.url, three, prefix),
      };
      console.log(`THROUGHPUT ${JSON.stringify(figures)}`);
    } finally {
      await single.stop();
      await cluster.stop();
    }
  }, 900_000);
});
