/**
 * The entry point: `createBus()` connects once and hands out publishing and subscriptions that
 * share its connection (each subscription adds one blocking connection for its reads).
 */
import { hostname } from 'node:os';
import { shardCount, type ContractRegistry } from './contracts.js';
import { shardsRead, subscribeShards } from './partitions.js';
import { subscribe } from './consumer.js';
import { createDriver, redactUrl, redisUrlUser, type DriverKind, type RedisDriver } from './drivers/index.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './envelope.js';
import { ConfigError, ClosedError, LegacyKeysError } from './errors.js';
import { assertName, createKeys, DEFAULT_PREFIX, legacyStreamKey, type Keys } from './keys.js';
import { createLogger, type Logger } from './logger.js';
import type { BusObserver } from './observer.js';
import type { OutgoingMessage, PublisherContext, PublishOptions, PublishResult } from './outgoing.js';
import { publishMany, publishOne } from './publisher.js';
import type { SubscribeOptions, Subscription } from './subscribe-options.js';
import { detectCapabilities } from './capabilities.js';
import type { Message } from './envelope.js';
import { Requester, type RequestOptions } from './request-reply.js';

export interface BusOptions {
  /** Redis URL (redis:// or rediss://). @defaultValue env REDIS_URL or redis://127.0.0.1:6379 */
  url?: string;
  /** Use this driver instead of creating one from `url`. */
  redis?: RedisDriver;
  /** Which client library to use. @defaultValue env HIVE_DRIVER, else "node-redis" if installed, else "ioredis" */
  driver?: DriverKind;
  /** Key prefix, ending in ":". @defaultValue env HIVE_PREFIX or "hive:" */
  prefix?: string;
  /** Producer name written into `src`. @defaultValue "anonymous" */
  source?: string;
  /** Message types per stream; without it, any type and payload are accepted. */
  contracts?: ContractRegistry;
  /** Largest entry accepted, published or consumed, in bytes. @defaultValue 1 MiB */
  maxMessageBytes?: number;
  logger?: Logger;
  observers?: BusObserver[];
  /** Keep reconnecting when Redis goes away (agents) or fail fast (CLI). @defaultValue true */
  reconnect?: boolean;
  /**
   * The streams this bus reads and writes. At connect, any of them still under its name before hash
   * tags fails createBus with a LegacyKeysError (run `hive migrate`). Not checked when the URL names
   * an ACL user: a per-agent user may not touch the old keys, and each refusal would be logged in
   * Redis's ACL LOG; such deployments migrate with the admin user. @defaultValue [] (no check)
   */
  streams?: readonly string[];
}

export interface Bus {
  readonly keys: Keys;
  readonly driver: RedisDriver;
  readonly source: string;
  readonly log: Logger;
  /** Publish one message; resolves with its message id and stream entry id. */
  publish(stream: string, type: string, data: unknown, options?: PublishOptions): Promise<PublishResult>;
  /** Publish many messages in one pipelined round trip. */
  publishBatch(messages: readonly OutgoingMessage[]): Promise<PublishResult[]>;
  /** Consume a stream as a consumer group; see consumer.ts for the guarantees (and partitions.ts for a partitioned stream). */
  subscribe<T = unknown>(options: SubscribeOptions<T>): Subscription;
  /**
   * Publish a request and resolve with the reply (a handler's `reply(message, type, data)`), or
   * reject with a TimeoutError after `timeoutMs` (default 10 s); see request-reply.ts.
   */
  request<T = unknown>(stream: string, type: string, data: unknown, options: RequestOptions): Promise<Message<T>>;
  /** Add an observer (metrics) after creation. */
  observe(observer: BusObserver): void;
  /** Stop every subscription gracefully, then close the connections. */
  close(): Promise<void>;
}

/** Connect to Redis and return a bus. Fails with a clear error when Redis cannot be reached. */
export async function createBus(options: BusOptions = {}): Promise<Bus> {
  const source = options.source ?? 'anonymous';
  assertName('source', source);
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 256) {
    throw new ConfigError(`maxMessageBytes must be an integer >= 256, got ${maxMessageBytes}`);
  }
  const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  // Neither named: the installed client library (ioredis first), see createDriver.
  const kind = options.driver ?? (process.env.HIVE_DRIVER as DriverKind | undefined);
  const driver = options.redis ?? createDriver(kind, { url, connectionName: `hive:${source}@${hostname()}`, reconnect: options.reconnect ?? true });
  const keys = createKeys(options.prefix ?? process.env.HIVE_PREFIX ?? DEFAULT_PREFIX);
  const log = options.logger ?? createLogger({ agent: source });
  const observers: BusObserver[] = [...(options.observers ?? [])];
  try {
    await driver.connect();
    // Once, at connect, cached per driver; never fails (an ACL user without INFO gets the baseline).
    await detectCapabilities(driver);
  } catch (err) {
    driver.disconnect();
    throw new ConfigError(`cannot connect to Redis at ${redactUrl(url)}: ${(err as Error).message}`, { url: redactUrl(url) });
  }
  const legacy = redisUrlUser(driver.options.url) === '' ? await legacyStreamKeys(driver, keys.prefix, options.streams ?? []) : [];
  if (legacy.length > 0) {
    if (!options.redis) driver.disconnect();
    throw new LegacyKeysError(legacy);
  }

  const publisher: PublisherContext = { driver, keys, contracts: options.contracts, source, maxMessageBytes, observers };
  const subscriptions = new Set<Subscription>();
  let requester: Requester | undefined;
  let closed = false;
  const open = () => {
    if (closed) throw new ClosedError('bus');
  };

  return {
    keys,
    driver,
    source,
    log,
    publish(stream, type, data, opts = {}) {
      open();
      return publishOne(publisher, { ...opts, stream, type, data });
    },
    publishBatch(messages) {
      open();
      return publishMany(publisher, messages);
    },
    subscribe(opts) {
      open();
      const ctx = { driver, keys, contracts: options.contracts, log, observers, maxMessageBytes, publisher };
      const shards = shardCount(options.contracts, opts.stream);
      if (shards === 1 && opts.shards !== undefined) shardsRead(opts.stream, opts.shards, 1);
      const sub = shards > 1 ? subscribeShards(ctx, opts, shards) : subscribe(ctx, opts);
      subscriptions.add(sub);
      return sub;
    },
    request<T>(stream: string, type: string, data: unknown, opts: RequestOptions) {
      open();
      requester ??= new Requester({ publisher, log, maxMessageBytes });
      return requester.request(stream, type, data, opts) as Promise<Message<T>>;
    },
    observe(observer) {
      observers.push(observer);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await requester?.close();
      if (!options.redis) await driver.close();
    },
  };
}

/**
 * The streams of `streams` that still exist under their key before hash tags. One EXISTS each (one
 * slot each on a cluster); a reply that is an error (an ACL user without the old keys) counts as absent.
 */
async function legacyStreamKeys(driver: RedisDriver, prefix: string, streams: readonly string[]): Promise<string[]> {
  const old = [...new Set(streams)].map((s) => legacyStreamKey(s, prefix));
  const found = await driver.pipeline(old.map((k) => ['EXISTS', k]));
  return old.filter((_, i) => {
    const r = found[i];
    return r?.ok === true && Number(r.value) > 0;
  });
}
