/**
 * The ioredis 6 driver: RESP3 with ioredis's default "legacy" reply mapping, which already is
 * RESP2-shaped. One Redis, a Sentinel-managed master (`new Redis({ sentinels, name })`, which asks
 * the Sentinels again after a failover) or a Cluster (`new Cluster(nodes)`, which routes each command
 * by the slot of its keys), chosen by the URL (url.ts).
 */
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { loadClientLibrary } from './client-library.js';
import type { DriverEvent, DriverOptions, PipelineResult, RedisArg, RedisDriver, Reply } from './driver.js';
import { parseRedisUrl } from './url.js';

// Loaded when the first ioredis driver is made: a bus on node-redis never loads ioredis (~20 MB RSS),
// and a user of node-redis need not install it (an optional peer dependency).
let lib: typeof import('ioredis') | undefined;

const EVENTS: Record<DriverEvent, string> = { ready: 'ready', reconnecting: 'reconnecting', error: 'error', end: 'end' };

/** Create an (unconnected) ioredis driver. */
export function createIoredisDriver(options: DriverOptions): RedisDriver {
  const reconnect = options.reconnect ?? true;
  const redisOptions: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // Retry forever with a capped backoff: an agent outlives a Redis restart.
    retryStrategy: reconnect ? (times) => Math.min(50 * times, 2_000) : () => null,
    maxRetriesPerRequest: reconnect ? 20 : 0,
    enableOfflineQueue: reconnect,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  };
  const client = createClient(options, redisOptions, reconnect);
  const cluster = client.isCluster;
  // ioredis emits 'error' for every failed reconnect; without a listener Node would crash.
  client.on('error', () => undefined);
  let connecting: Promise<void> | undefined;
  // Cluster.connect() never settles when disconnect() lands between its slot refresh and its ready
  // check (it drops its close listener first): disconnect() rejects it, or stop() would wait forever.
  let abortConnect: ((err: Error) => void) | undefined;

  const driver: RedisDriver = {
    kind: 'ioredis',
    options,
    connect() {
      // Already connected, or reconnecting on its own: commands queue until it is ready.
      if (client.status !== 'wait' && client.status !== 'end') return connecting ?? Promise.resolve();
      connecting ??= new Promise<void>((resolve, reject) => {
        abortConnect = reject;
        client.connect().then(resolve, reject);
      })
        .finally(() => (abortConnect = undefined))
        .catch((err: unknown) => {
          connecting = undefined;
          throw err;
        });
      return connecting;
    },
    async call(args) {
      const [cmd, ...rest] = args;
      return (await client.call(String(cmd), ...(rest as (string | number | Buffer)[]))) as Reply;
    },
    async pipeline(commands) {
      if (commands.length === 0) return [];
      if (commands.length > 1 && cluster) {
        // On a cluster a pipeline must stay on one node: send each command on its own (written in the same tick).
        return Promise.all(commands.map(async (c) => (await driver.pipeline([c]))[0]!));
      }
      if (commands.length === 1) {
        // One command (the consumer's XACK per tick, mostly): a Pipeline object costs more than the command.
        try {
          return [{ ok: true, value: await driver.call(commands[0]!) }];
        } catch (err) {
          return [{ ok: false, error: err instanceof Error ? err : new Error(String(err)) }];
        }
      }
      const p = client.pipeline();
      for (const [cmd, ...rest] of commands) p.call(String(cmd), ...(rest as RedisArg[]));
      const res = (await p.exec()) ?? [];
      return res.map(([err, value]): PipelineResult => (err ? { ok: false, error: err } : { ok: true, value: value as Reply }));
    },
    ...(cluster
      ? {
          masters: async () =>
            (client as Cluster).nodes('master').map((n) => ({
              call: async (args: readonly RedisArg[]) => (await n.call(String(args[0]), ...(args.slice(1) as RedisArg[]))) as Reply,
            })),
        }
      : {}),
    duplicate(connectionName) {
      return createIoredisDriver({ ...options, ...(connectionName ? { connectionName } : {}) });
    },
    async close() {
      if (client.status === 'end') return;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
    disconnect() {
      client.disconnect(false);
      abortConnect?.(new Error('Connection is closed.'));
    },
    on(event, listener) {
      const name = EVENTS[event];
      const fn = (err?: Error) => listener(err);
      client.on(name, fn);
      return () => client.off(name, fn);
    },
  };
  return driver;
}

/** The ioredis client for the URL's topology: Redis (one, or a Sentinel-managed master) or Cluster. */
function createClient(options: DriverOptions, redisOptions: RedisOptions, reconnect: boolean): Redis | Cluster {
  const { Redis, Cluster } = (lib ??= loadClientLibrary<typeof import('ioredis')>('ioredis'));
  const where = parseRedisUrl(options.url);
  const auth = {
    ...(where.username !== undefined ? { username: where.username } : {}),
    ...(where.password !== undefined ? { password: where.password } : {}),
    ...(where.tls ? { tls: {} } : {}),
  };
  switch (where.kind) {
    case 'single':
      return new Redis(options.url, redisOptions);
    case 'sentinel':
      return new Redis({
        ...redisOptions,
        ...auth,
        sentinels: where.sentinels.map((n) => ({ host: n.host, port: n.port })),
        name: where.name,
        db: where.db,
        ...(where.tls ? { enableTLSForSentinelMode: true } : {}),
        sentinelRetryStrategy: reconnect ? (times) => Math.min(50 * times, 2_000) : () => null,
        // The old master, back as a replica, refuses writes: reconnect (to the master the Sentinels name now) and resend.
        reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
      });
    case 'cluster': {
      const { retryStrategy, enableOfflineQueue, ...nodeOptions } = redisOptions;
      void retryStrategy;
      return new Cluster(
        where.nodes.map((n) => ({ host: n.host, port: n.port })),
        {
          lazyConnect: true,
          enableOfflineQueue: enableOfflineQueue ?? true,
          clusterRetryStrategy: reconnect ? (times) => Math.min(50 * times, 2_000) : () => null,
          // A failover moves slots: wait for the new master rather than fail the command.
          retryDelayOnFailover: 200,
          retryDelayOnClusterDown: 200,
          redisOptions: { ...nodeOptions, ...auth },
        },
      );
    }
  }
}
