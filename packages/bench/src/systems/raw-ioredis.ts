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
import { inBatches, loopUntilStopped, measureLatency, ReplyWaiter, type RunningConsumer, timeConsumer, timePublish, timeRoundTrips, uniqueName, withFreshName } from './common.js';
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
  function loop(key: string, count: number, onMessage: (data: unknown) => void): RunningConsumer {
    const conn = main.duplicate();
    return loopUntilStopped(
      async () => {
        const reply = (await conn.xreadgroup('GROUP', GROUP, 'c1', 'COUNT', count, 'BLOCK', 200, 'STREAMS', key, '>')) as ReadReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) return;
        for (const [, fields] of entries) onMessage(handle(fields));
        await conn.xack(key, GROUP, ...entries.map(([id]) => id));
      },
      () => conn.disconnect(),
    );
  }

  /** One batch in one pipeline. */
  async function pipelinedAdd(key: string, from: number, to: number): Promise<unknown> {
    const p = main.pipeline();
    for (let j = from; j < to; j++) p.xadd(key, '*', ...fields(j));
    return p.exec();
  }

  /** A fresh stream key for `fn`, deleted afterwards. */
  const withKey = <T>(fn: (key: string) => Promise<T>) => withFreshName('raw', (key) => main.del(key), fn);

  const system: BenchSystem = {
    id: envelope ? 'raw-ioredis-envelope' : 'raw-ioredis',
    description: envelope
      ? `the raw ioredis loops writing and reading Hive's envelope fields (no validation): what the envelope itself costs`
      : `ioredis ${packageVersion('ioredis')}: XADD / pipelined XADD / XREADGROUP + XACK loop`,
    highConcurrency: 64,

    publishOne: (n) =>
      withKey((key) =>
        timePublish(n, async () => {
          for (let i = 0; i < n; i++) await main.xadd(key, '*', ...fields(i));
        }),
      ),

    publishBatched: (n, batch) => withKey((key) => timePublish(n, () => inBatches(n, batch, (from, to) => pipelinedAdd(key, from, to)))),

    consume: (n, concurrency, capMs) =>
      withKey(async (key): Promise<Timed> => {
        await main.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM');
        await inBatches(n, 1000, (from, to) => pipelinedAdd(key, from, to));
        return timeConsumer(n, capMs, (hit) => loop(key, concurrency, hit));
      }),

    latency: (opts: PacedOptions) =>
      withKey(async (key): Promise<LatencyRun> => {
        await main.xgroup('CREATE', key, GROUP, '$', 'MKSTREAM');
        return measureLatency(
          opts,
          (received) => loop(key, 64, received),
          (seq, t) => main.xadd(key, '*', ...fields(seq, t)),
        );
      }),

    async requestReply(n): Promise<number[]> {
      // Requests go to one stream read by a responder group; replies to the requester's own stream,
      // read with XREAD BLOCK from where it last was. Both readers are dedicated connections.
      const reqKey = uniqueName('rawreq');
      const replyKey = uniqueName('rawreply');
      await main.xgroup('CREATE', reqKey, GROUP, '$', 'MKSTREAM');
      const responderConn = main.duplicate();
      const responder = loopUntilStopped(
        async () => {
          const reply = (await responderConn.xreadgroup('GROUP', GROUP, 'r1', 'COUNT', 16, 'BLOCK', 200, 'STREAMS', reqKey, '>')) as ReadReply;
          for (const [id, fields] of reply?.[0]?.[1] ?? []) {
            const f = fields ?? [];
            const req = JSON.parse(f[5]!) as unknown;
            await responderConn.xadd(f[3]!, '*', 'corr', f[1]!, 'data', JSON.stringify(req));
            await responderConn.xack(reqKey, GROUP, id);
          }
        },
        () => responderConn.disconnect(),
      );
      const waiter = new ReplyWaiter();
      const replyConn = main.duplicate();
      let lastId = '0'; // the reply stream is new: everything in it is ours
      const replies = loopUntilStopped(
        async () => {
          const reply = (await replyConn.xread('COUNT', 16, 'BLOCK', 200, 'STREAMS', replyKey, lastId)) as ReadReply;
          for (const [id, fields] of reply?.[0]?.[1] ?? []) {
            lastId = id;
            const f = fields ?? [];
            JSON.parse(f[3]!);
            waiter.arrived(f[1]!);
          }
        },
        () => replyConn.disconnect(),
      );
      const samples = await timeRoundTrips(n, (i) =>
        waiter.request(`r${i}`, () => main.xadd(reqKey, '*', 'corr', `r${i}`, 'replyTo', replyKey, 'data', JSON.stringify(makePayload(i))), `raw ioredis reply ${i}`),
      );
      await Promise.all([responder.stop(), replies.stop()]);
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
