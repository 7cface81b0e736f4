/**
 * NATS JetStream: a file-backed stream per run, `js.publish` (awaiting the PubAck), a durable
 * pull consumer with explicit acks and `max_ack_pending` = concurrency, and request/reply over
 * core NATS (`nc.request`), which is how NATS users do it (not persisted).
 */
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { makePayload } from '../payload.js';
import { inBatches, measureLatency, timeConsumer, timePublish, timeRoundTrips, uniqueName, within, type RunningConsumer } from './common.js';
import type { BenchSystem, LatencyRun, PacedOptions, Timed } from './types.js';

const enc = new TextEncoder();
const body = (seq: number, t = 0) => enc.encode(JSON.stringify(makePayload(seq, t)));

/** Connect, or throw a short reason (the bench then skips NATS with a note). */
export async function natsSystem(servers: string): Promise<BenchSystem> {
  const nc: NatsConnection = await connect({ servers, timeout: 1_000, reconnect: false });
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc, { timeout: 2_000 });
    js = jetstream(nc);
  } catch (err) {
    await nc.close();
    throw new Error(`NATS answers but JetStream is not enabled: ${(err as Error).message}`);
  }

  async function withStream<T>(fn: (stream: string, subject: string) => Promise<T>): Promise<T> {
    const stream = uniqueName('nats').replace(/-/g, '_');
    const subject = `${stream}.msg`;
    await jsm.streams.add({ name: stream, subjects: [subject] });
    try {
      return await fn(stream, subject);
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
    }
  }

  /** A pull consumer that hands each message to `onMessage` and acks it, until stopped. */
  async function consumer(stream: string, concurrency: number, onMessage: (data: unknown) => void): Promise<RunningConsumer> {
    const durable = 'bench';
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, max_ack_pending: concurrency });
    const c = await js.consumers.get(stream, durable);
    const messages = await c.consume({ max_messages: Math.max(concurrency, 1) });
    const done = (async () => {
      for await (const m of messages) {
        onMessage(m.json());
        m.ack();
      }
    })();
    return {
      async stop() {
        await messages.close();
        await done;
      },
    };
  }

  async function publishBatch(subject: string, from: number, to: number): Promise<void> {
    const ps = [];
    for (let j = from; j < to; j++) ps.push(js.publish(subject, body(j)));
    await Promise.all(ps);
  }

  return {
    id: 'nats',
    description: `NATS ${nc.info?.version ?? '?'} JetStream (file storage): js.publish / concurrent js.publish / pull consumer, explicit ack`,
    highConcurrency: 64,

    publishOne: (n) =>
      withStream((_s, subject) =>
        timePublish(n, async () => {
          for (let i = 0; i < n; i++) await js.publish(subject, body(i));
        }),
      ),

    publishBatched: (n, batch) => withStream((_s, subject) => timePublish(n, () => inBatches(n, batch, (from, to) => publishBatch(subject, from, to)))),

    consume: (n, concurrency, capMs) =>
      withStream(async (stream, subject): Promise<Timed> => {
        await inBatches(n, 1000, (from, to) => publishBatch(subject, from, to));
        return timeConsumer(n, capMs, (hit) => consumer(stream, concurrency, hit));
      }),

    latency: (opts: PacedOptions) =>
      withStream((stream, subject): Promise<LatencyRun> =>
        measureLatency(
          opts,
          (received) => consumer(stream, 64, received),
          (seq, t) => js.publish(subject, body(seq, t)),
        ),
      ),

    async requestReply(n): Promise<number[]> {
      const subject = `${uniqueName('natsreq')}.req`;
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return;
          msg.respond(enc.encode(JSON.stringify(msg.json())));
        },
      });
      await nc.flush();
      const samples = await timeRoundTrips(n, async (i) => {
        const reply = await within(nc.request(subject, body(i), { timeout: 5_000 }), 6_000, `NATS reply ${i}`);
        reply.json();
      });
      sub.unsubscribe();
      return samples;
    },

    async close() {
      await nc.close();
    },
  };
}
