/**
 * BullMQ: Queue.add / Queue.addBulk, a Worker with a no-op processor, and request/reply as
 * BullMQ users do it (add a job, `job.waitUntilFinished(queueEvents)`). Jobs are removed on
 * completion, as production setups configure it.
 */
import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { makePayload, sentAt } from '../payload.js';
import { packageVersion } from '../versions.js';
import { Countdown, LatencyRecorder, measured, paced, timeConsume, uniqueName, within } from './common.js';
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

  async function prefill(queue: Queue, n: number): Promise<void> {
    for (let i = 0; i < n; i += 1000) {
      const jobs = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) jobs.push({ name: 'msg', data: makePayload(j) });
      await queue.addBulk(jobs);
    }
  }

  return {
    id: 'bullmq',
    description: `BullMQ ${packageVersion('bullmq')}: Queue.add / Queue.addBulk / Worker (removeOnComplete)`,
    highConcurrency: 50,

    publishOne: (n) =>
      withQueue(async (queue): Promise<Timed> => {
        await measured.start();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await queue.add('msg', makePayload(i));
        const ms = performance.now() - t0;
        await measured.stop();
        return { count: n, ms };
      }),

    publishBatched: (n, batch) =>
      withQueue(async (queue): Promise<Timed> => {
        await measured.start();
        const t0 = performance.now();
        for (let i = 0; i < n; i += batch) {
          const jobs = [];
          for (let j = i; j < Math.min(n, i + batch); j++) jobs.push({ name: 'msg', data: makePayload(j) });
          await queue.addBulk(jobs);
        }
        const ms = performance.now() - t0;
        await measured.stop();
        return { count: n, ms };
      }),

    consume: (n, concurrency, capMs) =>
      withQueue(async (queue, name): Promise<Timed> => {
        await prefill(queue, n);
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
      withQueue(async (queue, name): Promise<LatencyRun> => {
        const recorder = new LatencyRecorder();
        const worker = new Worker(name, async (job) => recorder.record(sentAt(job.data)), { connection, prefix: BULLMQ_PREFIX, concurrency: 50 });
        worker.on('error', () => undefined);
        await worker.waitUntilReady();
        const run = await paced(opts, recorder, (seq, t) => queue.add('msg', makePayload(seq, t)));
        await worker.close();
        return run;
      }),

    requestReply: (n) =>
      withQueue(async (queue, name): Promise<number[]> => {
        const events = new QueueEvents(name, { connection, prefix: BULLMQ_PREFIX });
        const worker = new Worker(name, async (job) => job.data as unknown, { connection, prefix: BULLMQ_PREFIX, concurrency: 16 });
        worker.on('error', () => undefined);
        await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
        const samples: number[] = [];
        try {
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            // Completed jobs must be kept long enough for waitUntilFinished to read the result.
            const job = await queue.add('req', makePayload(i), { removeOnComplete: 1000 });
            await within(job.waitUntilFinished(events, 5_000), 6_000, `BullMQ reply ${i}`);
            samples.push(performance.now() - t0);
          }
        } finally {
          await worker.close();
          await events.close();
        }
        return samples;
      }),

    async close() {
      // every queue is closed by withQueue
    },
  };
}
