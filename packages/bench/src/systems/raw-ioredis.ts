/**
 * Raw ioredis: what a careful user writes without a library. XADD with a `data` field holding the
 * JSON payload; a pipeline for batches; a consumer loop of XREADGROUP (COUNT = concurrency) then
 * one XACK for what it read; request/reply as two streams.
 *
 * With `envelope: true` (system `raw-ioredis-envelope`) the same loops write and read the same
 * fields Hive's envelope has (form 2: the `hive2` header and `data`), without validating anything: the difference between it and raw
 * ioredis is the cost of the envelope on the wire and in Redis; between it and Hive, the cost of
 * Hive's own code.
 */
import { Redis } from 'ioredis';
import { HEADER_FIELD, newMessageId } from '@hive/bus';
import { makePayload, PAYLOAD_TYPE } from '../payload.js';
import { packageVersion } from '../versions.js';
import { Countdown, LatencyRecorder, measured, paced, timeConsume, uniqueName, within } from './common.js';
import type { BenchSystem, LatencyRun, PacedOptions, Timed } from './types.js';

type ReadReply = [key: string, entries: [id: string, fields: string[] | null][]][] | null;

const GROUP = 'bench';

/** The no-op handler every raw loop calls: parse the payload (every system hands its handler parsed data). */
function handle(fields: string[] | null): unknown {
  if (!fields) return undefined;
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'data') return JSON.parse(fields[i + 1]!);
  return undefined;
}

/** The fields of one entry: the bare payload, or Hive's envelope fields as Hive writes them (a root message: corr is the id). */
function entryFields(envelope: boolean, seq: number, t = 0): string[] {
  const data = JSON.stringify(makePayload(seq, t));
  if (!envelope) return ['data', data];
  return [HEADER_FIELD, `${PAYLOAD_TYPE} 1 ${newMessageId()} bench ${Date.now()}`, 'data', data];
}

