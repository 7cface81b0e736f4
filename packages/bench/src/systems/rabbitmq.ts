/**
 * RabbitMQ: a durable classic queue per run, persistent messages on a confirm channel (publish
 * one = wait for its confirm; batch = publish then `waitForConfirms`), a consumer with
 * `prefetch` = concurrency and manual acks on its own connection, and request/reply with
 * direct reply-to (`amq.rabbitmq.reply-to`).
 */
import * as amqp from 'amqplib';
import { makePayload, sentAt } from '../payload.js';
import { packageVersion } from '../versions.js';
import { Countdown, LatencyRecorder, measured, paced, timeConsume, uniqueName, within } from './common.js';
import type { BenchSystem, LatencyRun, PacedOptions, Timed } from './types.js';

const body = (seq: number, t = 0) => Buffer.from(JSON.stringify(makePayload(seq, t)));
const PERSISTENT = { persistent: true } as const;

export async function rabbitmqSystem(url: string): Promise<BenchSystem> {
  // TCP_NODELAY as any latency-minded amqplib user sets it (off by default: 40 ms round trips with Nagle).
  const connectOnce = () => amqp.connect(url, { timeout: 1_000, noDelay: true });
  const pubConn = await connectOnce();
  pubConn.on('error', () => undefined);
  const subConn = await connectOnce();
  subConn.on('error', () => undefined);
  const pub = await pubConn.createConfirmChannel();
  const version = String(pubConn.connection.serverProperties.version ?? '?');

  const confirmed = (queue: string, content: Buffer) =>
    new Promise<void>((resolve, reject) => {
      pub.sendToQueue(queue, content, PERSISTENT, (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
    });

  async function withQueue<T>(fn: (queue: string) => Promise<T>): Promise<T> {
    const queue = uniqueName('rmq');
    await pub.assertQueue(queue, { durable: true });
    try {
      return await fn(queue);
    } finally {
      await pub.deleteQueue(queue).catch(() => undefined);
    }
  }

  async function publishBatch(queue: string, from: number, to: number): Promise<void> {
    for (let j = from; j < to; j++) pub.sendToQueue(queue, body(j), PERSISTENT);
    await pub.waitForConfirms();
  }

  /** A consumer with prefetch = concurrency and manual acks, on its own channel, until stopped. */
  async function consumer(queue: string, concurrency: number, onMessage: (data: unknown) => void) {
    const ch = await subConn.createChannel();
    await ch.prefetch(concurrency);
    const { consumerTag } = await ch.consume(queue, (msg) => {
      if (!msg) return;
      onMessage(JSON.parse(msg.content.toString()));
      ch.ack(msg);
    });
    return {
      async stop() {
        await ch.cancel(consumerTag);
        await ch.close();
      },
    };
  }

  return {
    id: 'rabbitmq',
    description: `RabbitMQ ${version} (amqplib ${packageVersion('amqplib')}): durable queue, persistent messages, publisher confirms, prefetch + manual ack`,
    highConcurrency: 64,

    publishOne: (n) =>
      withQueue(async (queue): Promise<Timed> => {
        await measured.start();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await confirmed(queue, body(i));
        const ms = performance.now() - t0;
        await measured.stop();
        return { count: n, ms };
      }),

    publishBatched: (n, batch) =>
      withQueue(async (queue): Promise<Timed> => {
        await measured.start();
        const t0 = performance.now();
        for (let i = 0; i < n; i += batch) await publishBatch(queue, i, Math.min(n, i + batch));
        const ms = performance.now() - t0;
        await measured.stop();
        return { count: n, ms };
      }),

    consume: (n, concurrency, capMs) =>
      withQueue(async (queue): Promise<Timed> => {
        for (let i = 0; i < n; i += 1000) await publishBatch(queue, i, Math.min(n, i + 1000));
        const countdown = new Countdown(n);
        await measured.start();
        const t0 = performance.now();
        const c = await consumer(queue, concurrency, () => countdown.hit());
        const r = await timeConsume(countdown, t0, capMs);
        await measured.stop();
        await c.stop();
        return r;
      }),

    latency: (opts: PacedOptions) =>
      withQueue(async (queue): Promise<LatencyRun> => {
        const recorder = new LatencyRecorder();
        const c = await consumer(queue, 64, (data) => recorder.record(sentAt(data)));
        const run = await paced(opts, recorder, (seq, t) => confirmed(queue, body(seq, t)));
        await c.stop();
        return run;
      }),

    async requestReply(n): Promise<number[]> {
      const queue = uniqueName('rmqreq');
      const server = await subConn.createChannel();
      await server.assertQueue(queue, { durable: false, autoDelete: true });
      await server.consume(queue, (msg) => {
        if (!msg) return;
        const req = JSON.parse(msg.content.toString()) as unknown;
        server.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify(req)), { correlationId: msg.properties.correlationId as string });
        server.ack(msg);
      });
      const client = await pubConn.createChannel();
      const waiting = new Map<string, () => void>();
      await client.consume(
        'amq.rabbitmq.reply-to',
        (msg) => {
          if (!msg) return;
          JSON.parse(msg.content.toString());
          waiting.get(msg.properties.correlationId as string)?.();
        },
        { noAck: true },
      );
      const samples: number[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const corr = `r${i}`;
          const t0 = performance.now();
          const got = new Promise<void>((resolve) => waiting.set(corr, resolve));
          client.sendToQueue(queue, body(i), { replyTo: 'amq.rabbitmq.reply-to', correlationId: corr });
          await within(got, 5_000, `RabbitMQ reply ${i}`);
          waiting.delete(corr);
          samples.push(performance.now() - t0);
        }
      } finally {
        await client.close();
        await server.deleteQueue(queue).catch(() => undefined);
        await server.close();
      }
      return samples;
    },

    async close() {
      await pub.close().catch(() => undefined);
      await pubConn.close().catch(() => undefined);
      await subConn.close().catch(() => undefined);
    },
  };
}
