/**
 * What every system under test implements. Each method creates its own uniquely named stream,
 * queue or subject, does the work, measures only the part the case is about, and deletes what it
 * created. A method that is missing means the system has no such feature; the report says so.
 */

export type SystemId = 'raw-ioredis' | 'raw-ioredis-envelope' | 'raw-node-redis' | 'hive-ioredis' | 'hive-node-redis' | 'bullmq' | 'nats' | 'rabbitmq';

/** Every system, in report order. */
export const SYSTEM_IDS: readonly SystemId[] = ['raw-ioredis', 'raw-ioredis-envelope', 'raw-node-redis', 'hive-ioredis', 'hive-node-redis', 'bullmq', 'nats', 'rabbitmq'];

/** `count` messages in `ms` milliseconds. */
export interface Timed {
  readonly count: number;
  readonly ms: number;
  /** Set when the run stopped at its time cap before handling every message. */
  readonly capped?: boolean;
}

/** Latency samples (ms) of a paced run, and how many were sent and received in the measured window. */
export interface LatencyRun {
  readonly samples: number[];
  readonly sent: number;
  readonly received: number;
  /** Measured window in ms (after warm-up). */
  readonly windowMs: number;
}

export interface PacedOptions {
  /** Messages per second. */
  readonly rate: number;
  /** Measured window in ms. */
  readonly durationMs: number;
  /** Sent first and not measured (JIT, connection warm-up). */
  readonly warmupMs: number;
}

export interface BenchSystem {
  readonly id: SystemId;
  /** What the system is, in the report (client, version, settings that matter). */
  readonly description: string;
  /** Concurrency the "high" consume case uses (64, or 50 for BullMQ as the issue asks). */
  readonly highConcurrency: number;
  /** Publish `n` messages one at a time, each awaited. */
  publishOne(n: number): Promise<Timed>;
  /** Publish `n` messages in batches of `batch` (pipelined or concurrent), each batch awaited. */
  publishBatched(n: number, batch: number): Promise<Timed>;
  /** Prefill `n` messages (not timed), then time consuming and acking them with a no-op handler. */
  consume(n: number, concurrency: number, capMs: number): Promise<Timed>;
  /** Publish at a paced rate while a consumer (at `highConcurrency`) records publish-to-handler latency. */
  latency(opts: PacedOptions): Promise<LatencyRun>;
  /** `n` sequential request/reply round trips; samples in ms. Missing when the system has none. */
  requestReply?(n: number): Promise<number[]>;
  close(): Promise<void>;
}

/** A system that could not be set up (server not answering): the report shows the reason. */
export interface Skipped {
  readonly id: SystemId;
  readonly reason: string;
}
