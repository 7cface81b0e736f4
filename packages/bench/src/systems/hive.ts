/**
 * Hive on one of its drivers: `bus.publish`, `bus.publishBatch`, `bus.subscribe` with a no-op
 * handler, exactly as an agent uses them, with a real (pino) logger at "warn" so that the
 * per-message logger work is counted.
 */
import { createBus, createLogger, reply, type Bus, type DriverKind } from '@hive/bus';
import { makePayload, PAYLOAD_TYPE } from '../payload.js';
import { packageVersion } from '../versions.js';
import { inBatches, measureLatency, timeConsumer, timePublish, timeRoundTrips, withFreshName } from './common.js';
import type { BenchSystem, LatencyRun, PacedOptions, Timed } from './types.js';

export const HIVE_PREFIX = 'bench:';
const GROUP = 'bench';

export async function hiveSystem(kind: DriverKind, url: string): Promise<BenchSystem> {
  const bus: Bus = await createBus({ url, driver: kind, prefix: HIVE_PREFIX, source: 'bench', logger: createLogger({ agent: 'bench' }, 'warn') });

  async function publishBatch(stream: string, from: number, to: number): Promise<unknown> {
    const batch = [];
    for (let j = from; j < to; j++) batch.push({ stream, type: PAYLOAD_TYPE, data: makePayload(j) });
    return bus.publishBatch(batch);
  }

  /** A fresh stream for `fn`, deleted afterwards. */
  const withStream = <T>(fn: (stream: string) => Promise<T>) => withFreshName('hive', (stream) => bus.driver.call(['DEL', bus.keys.stream(stream)]), fn);

  const system: BenchSystem = {
    id: kind === 'ioredis' ? 'hive-ioredis' : 'hive-node-redis',
    description: `Hive bus on ${kind} ${packageVersion(kind === 'ioredis' ? 'ioredis' : 'redis')}: publish / publishBatch / subscribe`,
    highConcurrency: 64,

    publishOne: (n) =>
      withStream((stream) =>
        timePublish(n, async () => {
          for (let i = 0; i < n; i++) await bus.publish(stream, PAYLOAD_TYPE, makePayload(i));
        }),
      ),

    publishBatched: (n, batch) => withStream((stream) => timePublish(n, () => inBatches(n, batch, (from, to) => publishBatch(stream, from, to)))),

    consume: (n, concurrency, capMs) =>
      withStream(async (stream): Promise<Timed> => {
        await inBatches(n, 1000, (from, to) => publishBatch(stream, from, to));
        return timeConsumer(n, capMs, (hit) => bus.subscribe({ stream, group: GROUP, concurrency, startAt: 'all', handler: () => hit() }));
      }),

    latency: (opts: PacedOptions) =>
      withStream((stream): Promise<LatencyRun> =>
        measureLatency(
          opts,
          async (received) => {
            const sub = bus.subscribe({ stream, group: GROUP, concurrency: 64, handler: (m) => received(m.data) });
            await sub.ready;
            return sub;
          },
          (seq, t) => bus.publish(stream, PAYLOAD_TYPE, makePayload(seq, t)),
        ),
      ),

    requestReply: (n) =>
      withStream(async (stream): Promise<number[]> => {
        // bus.request publishes with replyTo; the responder's handler returns reply(), which the bus
        // publishes to the requester's reply stream before acking the request.
        const sub = bus.subscribe({ stream, group: GROUP, concurrency: 16, handler: (m) => reply(m, 'bench.reply', m.data) });
        await sub.ready;
        const samples = await timeRoundTrips(n, (i) => bus.request(stream, PAYLOAD_TYPE, makePayload(i), { from: 'bench', timeoutMs: 5_000 }));
        await sub.stop();
        return samples;
      }),

    async close() {
      await bus.close();
    },
  };

  return system;
}
