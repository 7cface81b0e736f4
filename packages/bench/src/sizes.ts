/** How much work each mode does. The full run takes a few minutes on 2 cores; quick stays under a minute. */
import type { NetworkSizes } from './network.js';
import type { SystemId } from './systems/types.js';

export interface BenchSizes {
  /** Runs per throughput figure; the report shows the median. */
  readonly runs: number;
  readonly publishOne: number;
  readonly publishBatched: number;
  readonly batchSize: number;
  /** Messages prefilled and consumed per consume run. */
  readonly consume: number;
  /** A consume run stops here even if not every message was handled (slow systems at concurrency 1). */
  readonly consumeCapMs: number;
  readonly rates: readonly number[];
  /** Measured window per system and rate, in total. */
  readonly latencyMs: number;
  /** The window is run as this many slices, interleaved with the other systems' (see bench.ts). */
  readonly latencySlices: number;
  /** Sent before the first slice and not measured (JIT, connections); 100 ms before the others. */
  readonly latencyWarmupMs: number;
  readonly requestReply: number;
  readonly memoryEntries: number;
  /** Systems whose subscribing process RSS is measured (a child process each, run 4 at a time). */
  readonly rss: readonly ('baseline' | SystemId)[];
  /** The whole network's message → reply latency (the `network` case; the full run's, or `--network`). */
  readonly network: NetworkSizes;
}

const ALL_RSS = ['baseline', 'raw-ioredis', 'raw-node-redis', 'hive-ioredis', 'hive-node-redis', 'bullmq', 'nats', 'rabbitmq'] as const;

export const FULL: BenchSizes = {
  runs: 5,
  publishOne: 2_000,
  publishBatched: 20_000,
  batchSize: 100,
  consume: 10_000,
  consumeCapMs: 4_000,
  rates: [1_000, 5_000],
  latencyMs: 3_000,
  latencySlices: 6,
  latencyWarmupMs: 500,
  requestReply: 1_000,
  memoryEntries: 10_000,
  rss: ALL_RSS,
  network: { modes: ['host', 'processes'], rates: [{ rate: 2, messages: 60 }, { rate: 50, messages: 500 }], warmup: 20 },
};

/** The full run, smaller: the same cases, batch size and rates, fewer messages and runs. */
export const QUICK: BenchSizes = {
  ...FULL,
  runs: 3,
  publishOne: 300,
  publishBatched: 2_000,
  consume: 1_000,
  consumeCapMs: 1_000,
  latencyMs: 400,
  latencySlices: 2,
  latencyWarmupMs: 100,
  requestReply: 200,
  memoryEntries: 1_000,
  rss: ['baseline', 'hive-ioredis', 'hive-node-redis'],
  network: { ...FULL.network, rates: [{ rate: 2, messages: 20 }, { rate: 50, messages: 150 }], warmup: 10 },
};

/** Tiny counts for the smoke test: every code path, no meaningful figures. */
export const SMOKE: BenchSizes = {
  runs: 1,
  publishOne: 30,
  publishBatched: 200,
  batchSize: 50,
  consume: 200,
  consumeCapMs: 5_000,
  rates: [1_000],
  latencyMs: 150,
  latencySlices: 1,
  latencyWarmupMs: 50,
  requestReply: 10,
  memoryEntries: 100,
  rss: ['hive-ioredis'],
  network: { modes: ['host'], rates: [{ rate: 10, messages: 4 }], warmup: 0 },
};
