/**
 * Conformance: Redis itself fails. Killed with SIGKILL mid-consumption (AOF appendfsync always)
 * and restarted on the same port and dir: consumers reconnect on their own and nothing is lost.
 * FLUSHALL under a running consumer: the group is re-created, consumption goes on, an error is logged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { DRIVER_KINDS, type Bus } from '../src/index.js';
import { makeBus, memoryLogger, randomPrefix, sleep, useRedis, waitUntil } from './helpers.js';

const shared = useRedis();

describe.each(DRIVER_KINDS)('Redis failures on %s', (kind) => {
  const open: Bus[] = [];
  const servers: RedisServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('Redis killed with SIGKILL mid-consumption and restarted (AOF always): all 1,000 handled, none lost', async () => {
    const server = await startRedis({ aof: true, appendfsync: 'always' });
    servers.push(server);
    const prefix = randomPrefix();
    const b = await makeBus(kind, server, prefix);
    open.push(b);
    const handled = new Set<string>();
    const sub = b.subscribe({
      stream: 'durable',
      group: 'g',
      concurrency: 4,
      claimIdleMs: 1_000,
      blockMs: 200,
      handler: async (m) => {
        await sleep(2);
        handled.add(m.id);
      },
    });
    await sub.ready;
    const sent: string[] = [];
    for (let i = 0; i < 1000; i += 100) {
      sent.push(...(await b.publishBatch(Array.from({ length: 100 }, (_, j) => ({ stream: 'durable', type: 'demo.n', data: { i: i + j } })))).map((r) => r.id));
    }
    await waitUntil(() => handled.size >= 100, 20_000, 'consumption under way');
    const before = handled.size;
    await server.kill9();
    await sleep(500);
    await server.restart();
    await waitUntil(() => handled.size === 1000, 60_000, `all 1000 handled (have ${handled.size})`);
    console.log(`[${kind}] handled ${before} before the crash, ${1000 - before} after the restart`);
    expect(before).toBeLessThan(1000);
    expect(handled).toEqual(new Set(sent));
    await waitUntil(async () => ((await b.driver.call(['XPENDING', b.keys.stream('durable'), 'g'])) as unknown[])[0] === 0, 20_000, 'all acked');
  }, 90_000);

  it('FLUSHALL under a running consumer: the group is re-created and consumption goes on, with an error logged', async () => {
    const logger = memoryLogger();
    const b = await makeBus(kind, shared(), randomPrefix(), { logger });
    open.push(b);
    const got: number[] = [];
    const sub = b.subscribe<{ n: number }>({ stream: 'f', group: 'g', blockMs: 100, handler: (m) => void got.push(m.data.n) });
    await sub.ready;
    await b.publish('f', 'demo.n', { n: 1 });
    await waitUntil(() => got.length === 1, 5_000, 'first message');
    await b.driver.call(['FLUSHALL']);
    // The loop finds NOGROUP on its next read and re-creates the group from the start of the new stream.
    await waitUntil(() => logger.lines.some((l) => l.level === 'error' && /group is missing/.test(l.msg ?? '')), 5_000, 'an error log');
    await b.publish('f', 'demo.n', { n: 2 });
    await b.publish('f', 'demo.n', { n: 3 });
    await waitUntil(() => got.length === 3, 5_000, 'messages after the flush');
    expect(got).toEqual([1, 2, 3]);
    const err = logger.lines.find((l) => l.level === 'error')!;
    expect(err.obj).toMatchObject({ stream: 'f', group: 'g' });
  });
});
