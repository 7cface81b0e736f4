/**
 * The node-redis 6 driver. node-redis speaks RESP3 and maps RESP3 maps to objects; we ask for
 * `Map`s (which keep order, even for numeric-looking keys) and flatten them to RESP2 arrays.
 * One Redis (`createClient`), a Sentinel-managed master (`createSentinel`) or a Cluster
 * (`createCluster`, told each command's key by command-key.ts), chosen by the URL (url.ts).
 */
import { loadClientLibrary } from './client-library.js';
import { commandKey } from './command-key.js';
import type { DriverEvent, DriverOptions, PipelineResult, RedisArg, RedisDriver, Reply } from './driver.js';
import { parseRedisUrl } from './url.js';

function normalize(value: unknown): Reply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Map) {
    const out: Reply[] = [];
    for (const [k, v] of value) out.push(normalize(k), normalize(v));
    return out;
  }
  if (Buffer.isBuffer(value)) return value.toString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Set) return [...value].map(normalize);
  if (typeof value === 'object') {
    const out: Reply[] = [];
    for (const [k, v] of Object.entries(value)) out.push(k, normalize(v));
    return out;
  }
  return String(value);
}

// Loaded when the first node-redis driver is made: a bus on ioredis never loads node-redis and its
// modules (~20 MB RSS, see BENCHMARKS.md), and a user of ioredis need not install it (an optional peer).
let lib: typeof import('redis') | undefined;

const toArg = (a: unknown) => (Buffer.isBuffer(a) ? a : String(a));

/** A command issued while disconnected waits at most this long to be written, then fails (node-redis's own default). */
const OFFLINE_COMMAND_TIMEOUT_MS = 5_000;
const OFFLINE = { timeout: OFFLINE_COMMAND_TIMEOUT_MS } as const;

/** What the driver needs of a node-redis client, a sentinel client or a cluster client alike. */
interface Client {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  send(args: (string | Buffer)[], opts: typeof OFFLINE | undefined): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
  on(event: string, fn: (...a: never[]) => void): unknown;
  off(event: string, fn: (...a: never[]) => void): unknown;
  /** A cluster's masters, each as a sender (see RedisDriver.masters). */
  masters?(): Promise<{ send(args: (string | Buffer)[]): Promise<unknown> }[]>;
}

/** Create an (unconnected) node-redis driver. */
export function createNodeRedisDriver(options: DriverOptions): RedisDriver {
  const client = createClient(options);
  // node-redis emits 'error' on every failed reconnect; without a listener Node would crash.
  client.on('error', () => undefined);
  let connecting: Promise<void> | undefined;

  const driver: RedisDriver = {
    kind: 'node-redis',
    options,
    connect() {
      // Already open, or reconnecting on its own: commands queue until it is ready.
      if (client.isOpen) return connecting ?? Promise.resolve();
      connecting ??= client.connect().then(
        () => undefined,
        (err: unknown) => {
          connecting = undefined;
          throw err;
        },
      );
      return connecting;
    },
    async call(args) {
      return normalize(await client.send(args.map(toArg), client.isReady ? undefined : OFFLINE));
    },
    async pipeline(commands) {
      // node-redis writes commands issued in the same tick in one batch: this is its pipeline,
      // and unlike multi().execAsPipeline() it reports each command's error separately.
      const opts = client.isReady ? undefined : OFFLINE;
      const settled = await Promise.allSettled(commands.map((c) => client.send(c.map(toArg), opts)));
      return settled.map((s): PipelineResult =>
        s.status === 'fulfilled'
          ? { ok: true, value: normalize(s.value) }
          : { ok: false, error: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) },
      );
    },
    ...(client.masters
      ? {
          masters: async () =>
            (await client.masters!()).map((m) => ({ call: async (args: readonly RedisArg[]) => normalize(await m.send(args.map(toArg))) })),
        }
      : {}),
    duplicate(connectionName) {
      return createNodeRedisDriver({ ...options, ...(connectionName ? { connectionName } : {}) });
    },
    async close() {
      if (!client.isOpen) return;
      try {
        await client.close();
      } catch {
        client.destroy();
      }
    },
    disconnect() {
      if (client.isOpen) client.destroy();
    },
    on(event: DriverEvent, listener) {
      const fn = (err?: Error) => listener(err);
      client.on(event, fn);
      return () => void client.off(event, fn);
    },
  };
  return driver;
}

