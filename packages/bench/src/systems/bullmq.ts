/**
 * BullMQ: Queue.add / Queue.addBulk, a Worker with a no-op processor, and request/reply as
 * BullMQ users do it (add a job, `job.waitUntilFinished(queueEvents)`). Jobs are removed on
 * completion, as production setups configure it.
 */
import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { makePayload } from '../payload.js';
import { packageVersion } from '../versions.js';
import { Countdown, inBatches, measured, measureLatency, timeConsume, timePublish, timeRoundTrips, uniqueName, within } from './common.js';
import type { BenchSystem, LatencyRun, PacedOptions, Timed } from './types.js';

export const BULLMQ_PREFIX = 'benchbull';
const JOB_OPTS = { removeOnComplete: true, removeOnFail: true } as const;

export async function bullmqSystem(url: string): Promise<BenchSystem> {
  const u = new URL(url);
  const connection: ConnectionOptions = { host: u.hostname, port: Number(u.port) };

  async function withQueue<T>(fn: (queue: Queue, name: string) => Promise<T>): Promise<T> {
    const name = uniqueName('bull');
    const queue = new Queue(name, { connection, prefix: BULLMQ_PREFIX, defaultJobOptions: JOB_OPTS });
    await queue.waitUntilReady();
    try {
      return await fn(queue, name);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }

  async function addBulk(queue: Queue, from: number, to: number): Promise<unknown> {
    const jobs = [];
    for (let j = from; j < to; j++) jobs.push({ name: 'msg', data: makePayload(j) });
    return queue.addBulk(jobs);
  }

  return {
    id: 'bullmq',
    description: `BullMQ ${packageVersion('bullmq')}: Queue.add / Queue.addBulk / Worker (removeOnComplete)`,
    highConcurrency: 50,

    publishOne: (n) =>
      withQueue((queue) =>
        timePublish(n, async () => {
          for (let i = 0; i < n; i++) await queue.add('msg', makePayload(i));
        }),
      ),

    publishBatched: (n, batch) => withQueue((queue) => timePublish(n, () => inBatches(n, batch, (from, to) => addBulk(queue, from, to)))),

    consume: (n, concurrency, capMs) =>
      withQueue(async (queue, name): Promise<Timed> => {
        await inBatches(n, 1000, (from, to) => addBulk(queue, from, to));
        // The worker connects before the clock starts and runs from its start (autorun: false).
        const countdown = new Countdown(n);
        const worker = new Worker(name, async () => countdown.hit(), { connection, prefix: BULLMQ_PREFIX, concurrency, autorun: false });
        worker.on('error', () => undefined);
        await worker.waitUntilReady();
        await measured.start();
        const t0 = performance.now();
        void worker.run();
        const r = await timeConsume(countdown, t0, capMs);
        await measured.stop();
        await worker.close();
        return r;
      }),

    latency: (opts: PacedOptions) =>
      withQueue((queue, name): Promise<LatencyRun> =>
        measureLatency(
          opts,
          async (received) => {
            const worker = new Worker(name, async (job) => received(job.data), { connection, prefix: BULLMQ_PREFIX, concurrency: 50 });
            worker.on('error', () => undefined);
            await worker.waitUntilReady();
            return { stop: () => worker.close() };
          },
          (seq, t) => queue.add('msg', makePayload(seq, t)),
        ),
      ),

    requestReply: (n) =>
      withQueue(async (queue, name): Promise<number[]> => {
        const events = new QueueEvents(name, { connection, prefix: BULLMQ_PREFIX });
        const worker = new Worker(name, async (job) => job.data as unknown, { connection, prefix: BULLMQ_PREFIX, concurrency: 16 });
        worker.on('error', () => undefined);
        await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
        try {
          return await timeRoundTrips(n, async (i) => {
            // Completed jobs must be kept long enough for waitUntilFinished to read the result.
            const job = await queue.add('req', makePayload(i), { removeOnComplete: 1000 });
            await within(job.waitUntilFinished(events, 5_000), 6_000, `BullMQ reply ${i}`);
          });
        } finally {
          await worker.close();
          await events.close();
        }
      }),

    async close() {
      // every queue is closed by withQueue
    },
  };
}
