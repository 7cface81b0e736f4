/**
 * Throughput past one Redis: 30,000 messages published in batches of 100 to ONE logical stream and
 * handled by one subscription (one group, concurrency 50), on one redis-server and on a 3-master
 * cluster, with the stream in 1 shard or split into 3 (on a cluster, one shard per master; the key
 * is one of 100 chats). Every message handled exactly once is asserted; the msg/s and the load
 * average go to stdout for BENCHMARKS.md.
 * Not in `npm test`: `pnpm --filter @hive/bus run topologies` runs it with the failover.
 * On this machine (2 cores shared by the bus, the test and every redis-server) it measures
 * how the work spreads, not what separate hosts would give.
 */
import { loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { redisCli, startCluster, startRedis } from '@hive/test-redis';
import { createBus, shardStreams, type OutgoingMessage } from '../src/index.js';
import { partitionedContracts } from './fixtures/partitioned-contracts.js';
import { memoryLogger, randomPrefix, waitUntil } from './helpers.js';

const TOTAL = 30_000;
const BATCH = 100;

/** A stream name whose 3 shards' keys hash to slots of three different masters (the slots split in thirds). */
async function shardedOnEachMaster(port: number, prefix: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const name = `bench${i}`;
    const thirds = new Set<number>();
    for (const shard of shardStreams(name, 3)) {
      const slot = Number((await redisCli(port, 'CLUSTER', 'KEYSLOT', `${prefix}s:{${shard}}`)).trim());
      thirds.add(Math.min(2, Math.floor(slot / (16_384 / 3))));
    }
    if (thirds.size === 3) return name;
  }
  throw new Error('no stream name with its 3 shards on 3 masters');
}

async function run(url: string, stream: string, shards: number, prefix: string): Promise<number> {
  const bus = await createBus({ url, prefix, source: 'bench', logger: memoryLogger(), contracts: partitionedContracts({ [stream]: { shards, key: 'chat' } }) });
  let handled = 0;
  const seen = new Set<string>();
  const shardsUsed = new Set<string>();
  try {
    const sub = bus.subscribe({ stream, group: 'g', concurrency: 50, handler: (m, ctx) => void (seen.add(m.id), shardsUsed.add(ctx.stream), handled++) });
    await sub.ready;
    const t0 = Date.now();
    for (let i = 0; i < TOTAL; i += BATCH) {
      const batch: OutgoingMessage[] = [];
      for (let j = i; j < i + BATCH; j++) batch.push({ stream, type: 'bench', data: { chat: `chat-${j % 100}`, j } });
      await bus.publishBatch(batch);
    }
    await waitUntil(() => handled >= TOTAL, 300_000, `${TOTAL} handled`);
    const ms = Date.now() - t0;
    expect(handled).toBe(TOTAL);
    expect(seen.size).toBe(TOTAL);
    expect(shardsUsed).toEqual(new Set(shardStreams(stream, shards)));
    await sub.stop();
    return Math.round(TOTAL / (ms / 1000));
  } finally {
    await bus.close();
  }
}

describe('throughput on one Redis and on a 3-master cluster', () => {
  it('handles every message once, with the stream in 1 shard and in 3', async () => {
    const single = await startRedis();
    const cluster = await startCluster();
    try {
      const prefix = randomPrefix('tp');
      const stream = await shardedOnEachMaster(cluster.nodes[0]!.port, prefix);
      const load = () => loadavg()[0]!.toFixed(1);
      const figures = {
        loadBefore: load(),
        single1: await run(single.url, stream, 1, randomPrefix('tp')),
        single3: await run(single.url, stream, 3, randomPrefix('tp')),
        cluster1: await run(cluster.url, stream, 1, randomPrefix('tp')),
        cluster3: await run(cluster.url, stream, 3, prefix),
        loadAfter: load(),
      };
      console.log(`THROUGHPUT ${JSON.stringify(figures)}`);
    } finally {
      await single.stop();
      await cluster.stop();
    }
  }, 900_000);
});