/** The node-redis client for the URL's topology, behind one small shape (Client). */
function createClient(options: DriverOptions): Client {
  const reconnect = options.reconnect ?? true;
  const { createClient: single, createCluster, createSentinel, RESP_TYPES } = (lib ??= loadClientLibrary<typeof import('redis')>('node-redis'));
  const typeMapping = { [RESP_TYPES.MAP]: Map, [RESP_TYPES.DOUBLE]: String };
  const where = parseRedisUrl(options.url);
  const socket = {
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    reconnectStrategy: reconnect ? (retries: number) => Math.min(50 * (retries + 1), 2_000) : (false as const),
  };
  const node = {
    ...(where.username !== undefined ? { username: where.username } : {}),
    ...(where.password !== undefined ? { password: where.password } : {}),
    ...(options.connectionName ? { name: options.connectionName } : {}),
    disableOfflineQueue: !reconnect,
    // node-redis 6 bounds how long a command may wait to be written (5 s) with an AbortSignal.timeout()
    // per command: 10-15 us of CPU each, more than the rest of a consumed message (see BENCHMARKS.md).
    // Only a command issued while disconnected can wait, so only such a command gets the bound (OFFLINE).
    commandOptions: { timeout: 0 },
  };
  const tls = where.tls ? { tls: true as const } : {};
  const wrap = <C extends Omit<Client, 'send'>>(c: C, send: Client['send']): Client => ({
    get isOpen() {
      return c.isOpen;
    },
    get isReady() {
      return c.isReady;
    },
    connect: () => c.connect(),
    send,
    close: () => c.close(),
    destroy: () => c.destroy(),
    on: (e, fn) => c.on(e, fn),
    off: (e, fn) => c.off(e, fn),
  });
  switch (where.kind) {
    case 'single': {
      const c = single({ url: options.url, ...node, socket }).withTypeMapping(typeMapping);
      return wrap(c as unknown as Client, (args, o) => c.sendCommand(args, o));
    }
    case 'sentinel': {
      const { commandOptions, ...nodeClientOptions } = node;
      void commandOptions;
      const c = createSentinel({
        name: where.name,
        sentinelRootNodes: where.sentinels.map((n) => ({ host: n.host, port: n.port })),
        nodeClientOptions: { ...nodeClientOptions, database: where.db, socket: { ...socket, ...tls } },
        sentinelClientOptions: { socket: { ...socket, ...tls } },
        commandOptions: { timeout: 0 },
      }).withTypeMapping(typeMapping);
      return wrap(c as unknown as Client, (args, o) => c.sendCommand(undefined, args, o));
    }
    case 'cluster': {
      const { commandOptions, ...defaults } = node;
      void commandOptions;
      const c = createCluster({
        rootNodes: where.nodes.map((n) => ({ socket: { host: n.host, port: n.port, ...socket, ...tls } })),
        defaults: { ...defaults, socket: { ...socket, ...tls } },
        commandOptions: { timeout: 0 },
      }).withTypeMapping(typeMapping);
      const client = wrap(c as unknown as Client, (args, o) => c.sendCommand(commandKey(args as RedisArg[]) as string | Buffer | undefined, undefined, args, o));
      return {
        ...client,
        get isOpen() {
          return c.isOpen;
        },
        get isReady() {
          return c.isReady;
        },
        masters: async () =>
          Promise.all(c.masters.map(async (m) => {
            const node = await c.nodeClient(m);
            return { send: (args: (string | Buffer)[]) => node.sendCommand(args) };
          })),
      };
    }
  }
}
