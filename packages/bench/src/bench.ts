/**
 * One bench run: start (or use) a Redis, set up every system that answers, run each case for
 * every system in the same way, interleaving systems run by run so that noise on a shared machine
 * falls on all of them alike, and return the figures. `main.ts` prints them; the smoke test calls
 * this with tiny sizes.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { Redis } from 'ioredis';
import { measureMemory, type MemoryResult } from './memory.js';
import { payloadBytes } from './payload.js';
import { runNetworkBench, type NetworkResult } from './network.js';
import { measureRss, type RssRow } from './rss.js';
import type { BenchSizes } from './sizes.js';
import { median, summarize, type LatencySummary } from './stats.js';
import { measured, within } from './systems/common.js';
import { systemFactories } from './systems/factories.js';
import { SYSTEM_IDS, type BenchSystem, type Skipped, type SystemId } from './systems/types.js';

export const CASES = ['publish-one', 'publish-batch', 'consume-c1', 'consume-c64', 'latency', 'request-reply', 'memory', 'rss', 'network'] as const;
export type CaseId = (typeof CASES)[number];
/** Run unless `only` names cases: every case but the network's (it starts every agent twice; the full `npm run bench` and `--network` ask for it). */
export const DEFAULT_CASES: readonly CaseId[] = CASES.filter((c) => c !== 'network');

export interface BenchOptions {
  readonly sizes: BenchSizes;
  readonly mode: string;
  /** Use this Redis instead of starting one (the smoke test passes its own). */
  readonly redisUrl?: string;
  /** NATS server, or false to leave NATS out. @defaultValue env BENCH_NATS_URL or 127.0.0.1:4222 */
  readonly natsUrl?: string | false;
  /** RabbitMQ URL, or false to leave it out. @defaultValue env BENCH_AMQP_URL or amqp://guest:guest@127.0.0.1:5672 */
  readonly amqpUrl?: string | false;
  readonly only?: readonly CaseId[];
  readonly systems?: readonly SystemId[];
  /** Progress lines (stderr in main.ts). */
  readonly progress?: (line: string) => void;
}

export interface ThroughputResult {
  readonly case: 'publish-one' | 'publish-batch' | 'consume-c1' | 'consume-c64';
  readonly system: SystemId;
  readonly concurrency?: number;
  /** msg/s of each run, in run order. */
  readonly runs: number[];
  readonly median: number;
  /** Some run hit its time cap before handling every message (the rate is over what it did handle). */
  readonly capped: boolean;
  /** CPU time of this (the client) process per message during the measured part, median over runs. */
  readonly clientCpuUsPerMsg: number;
  /** redis-server CPU time per message (INFO cpu), median over runs; only for systems on Redis. */
  readonly redisCpuUsPerMsg?: number;
}

export interface LatencyResult extends LatencySummary {
  readonly system: SystemId;
  readonly rate: number;
  /** Messages handled per second in the measured window. */
  readonly achievedRate: number;
  readonly sent: number;
  readonly lost: number;
}

export interface RequestReplyResult extends LatencySummary {
  readonly system: SystemId;
  readonly perSecond: number;
  readonly note?: string;
}

export interface BenchResults {
  readonly meta: {
    readonly date: string;
    readonly mode: string;
    readonly nproc: number;
    readonly cpu: string;
    readonly node: string;
    readonly redis: string;
    readonly redisConfig: string;
    /** 1/5/15-minute load averages when the run started and when it ended. */
    readonly loadavgStart: number[];
    readonly loadavg: number[];
    readonly payloadBytes: number;
    readonly sizes: BenchSizes;
    readonly systems: Partial<Record<SystemId, string>>;
    readonly elapsedS: number;
  };
  readonly skipped: Skipped[];
  readonly errors: string[];
  readonly notes: string[];
  readonly throughput: ThroughputResult[];
  readonly latency: LatencyResult[];
  readonly requestReply: RequestReplyResult[];
  readonly memory: MemoryResult | undefined;
  readonly rss: RssRow[];
  readonly network: NetworkResult[];
}

