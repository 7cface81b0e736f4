/**
 * Raw node-redis: the same loops as raw ioredis with node-redis's typed commands. node-redis
 * pipelines commands issued in the same tick, so a batch is `Promise.all` over `xAdd`.
 */
import { createClient } from 'redis';
import { makePayload } from '../payload.js';
import { packageVersion } from '../versions.js';
import { inBatches, loopUntilStopped, measureLatency, ReplyWaiter, timeConsumer, timePublish, timeRoundTrips, uniqueName, withFreshName, type RunningConsumer } from './common.js';
import type { BenchSystem, LatencyRun, PacedOptions, Timed } from './types.js';

const GROUP = 'bench';

export async function rawNodeRedis(url: string): Promise<BenchSystem> {
  const main = createClient({ url });
  main.on('error', () => undefined);
  await main.connect();
  type Client = typeof main;

  async function open(): Promise<Client> {
    const c = main.duplicate();
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  /** A consumer loop on its own connection until `stop()`: read up to `count`, handle, XACK, repeat. */
  async function loop(key: string, count: number, onMessage: (data: unknown) => void): Promise<RunningConsumer> {
    const conn = await open();
    return loopUntilStopped(
      async () => {
        const reply = await conn.xReadGroup(GROUP, 'c1', { key, id: '>' }, { COUNT: count, BLOCK: 200 });
        const ids: string[] = [];
        for (const m of reply?.[0]?.messages ?? []) {
          if (!m) continue;
          onMessage(JSON.parse(m.message.data as string));
          ids.push(m.id);
        }
        if (ids.length > 0) await conn.xAck(key, GROUP, ids);
      },
      () => conn.destroy(),
    );
  }

  /** One batch sent in one tick: node-redis pipelines it. */
  async function sameTickAdd(key: string, from: number, to: number): Promise<unknown> {
    const batch: Promise<unknown>[] = [];
    for (let j = from; j < to; j++) batch.push(main.xAdd(key, '*', { data: JSON.stringify(makePayload(j)) }));
    return Promise.all(batch);
  }

  /** A fresh stream key for `fn`, deleted afterwards. */
  const withKey = <T>(fn: (key: string) => Promise<T>) => withFreshName('rawnr', (key) => main.del(key), fn);

  return {
    id: 'raw-node-redis',
    description: `node-redis ${packageVersion('redis')}: xAdd / same-tick xAdd batch / xReadGroup + xAck loop`,
    highConcurrency: 64,

    publishOne: (n) =>
      withKey((key) =>
        timePublish(n, async () => {
          for (let i = 0; i < n; i++) await main.xAdd(key, '*', { data: JSON.stringify(makePayload(i)) });
        }),
      ),

    publishBatched: (n, batch) => withKey((key) => timePublish(n, () => inBatches(n, batch, (from, to) => sameTickAdd(key, from, to)))),

    consume: (n, concurrency, capMs) =>
      withKey(async (key): Promise<Timed> => {
        await main.xGroupCreate(key, GROUP, '0', { MKSTREAM: true });
        await inBatches(n, 1000, (from, to) => sameTickAdd(key, from, to));
        return timeConsumer(n, capMs, (hit) => loop(key, concurrency, hit));
      }),

    latency: (opts: PacedOptions) =>
      withKey(async (key): Promise<LatencyRun> => {
        await main.xGroupCreate(key, GROUP, '$', { MKSTREAM: true });
        return measureLatency(
          opts,
          (received) => loop(key, 64, received),
          (seq, t) => main.xAdd(key, '*', { data: JSON.stringify(makePayload(seq, t)) }),
        );
      }),

    async requestReply(n): Promise<number[]> {
      const reqKey = uniqueName('rawnrreq');
      const replyKey = uniqueName('rawnrreply');
      await main.xGroupCreate(reqKey, GROUP, '$', { MKSTREAM: true });
      const responderConn = await open();
      const responder = loopUntilStopped(
        async () => {
          const reply = await responderConn.xReadGroup(GROUP, 'r1', { key: reqKey, id: '>' }, { COUNT: 16, BLOCK: 200 });
          for (const m of reply?.[0]?.messages ?? []) {
            if (!m) continue;
            const f = m.message as Record<string, string>;
            const req = JSON.parse(f.data!) as unknown;
            await responderConn.xAdd(f.replyTo!, '*', { corr: f.corr!, data: JSON.stringify(req) });
            await responderConn.xAck(reqKey, GROUP, m.id);
          }
        },
        () => responderConn.destroy(),
      );
      const waiter = new ReplyWaiter();
      const replyConn = await open();
      let lastId = '0';
      const replies = loopUntilStopped(
        async () => {
          const reply = await replyConn.xRead({ key: replyKey, id: lastId }, { COUNT: 16, BLOCK: 200 });
          for (const m of reply?.[0]?.messages ?? []) {
            if (!m) continue;
            lastId = m.id;
            const f = m.message as Record<string, string>;
            JSON.parse(f.data!);
            waiter.arrived(f.corr!);
          }
        },
        () => replyConn.destroy(),
      );
      const samples = await timeRoundTrips(n, (i) =>
        waiter.request(`r${i}`, () => main.xAdd(reqKey, '*', { corr: `r${i}`, replyTo: replyKey, data: JSON.stringify(makePayload(i)) }), `raw node-redis reply ${i}`),
      );
      await Promise.all([responder.stop(), replies.stop()]);
      await main.del([reqKey, replyKey]);
      return samples;
    },

    async close() {
      await main.close();
    },
  };
}
