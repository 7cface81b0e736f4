/**
 * Raw node-redis: the same loops as raw ioredis with node-redis's typed commands. node-redis
 * pipelines commands issued in the same tick, so a batch is `Promise.all` over `xAdd`.
 */
import { createClient } from 'redis';
import { makePayload } from '../payload.js';
import { packageVersion } from '../versions.js';
import { Countdown, LatencyRecorder, measured, paced, timeConsume, uniqueName, within } from './common.js';
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
  async function loop(key: string, count: number, onMessage: (data: unknown) => void) {
    const conn = await open();
    let running = true;
    const done = (async () => {
      while (running) {
        const reply = await conn.xReadGroup(GROUP, 'c1', { key, id: '>' }, { COUNT: count, BLOCK: 200 });
        const messages = reply?.[0]?.messages ?? [];
        if (messages.length === 0) continue;
        const ids: string[] = [];
        for (const m of messages) {
          if (!m) continue;
          onMessage(JSON.parse(m.message.data as string));
          ids.push(m.id);
        }
        await conn.xAck(key, GROUP, ids);
      }
    })();
    return {
      async stop() {
        running = false;
        await done;
        conn.destroy();
      },
    };
  }

  async function prefill(key: string, n: number): Promise<void> {
    for (let i = 0; i < n; i += 1000) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) batch.push(main.xAdd(key, '*', { data: JSON.stringify(makePayload(j)) }));
      await Promise.all(batch);
    }
  }

  return {
    id: 'raw-node-redis',
    description: `node-redis ${packageVersion('redis')}: xAdd / same-tick xAdd batch / xReadGroup + xAck loop`,
    highConcurrency: 64,

    async publishOne(n): Promise<Timed> {
      const key = uniqueName('rawnr');
      await measured.start();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await main.xAdd(key, '*', { data: JSON.stringify(makePayload(i)) });
      const ms = performance.now() - t0;
      await measured.stop();
      await main.del(key);
      return { count: n, ms };
    },

    async publishBatched(n, batch): Promise<Timed> {
      const key = uniqueName('rawnr');
      await measured.start();
      const t0 = performance.now();
      for (let i = 0; i < n; i += batch) {
        const ps: Promise<unknown>[] = [];
        for (let j = i; j < Math.min(n, i + batch); j++) ps.push(main.xAdd(key, '*', { data: JSON.stringify(makePayload(j)) }));
        await Promise.all(ps);
      }
      const ms = performance.now() - t0;
      await measured.stop();
      await main.del(key);
      return { count: n, ms };
    },

    async consume(n, concurrency, capMs): Promise<Timed> {
      const key = uniqueName('rawnr');
      await main.xGroupCreate(key, GROUP, '0', { MKSTREAM: true });
      await prefill(key, n);
      const countdown = new Countdown(n);
      await measured.start();
      const t0 = performance.now();
      const l = await loop(key, concurrency, () => countdown.hit());
      const r = await timeConsume(countdown, t0, capMs);
      await measured.stop();
      await l.stop();
      await main.del(key);
      return r;
    },

    async latency(opts: PacedOptions): Promise<LatencyRun> {
      const key = uniqueName('rawnr');
      await main.xGroupCreate(key, GROUP, '$', { MKSTREAM: true });
      const recorder = new LatencyRecorder();
      const l = await loop(key, 64, (data) => recorder.record((data as { t: number }).t));
      const run = await paced(opts, recorder, (seq, t) => main.xAdd(key, '*', { data: JSON.stringify(makePayload(seq, t)) }));
      await l.stop();
      await main.del(key);
      return run;
    },

    async requestReply(n): Promise<number[]> {
      const reqKey = uniqueName('rawnrreq');
      const replyKey = uniqueName('rawnrreply');
      await main.xGroupCreate(reqKey, GROUP, '$', { MKSTREAM: true });
      const responderConn = await open();
      const replyConn = await open();
      let running = true;
      const responder = (async () => {
        while (running) {
          const reply = await responderConn.xReadGroup(GROUP, 'r1', { key: reqKey, id: '>' }, { COUNT: 16, BLOCK: 200 });
          for (const m of reply?.[0]?.messages ?? []) {
            if (!m) continue;
            const f = m.message as Record<string, string>;
            const req = JSON.parse(f.data!) as unknown;
            await responderConn.xAdd(f.replyTo!, '*', { corr: f.corr!, data: JSON.stringify(req) });
            await responderConn.xAck(reqKey, GROUP, m.id);
          }
        }
      })();
      const waiting = new Map<string, () => void>();
      let lastId = '0';
      const replies = (async () => {
        while (running) {
          const reply = await replyConn.xRead({ key: replyKey, id: lastId }, { COUNT: 16, BLOCK: 200 });
          for (const m of reply?.[0]?.messages ?? []) {
            if (!m) continue;
            lastId = m.id;
            const f = m.message as Record<string, string>;
            JSON.parse(f.data!);
            waiting.get(f.corr!)?.();
          }
        }
      })();
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const corr = `r${i}`;
        const t0 = performance.now();
        const got = new Promise<void>((resolve) => waiting.set(corr, resolve));
        await main.xAdd(reqKey, '*', { corr, replyTo: replyKey, data: JSON.stringify(makePayload(i)) });
        await within(got, 5_000, `raw node-redis reply ${i}`);
        waiting.delete(corr);
        samples.push(performance.now() - t0);
      }
      running = false;
      await Promise.all([responder, replies]);
      responderConn.destroy();
      replyConn.destroy();
      await main.del([reqKey, replyKey]);
      return samples;
    },

    async close() {
      await main.close();
    },
  };
}