const DEFAULT_NATS = process.env.BENCH_NATS_URL ?? '127.0.0.1:4222';
const DEFAULT_AMQP = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Systems whose work is done by the bench's redis-server (its CPU per message is reported). */
const ON_REDIS = new Set<SystemId>(['raw-ioredis', 'raw-ioredis-envelope', 'raw-node-redis', 'hive-ioredis', 'hive-node-redis', 'bullmq']);

/** How each system does request/reply, for the report. */
const REQUEST_REPLY_HOW: Partial<Record<SystemId, string>> = {
  'raw-ioredis': 'XADD to a request stream, reply XADDed to the requester\'s stream, read with XREAD BLOCK',
  'raw-node-redis': 'XADD to a request stream, reply XADDed to the requester\'s stream, read with XREAD BLOCK',
  'hive-ioredis': 'bus.request + a handler returning reply()',
  'hive-node-redis': 'bus.request + a handler returning reply()',
  bullmq: 'queue.add + job.waitUntilFinished (QueueEvents)',
  nats: 'core NATS nc.request (not JetStream: not persisted)',
  rabbitmq: 'direct reply-to (amq.rabbitmq.reply-to)',
};

/** Rotate `list` by `by` places, so that each run starts with a different system. */
function rotate<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** Run the bench; never throws for one system's failure (it goes to `errors`). */
export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const started = performance.now();
  const loadavgStart = loadavg();
  const log = opts.progress ?? (() => undefined);
  const only = new Set<CaseId>(opts.only ?? DEFAULT_CASES);
  const want = new Set<SystemId>(opts.systems ?? SYSTEM_IDS);
  const sizes = opts.sizes;
  const errors: string[] = [];
  const notes: string[] = [];
  const skipped: Skipped[] = [];

  let server: RedisServer | undefined;
  let url = opts.redisUrl;
  if (!url) {
    log('starting redis-server (AOF on, appendfsync everysec) …');
    server = await startRedis({ aof: true, appendfsync: 'everysec' });
    url = server.url;
  }
  const admin = new Redis(url);
  const info = String(await admin.call('INFO', 'server'));
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  const aof = (await admin.config('GET', 'appendonly')) as string[];
  const fsync = (await admin.config('GET', 'appendfsync')) as string[];
  const redisConfig = `appendonly ${aof[1]}, appendfsync ${fsync[1]}`;

  const natsUrl = opts.natsUrl === undefined ? DEFAULT_NATS : opts.natsUrl;
  const amqpUrl = opts.amqpUrl === undefined ? DEFAULT_AMQP : opts.amqpUrl;
  const factories = systemFactories({ redis: url, nats: natsUrl, amqp: amqpUrl });
  const systems: BenchSystem[] = [];
  for (const [id, make] of factories) {
    if (!want.has(id)) continue;
    try {
      systems.push(await within(make(), 5_000, `${id} to connect`));
    } catch (err) {
      const reason = (err as Error).message || String(err);
      skipped.push({ id, reason });
      log(`skipping ${id}: ${reason}`);
    }
  }
  const descriptions: Partial<Record<SystemId, string>> = {};
  for (const s of systems) descriptions[s.id] = s.description;

  /** Run one measurement with a generous timeout; a failure is recorded and yields undefined. */
  async function attempt<T>(what: string, fn: () => Promise<T>, timeoutMs: number): Promise<T | undefined> {
    try {
      return await within(fn(), timeoutMs, what);
    } catch (err) {
      const msg = `${what}: ${(err as Error).message || String(err)}`;
      errors.push(msg);
      log(`ERROR ${msg}`);
      return undefined;
    }
  }

  // CPU per message of the measured part only: the systems call measured.start/stop around it.
  // On a shared, noisy machine it moves much less than msg/s does.
  const redisCpuSeconds = async () => {
    const cpuInfo = String(await admin.call('INFO', 'cpu'));
    return Number(/used_cpu_user:([\d.]+)/.exec(cpuInfo)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(cpuInfo)?.[1] ?? 0);
  };
  const last: { cpu: { clientUs: number; redisUs: number } | undefined } = { cpu: undefined };
  let cpuStart = { client: process.cpuUsage(), redis: 0 };
  measured.start = async () => {
    last.cpu = undefined;
    cpuStart = { redis: await redisCpuSeconds(), client: process.cpuUsage() };
  };
  measured.stop = async () => {
    const c = process.cpuUsage(cpuStart.client);
    last.cpu = { clientUs: c.user + c.system, redisUs: ((await redisCpuSeconds()) - cpuStart.redis) * 1e6 };
  };

  const throughput: ThroughputResult[] = [];
  const throughputCase = async (
    id: ThroughputResult['case'],
    label: string,
    run: (s: BenchSystem) => Promise<{ count: number; ms: number; capped?: boolean }>,
    concurrencyOf?: (s: BenchSystem) => number,
  ) => {
    if (!only.has(id)) return;
    const runs = new Map<SystemId, { rates: number[]; client: number[]; redis: number[]; capped: boolean }>(
      systems.map((s) => [s.id, { rates: [], client: [], redis: [], capped: false }]),
    );
    for (let r = 0; r < sizes.runs; r++) {
      for (const s of rotate(systems, r)) {
        const began = performance.now();
        const t = await attempt(`${id} ${s.id} run ${r + 1}`, () => run(s), sizes.consumeCapMs + 60_000);
        if (process.env.BENCH_VERBOSE) log(`  ${s.id}: ${Math.round(performance.now() - began)} ms with set-up`);
        if (!t) continue;
        const entry = runs.get(s.id)!;
        entry.rates.push((t.count / t.ms) * 1000);
        const cpu = last.cpu;
        if (cpu) {
          entry.client.push(cpu.clientUs / t.count);
          entry.redis.push(cpu.redisUs / t.count);
        }
        entry.capped ||= t.capped === true;
      }
      log(`${label}: run ${r + 1}/${sizes.runs} done`);
    }
    for (const s of systems) {
      const e = runs.get(s.id)!;
      if (e.rates.length === 0) continue;
      throughput.push({
        case: id,
        system: s.id,
        ...(concurrencyOf ? { concurrency: concurrencyOf(s) } : {}),
        runs: e.rates,
        median: median(e.rates),
        capped: e.capped,
        clientCpuUsPerMsg: median(e.client),
        ...(ON_REDIS.has(s.id) ? { redisCpuUsPerMsg: median(e.redis) } : {}),
      });
    }
  };

  await throughputCase('publish-one', 'publish one at a time', (s) => s.publishOne(sizes.publishOne));
  await throughputCase('publish-batch', `publish in batches of ${sizes.batchSize}`, (s) => s.publishBatched(sizes.publishBatched, sizes.batchSize));
  await throughputCase('consume-c1', 'consume + ack, concurrency 1', (s) => s.consume(sizes.consume, 1, sizes.consumeCapMs), () => 1);
  await throughputCase(
    'consume-c64',
    'consume + ack, concurrency 64 (BullMQ 50)',
    (s) => s.consume(sizes.consume, s.highConcurrency, sizes.consumeCapMs),
    (s) => s.highConcurrency,
  );

  const latency: LatencyResult[] = [];
  if (only.has('latency')) {
    // Each system's window is cut into slices, interleaved with the other systems' slices, so that
    // a burst of load from elsewhere on the machine lands on several systems rather than one.
    const sliceMs = Math.max(50, Math.round(sizes.latencyMs / sizes.latencySlices));
    for (const [i, rate] of sizes.rates.entries()) {
      const acc = new Map<SystemId, { samples: number[]; sent: number; received: number; windowMs: number }>();
      for (let k = 0; k < sizes.latencySlices; k++) {
        for (const s of rotate(systems, i + k)) {
          const warmupMs = k === 0 ? sizes.latencyWarmupMs : Math.min(100, sizes.latencyWarmupMs);
          const run = await attempt(`latency ${s.id} @${rate}/s slice ${k + 1}`, () => s.latency({ rate, durationMs: sliceMs, warmupMs }), sliceMs + 60_000);
          if (!run) continue;
          const a = acc.get(s.id) ?? { samples: [], sent: 0, received: 0, windowMs: 0 };
          for (const x of run.samples) a.samples.push(x);
          a.sent += run.sent;
          a.received += run.received;
          a.windowMs += run.windowMs;
          acc.set(s.id, a);
        }
      }
      for (const s of systems) {
        const a = acc.get(s.id);
        if (!a) continue;
        latency.push({ system: s.id, rate, ...summarize(a.samples), achievedRate: (a.received / a.windowMs) * 1000, sent: a.sent, lost: a.sent - a.received });
      }
      log(`end-to-end latency at ${rate} msg/s done`);
    }
  }

  const requestReply: RequestReplyResult[] = [];
  if (only.has('request-reply')) {
    for (const s of systems) {
      if (!s.requestReply) continue;
      const samples = await attempt(`request-reply ${s.id}`, () => s.requestReply!(sizes.requestReply), 120_000);
      if (!samples) continue;
      const total = samples.reduce((a, b) => a + b, 0);
      const note = REQUEST_REPLY_HOW[s.id];
      requestReply.push({ system: s.id, ...summarize(samples), perSecond: (samples.length / total) * 1000, ...(note ? { note } : {}) });
    }
    log('request/reply done');
  }

  let memory: MemoryResult | undefined;
  if (only.has('memory') && (want.has('hive-ioredis') || want.has('hive-node-redis'))) {
    memory = await attempt('memory', () => measureMemory(url, sizes.memoryEntries, { bullmq: systems.some((s) => s.id === 'bullmq') }), 120_000);
    log('bytes per entry done');
  }

  for (const s of systems) await s.close().catch(() => undefined);

  const rss: RssRow[] = [];
  if (only.has('rss')) {
    const available = new Set<string>(['baseline', ...systems.map((s) => s.id)]);
    const ids = sizes.rss.filter((id) => available.has(id));
    // A few children at a time: memory does not depend on CPU contention, and each child mostly waits on its loader.
    for (let i = 0; i < ids.length; i += 4) {
      const rows = await Promise.all(
        ids.slice(i, i + 4).map((id) => attempt(`rss ${id}`, () => measureRss(id, { redis: url, nats: natsUrl || '', amqp: amqpUrl || '' }), 40_000)),
      );
      for (const row of rows) if (row) rss.push(row);
    }
    log('RSS done');
  }

  admin.disconnect();
  await server?.stop();

  // Last, on its own Redis (the harness starts one): the other cases' Redis and clients are gone.
  const network: NetworkResult[] = [];
  if (only.has('network')) {
    const rows = await attempt('network', () => runNetworkBench(sizes.network, log), 30 * 60_000);
    if (rows) network.push(...rows);
  }

  return {
    meta: {
      date: new Date().toISOString(),
      mode: opts.mode,
      nproc: availableParallelism(),
      cpu: cpus()[0]?.model ?? '?',
      node: process.version,
      redis: redisVersion,
      redisConfig,
      loadavgStart,
      loadavg: loadavg(),
      payloadBytes: payloadBytes(),
      sizes,
      systems: descriptions,
      elapsedS: (performance.now() - started) / 1000,
    },
    skipped,
    errors,
    notes,
    throughput,
    latency,
    requestReply,
    memory,
    rss,
    network,
  };
}