export async function rawIoredis(url: string, opts: { envelope?: boolean } = {}): Promise<BenchSystem> {
  const envelope = opts.envelope ?? false;
  const fields = (seq: number, t?: number) => entryFields(envelope, seq, t);
  const main = new Redis(url, { lazyConnect: true });
  await main.connect();

  /** A consumer loop on its own connection until `stop()`: read up to `count`, handle, XACK, repeat. */
  function loop(key: string, count: number, onMessage: (data: unknown) => void) {
    const conn = main.duplicate();
    let running = true;
    const done = (async () => {
      while (running) {
        const reply = (await conn.xreadgroup('GROUP', GROUP, 'c1', 'COUNT', count, 'BLOCK', 200, 'STREAMS', key, '>')) as ReadReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        const ids: string[] = [];
        for (const [id, fields] of entries) {
          onMessage(handle(fields));
          ids.push(id);
        }
        await conn.xack(key, GROUP, ...ids);
      }
    })();
    return {
      async stop() {
        running = false;
        await done;
        conn.disconnect();
      },
    };
  }

  async function prefill(key: string, n: number): Promise<void> {
    for (let i = 0; i < n; i += 1000) {
      const p = main.pipeline();
      for (let j = i; j < Math.min(n, i + 1000); j++) p.xadd(key, '*', ...fields(j));
      await p.exec();
    }
  }

  const system: BenchSystem = {
    id: envelope ? 'raw-ioredis-envelope' : 'raw-ioredis',
    description: envelope
      ? `the raw ioredis loops writing and reading Hive's envelope fields (no validation): what the envelope itself costs`
      : `ioredis ${packageVersion('ioredis')}: XADD / pipelined XADD / XREADGROUP + XACK loop`,
    highConcurrency: 64,

    async publishOne(n): Promise<Timed> {
      const key = uniqueName('raw');
      await measured.start();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await main.xadd(key, '*', ...fields(i));
      const ms = performance.now() - t0;
      await measured.stop();
      await main.del(key);
      return { count: n, ms };
    },

    async publishBatched(n, batch): Promise<Timed> {
      const key = uniqueName('raw');
      await measured.start();
      const t0 = performance.now();
      for (let i = 0; i < n; i += batch) {
        const p = main.pipeline();
        for (let j = i; j < Math.min(n, i + batch); j++) p.xadd(key, '*', ...fields(j));
        await p.exec();
      }
      const ms = performance.now() - t0;
      await measured.stop();
      await main.del(key);
      return { count: n, ms };
    },

    async consume(n, concurrency, capMs): Promise<Timed> {
      const key = uniqueName('raw');
      await main.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM');
      await prefill(key, n);
      const countdown = new Countdown(n);
      await measured.start();
      const t0 = performance.now();
      const l = loop(key, concurrency, () => countdown.hit());
      const r = await timeConsume(countdown, t0, capMs);
      await measured.stop();
      await l.stop();
      await main.del(key);
      return r;
    },

    async latency(opts: PacedOptions): Promise<LatencyRun> {
      const key = uniqueName('raw');
      await main.xgroup('CREATE', key, GROUP, '$', 'MKSTREAM');
      const recorder = new LatencyRecorder();
      const l = loop(key, 64, (data) => recorder.record((data as { t: number }).t));
      const run = await paced(opts, recorder, (seq, t) => main.xadd(key, '*', ...fields(seq, t)));
      await l.stop();
      await main.del(key);
      return run;
    },

    async requestReply(n): Promise<number[]> {
      // Requests go to one stream read by a responder group; replies to the requester's own stream,
      // read with XREAD BLOCK from where it last was. Both readers are dedicated connections.
      const reqKey = uniqueName('rawreq');
      const replyKey = uniqueName('rawreply');
      await main.xgroup('CREATE', reqKey, GROUP, '$', 'MKSTREAM');
      const responderConn = main.duplicate();
      const replyConn = main.duplicate();
      let running = true;
      const responder = (async () => {
        while (running) {
          const reply = (await responderConn.xreadgroup('GROUP', GROUP, 'r1', 'COUNT', 16, 'BLOCK', 200, 'STREAMS', reqKey, '>')) as ReadReply;
          for (const [id, fields] of reply?.[0]?.[1] ?? []) {
            const f = fields ?? [];
            const req = JSON.parse(f[5]!) as unknown;
            await responderConn.xadd(f[3]!, '*', 'corr', f[1]!, 'data', JSON.stringify(req));
            await responderConn.xack(reqKey, GROUP, id);
          }
        }
      })();
      const waiting = new Map<string, () => void>();
      let lastId = '0'; // the reply stream is new: everything in it is ours
      const replies = (async () => {
        while (running) {
          const reply = (await replyConn.xread('COUNT', 16, 'BLOCK', 200, 'STREAMS', replyKey, lastId)) as ReadReply;
          for (const [id, fields] of reply?.[0]?.[1] ?? []) {
            lastId = id;
            const f = fields ?? [];
            JSON.parse(f[3]!);
            waiting.get(f[1]!)?.();
          }
        }
      })();
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const corr = `r${i}`;
        const t0 = performance.now();
        const got = new Promise<void>((resolve) => waiting.set(corr, resolve));
        await main.xadd(reqKey, '*', 'corr', corr, 'replyTo', replyKey, 'data', JSON.stringify(makePayload(i)));
        await within(got, 5_000, `raw ioredis reply ${i}`);
        waiting.delete(corr);
        samples.push(performance.now() - t0);
      }
      running = false;
      await Promise.all([responder, replies]);
      responderConn.disconnect();
      replyConn.disconnect();
      await main.del(reqKey, replyKey);
      return samples;
    },

    async close() {
      await main.quit();
    },
  };
  // Request/reply is the same code either way: measured once, as raw ioredis.
  if (envelope) delete system.requestReply;
  return system;
}
