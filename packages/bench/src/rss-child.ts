/**
 * Run as a child process by rss.ts: hold one subscription of the given system, push 1,000
 * messages through it (so buffers and JIT are warm), then GC and print this process's memory as
 * one JSON line on stdout. "baseline" loads nothing: the cost of Node plus the TypeScript loader.
 *
 *   node --expose-gc --conditions=@hive/source --import tsx src/rss-child.ts <system> <redisUrl> <natsUrl> <amqpUrl>
 */
import { randomBytes } from 'node:crypto';

const [system = 'baseline', redisUrl = '', natsUrl = '', amqpUrl = ''] = process.argv.slice(2);
const N = 1_000;
const name = `bench-rss-${randomBytes(4).toString('hex')}`;
const payload = (i: number) => ({
  chat: '491701234567@c.us',
  from: '491701234567@c.us',
  name: 'Kami test sender',
  kind: 'text',
  text: 'Had porridge with banana and a flat white for breakfast, then a chicken salad at 1pm; log it all please, thanks',
  lang: 'en',
  tags: ['inbound', 'whatsapp', 'simulator'],
  seq: i,
  t: 0,
});

function countdown(n: number) {
  let count = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { done, hit: () => void (++count === n && resolve()) };
}

async function measure(): Promise<{ rss: number; heapUsed: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

/** Once all N messages were handled, measure with the subscription still held, then tear it down. */
async function measureHeld(c: ReturnType<typeof countdown>, teardown: () => Promise<unknown>): Promise<{ rss: number; heapUsed: number }> {
  await c.done;
  const m = await measure();
  await teardown();
  return m;
}

/** Hold the subscription, measure, then tear it down; returns the figures. */
async function run(): Promise<{ rss: number; heapUsed: number }> {
  switch (system) {
    case 'baseline':
      return measure();
    case 'hive-ioredis':
    case 'hive-node-redis': {
      const { createBus, createLogger } = await import('@hive/bus');
      const bus = await createBus({ url: redisUrl, driver: system === 'hive-ioredis' ? 'ioredis' : 'node-redis', prefix: 'benchrss:', source: 'bench', logger: createLogger({}, 'warn') });
      const c = countdown(N);
      const sub = bus.subscribe({ stream: name, group: 'g', concurrency: 64, handler: () => c.hit() });
      await sub.ready;
      await bus.publishBatch(Array.from({ length: N }, (_, i) => ({ stream: name, type: 'bench.message', data: payload(i) })));
      return measureHeld(c, async () => {
        await bus.driver.call(['DEL', bus.keys.stream(name)]);
        await bus.close();
      });
    }
    case 'raw-ioredis': {
      const { Redis } = await import('ioredis');
      const main = new Redis(redisUrl);
      const reader = main.duplicate();
      await main.xgroup('CREATE', name, 'g', '$', 'MKSTREAM');
      const c = countdown(N);
      // Loaded here, not at the top: "baseline" loads nothing.
      const { loopUntilStopped } = await import('./systems/common.js');
      const loop = loopUntilStopped(
        async () => {
          const r = (await reader.xreadgroup('GROUP', 'g', 'c', 'COUNT', 64, 'BLOCK', 100, 'STREAMS', name, '>')) as [string, [string, string[]][]][] | null;
          const entries = r?.[0]?.[1] ?? [];
          for (const [, f] of entries) {
            JSON.parse(f[1]!);
            c.hit();
          }
          if (entries.length) await reader.xack(name, 'g', ...entries.map((e) => e[0]));
        },
        () => reader.disconnect(),
      );
      const p = main.pipeline();
      for (let i = 0; i < N; i++) p.xadd(name, '*', 'data', JSON.stringify(payload(i)));
      await p.exec();
      return measureHeld(c, async () => {
        await loop.stop();
        await main.del(name);
        main.disconnect();
      });
    }
    case 'raw-node-redis': {
      const { createClient } = await import('redis');
      const main = createClient({ url: redisUrl });
      await main.connect();
      const reader = main.duplicate();
      await reader.connect();
      await main.xGroupCreate(name, 'g', '$', { MKSTREAM: true });
      const c = countdown(N);
      const { loopUntilStopped } = await import('./systems/common.js');
      const loop = loopUntilStopped(
        async () => {
          const r = await reader.xReadGroup('g', 'c', { key: name, id: '>' }, { COUNT: 64, BLOCK: 100 });
          const ids: string[] = [];
          for (const msg of r?.[0]?.messages ?? []) {
            if (!msg) continue;
            JSON.parse(msg.message.data as string);
            ids.push(msg.id);
            c.hit();
          }
          if (ids.length) await reader.xAck(name, 'g', ids);
        },
        () => reader.destroy(),
      );
      await Promise.all(Array.from({ length: N }, (_, i) => main.xAdd(name, '*', { data: JSON.stringify(payload(i)) })));
      return measureHeld(c, async () => {
        await loop.stop();
        await main.del(name);
        main.destroy();
      });
    }
    case 'bullmq': {
      const { Queue, Worker } = await import('bullmq');
      const u = new URL(redisUrl);
      const connection = { host: u.hostname, port: Number(u.port) };
      const queue = new Queue(name, { connection, prefix: 'benchrss' });
      const c = countdown(N);
      const worker = new Worker(name, async (job) => void (JSON.stringify(job.data), c.hit()), { connection, prefix: 'benchrss', concurrency: 50 });
      await queue.addBulk(Array.from({ length: N }, (_, i) => ({ name: 'msg', data: payload(i), opts: { removeOnComplete: true } })));
      return measureHeld(c, async () => {
        await worker.close();
        await queue.obliterate({ force: true });
        await queue.close();
      });
    }
    case 'nats': {
      const { connect } = await import('@nats-io/transport-node');
      const { AckPolicy, jetstream, jetstreamManager } = await import('@nats-io/jetstream');
      const nc = await connect({ servers: natsUrl, timeout: 1_000 });
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const stream = name.replace(/-/g, '_');
      await jsm.streams.add({ name: stream, subjects: [`${stream}.msg`] });
      await jsm.consumers.add(stream, { durable_name: 'g', ack_policy: AckPolicy.Explicit, max_ack_pending: 64 });
      const msgs = await (await js.consumers.get(stream, 'g')).consume({ max_messages: 64 });
      const c = countdown(N);
      const loop = (async () => {
        for await (const msg of msgs) {
          msg.json();
          msg.ack();
          c.hit();
        }
      })();
      const enc = new TextEncoder();
      await Promise.all(Array.from({ length: N }, (_, i) => js.publish(`${stream}.msg`, enc.encode(JSON.stringify(payload(i))))));
      return measureHeld(c, async () => {
        await msgs.close();
        await loop;
        await jsm.streams.delete(stream);
        await nc.close();
      });
    }
    case 'rabbitmq': {
      const amqp = await import('amqplib');
      const conn = await amqp.connect(amqpUrl, { timeout: 1_000, noDelay: true });
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue(name, { durable: true });
      await ch.prefetch(64);
      const c = countdown(N);
      await ch.consume(name, (msg) => {
        if (!msg) return;
        JSON.parse(msg.content.toString());
        ch.ack(msg);
        c.hit();
      });
      for (let i = 0; i < N; i++) ch.sendToQueue(name, Buffer.from(JSON.stringify(payload(i))), { persistent: true });
      await ch.waitForConfirms();
      return measureHeld(c, async () => {
        await ch.deleteQueue(name);
        await conn.close();
      });
    }
    default:
      throw new Error(`unknown system "${system}"`);
  }
}

run().then(
  (m) => {
    process.stdout.write(`${JSON.stringify(m)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
