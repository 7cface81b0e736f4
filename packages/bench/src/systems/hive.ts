/**
 * Hive on one of its drivers: `bus.publish`, `bus.publishBatch`, `bus.subscribe` with a no-op
 * handler, exactly as an agent uses them, with a real (pino) logger at "warn" so that the
 * per-message logger work is counted.
 */
import { createBus, createLogger, reply, type Bus, type DriverKind, type Subscription } from '@hive/bus';
import { makePayload, PAYLOAD_TYPE, sentAt } from '../payload.js';
import { packageVersion } from '../versions.js';
import { Countdown, LatencyRecorder, measured, paced, timeConsume, uniqueName } from './common.js';
import type { BenchSystem, LatencyRun, PacedOptions, Timed } from './types.js';

export const HIVE_PREFIX = 'bench:';
const GROUP = 'bench';

export async function hiveSystem(kind: DriverKind, url: string): Promise<BenchSystem> {
  const bus: Bus = await createBus({ url, driver: kind, prefix: HIVE_PREFIX, source: 'bench', logger: createLogger({ agent: 'bench' }, 'warn') });
  const key = (stream: string) => bus.keys.stream(stream);

  async function prefill(stream: string, n: number): Promise<void> {
    for (let i = 0; i < n; i += 1000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) batch.push({ stream, type: PAYLOAD_TYPE, data: makePayload(j) });
      await bus.publishBatch(batch);
    }
  }

  const system: BenchSystem = {
    id: kind === 'ioredis' ? 'hive-ioredis' : 'hive-node-redis',
    description: `Hive bus on ${kind} ${packageVersion(kind === 'ioredis' ? 'ioredis' : 'redis')}: publish / publishBatch / subscribe`,
    highConcurrency: 64,

    async publishOne(n): Promise<Timed> {
      const stream = uniqueName('hive');
      await measured.start();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await bus.publish(stream, PAYLOAD_TYPE, makePayload(i));
      const ms = performance.now() - t0;
      await measured.stop();
      await bus.driver.call(['DEL', key(stream)]);
      return { count: n, ms };
    },

    async publishBatched(n, batch): Promise<Timed> {
      const stream = uniqueName('hive');
      await measured.start();
      const t0 = performance.now();
      for (let i = 0; i < n; i += batch) {
        const msgs = [];
        for (let j = i; j < Math.min(n, i + batch); j++) msgs.push({ stream, type: PAYLOAD_TYPE, data: makePayload(j) });
        await bus.publishBatch(msgs);
      }
      const ms = performance.now() - t0;
      await measured.stop();
      await bus.driver.call(['DEL', key(stream)]);
      return { count: n, ms };
    },

    async consume(n, concurrency, capMs): Promise<Timed> {
      const stream = uniqueName('hive');
      await prefill(stream, n);
      const countdown = new Countdown(n);
      await measured.start();
      const t0 = performance.now();
      const sub: Subscription = bus.subscribe({ stream, group: GROUP, concurrency, startAt: 'all', handler: () => countdown.hit() });
      const r = await timeConsume(countdown, t0, capMs);
      await measured.stop();
      await sub.stop();
      await bus.driver.call(['DEL', key(stream)]);
      return r;
    },

    async latency(opts: PacedOptions): Promise<LatencyRun> {
      const stream = uniqueName('hive');
      const recorder = new LatencyRecorder();
      const sub = bus.subscribe({ stream, group: GROUP, concurrency: 64, handler: (m) => recorder.record(sentAt(m.data)) });
      await sub.ready;
      const run = await paced(opts, recorder, (seq, t) => bus.publish(stream, PAYLOAD_TYPE, makePayload(seq, t)));
      await sub.stop();
      await bus.driver.call(['DEL', key(stream)]);
      return run;
    },

    async requestReply(n): Promise<number[]> {
      // bus.request publishes with replyTo; the responder's handler returns reply(), which the bus
      // publishes to the requester's reply stream before acking the request.
      const stream = uniqueName('hivereq');
      const sub = bus.subscribe({ stream, group: GROUP, concurrency: 16, handler: (m) => reply(m, 'bench.reply', m.data) });
      await sub.ready;
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await bus.request(stream, PAYLOAD_TYPE, makePayload(i), { from: 'bench', timeoutMs: 5_000 });
        samples.push(performance.now() - t0);
      }
      await sub.stop();
      await bus.driver.call(['DEL', key(stream)]);
      return samples;
    },

    async close() {
      await bus.close();
    },
  };

  return system;
}
