/**
 * The small interface of Redis the bus is written against. Two implementations, over ioredis and
 * node-redis, pass one conformance suite. Both libraries speak RESP3 by default and shape RESP3
 * maps differently, so each driver normalizes replies to the RESP2 shapes (a map becomes a flat
 * `[key, value, ...]` array; doubles become strings); `commands.ts` parses those shapes once.
 */

export type RedisArg = string | number | Buffer;

/** A RESP reply after normalization: strings, integers, null, and arrays of those. */
export type Reply = string | number | null | Reply[];

export type PipelineResult = { ok: true; value: Reply } | { ok: false; error: Error };

export type DriverKind = 'ioredis' | 'node-redis';

/** The two drivers, in the order the README recommends them. */
export const DRIVER_KINDS: readonly DriverKind[] = ['node-redis', 'ioredis'];

export type DriverEvent = 'ready' | 'reconnecting' | 'error' | 'end';

export interface DriverOptions {
  /** redis:// or rediss:// (TLS) URL, with optional user:password@. */
  url: string;
  /** Connection name shown by CLIENT LIST. */
  connectionName?: string;
  /** Give up connecting after this long. @defaultValue 10000 */
  connectTimeoutMs?: number;
  /**
   * Keep reconnecting forever (agents) or fail after the first attempt (the CLI, which should say
   * "Redis is unreachable" and exit rather than hang). @defaultValue true
   */
  reconnect?: boolean;
}

export interface RedisDriver {
  readonly kind: DriverKind;
  readonly options: Readonly<DriverOptions>;
  /** Connect (idempotent); resolves once commands can be sent. */
  connect(): Promise<void>;
  /** Send one command; the reply is normalized (see the file comment). Server errors reject. */
  call(args: readonly RedisArg[]): Promise<Reply>;
  /** Send commands in one round trip; one result per command, errors included, never a rejection. */
  pipeline(commands: readonly (readonly RedisArg[])[]): Promise<PipelineResult[]>;
  /** A new, unconnected driver with the same options, for blocking reads. */
  duplicate(connectionName?: string): RedisDriver;
  /** Wait for pending replies, then close. */
  close(): Promise<void>;
  /** Close now; pending commands reject. Used to interrupt a blocking read. */
  disconnect(): void;
  /**
   * On Redis Cluster, one command sender per master, for what must ask every node (SCAN): a key
   * lives on one master only. Undefined on one Redis or a Sentinel-managed master.
   */
  masters?(): Promise<{ call(args: readonly RedisArg[]): Promise<Reply> }[]>;
  /** Subscribe to connection events; returns the unsubscribe function. */
  on(event: DriverEvent, listener: (err?: Error) => void): () => void;
}
