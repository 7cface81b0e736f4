/**
 * RabbitMQ: a durable classic queue per run, persistent messages on a confirm channel (publish
 * one = wait for its confirm; batch = publish then `waitForConfirms`), a consumer with
 * `prefetch` = concurrency and manual acks on its own connection, and request/reply with
 * direct reply-to (`amq.rabbitmq.reply-to`).
 */
import * as amqp from 'amqplib';
import { makePayload } from '../payload.js';
import { packageVersion } from '../versions.js';
import { inBatches, measureLatency, ReplyWaiter, timeConsumer, timePublish, timeRoundTrips, uniqueName, type RunningConsumer } from './common.js';
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
  async function consumer(queue: string, concurrency: number, onMessage: (data: unknown) => void): Promise<RunningConsumer> {
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
      withQueue((queue) =>
        timePublish(n, async () => {
          for (let i = 0; i < n; i++) await confirmed(queue, body(i));
        }),
      ),

    publishBatched: (n, batch) => withQueue((queue) => timePublish(n, () => inBatches(n, batch, (from, to) => publishBatch(queue, from, to)))),

    consume: (n, concurrency, capMs) =>
      withQueue(async (queue): Promise<Timed> => {
        await inBatches(n, 1000, (from, to) => publishBatch(queue, from, to));
        return timeConsumer(n, capMs, (hit) => consumer(queue, concurrency, hit));
      }),

    latency: (opts: PacedOptions) =>
      withQueue((queue): Promise<LatencyRun> =>
        measureLatency(
          opts,
          (received) => consumer(queue, 64, received),
          (seq, t) => confirmed(queue, body(seq, t)),
        ),
      ),

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
      const waiter = new ReplyWaiter();
      await client.consume(
        'amq.rabbitmq.reply-to',
        (msg) => {
          if (!msg) return;
          JSON.parse(msg.content.toString());
          waiter.arrived(msg.properties.correlationId as string);
        },
        { noAck: true },
      );
      try {
        return await timeRoundTrips(n, (i) =>
          waiter.request(`r${i}`, () => client.sendToQueue(queue, body(i), { replyTo: 'amq.rabbitmq.reply-to', correlationId: `r${i}` }), `RabbitMQ reply ${i}`),
        );
      } finally {
        await client.close();
        await server.deleteQueue(queue).catch(() => undefined);
        await server.close();
      }
    },

    async close() {
      await pub.close().catch(() => undefined);
      await pubConn.close().catch(() => undefined);
      await subConn.close().catch(() => undefined);
    },
  };
}
