/**
 * createConsole: check the options, bundle the page, connect to Redis, start the live feed and
 * listen. Everything the console shows comes from Redis (the bus's registry, streams, groups and
 * dead letters, through @hive/bus and @hive/inspect), topology.json, archivist's SQLite and kami's
 * simulator; it keeps no state of its own beyond rates and restart counts in memory.
 */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import {
  createDriver,
  createKeys,
  createRedactingLogger,
  DEFAULT_DRIVER,
  DEFAULT_PREFIX,
  redactUrl,
  type RedisDriver,
} from '@hive/agent';
import { catalogue as hiveCatalogue, formatRetention, type Catalogue } from '@hive/contracts';
import { ConsoleError } from './errors.js';
import { checkOptions, DEFAULT_CONSOLE_HOST, DEFAULT_CONSOLE_PORT, DEFAULT_IDLE_POLL_MS, DEFAULT_POLL_MS, RATE_SAMPLES, type ConsoleOptions } from './options.js';
import { createApp } from './server/app.js';
import { loadClientBundle } from './server/client-bundle.js';
import { LiveFeed } from './server/live-feed.js';
import { NetworkView } from './server/network-view.js';
import { createGuard } from './server/security.js';
import { DEFAULT_TOPOLOGY_FILE, readTopology } from './server/topology.js';

export const DEFAULT_KAMI_URL = 'http://127.0.0.1:7777';
const CONNECT_TIMEOUT_MS = 5_000;

export interface ConsoleHandle {
  /** Where it answers, e.g. http://127.0.0.1:7780 */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly readOnly: boolean;
  /** Stop listening, end the live feeds, and disconnect from Redis if the console connected itself. */
  close(): Promise<void>;
}

/** Start a console; rejects with a ConsoleError saying what to change when it cannot. */
export async function createConsole(opts: ConsoleOptions = {}): Promise<ConsoleHandle> {
  checkOptions(opts);
  const host = opts.host ?? DEFAULT_CONSOLE_HOST;
  const port = opts.port ?? DEFAULT_CONSOLE_PORT;
  const readOnly = opts.readOnly ?? false;
  const kamiUrl = opts.kamiUrl === undefined ? DEFAULT_KAMI_URL : opts.kamiUrl;
  const log = opts.logger ?? createRedactingLogger({ component: 'console' });
  const keys = createKeys(opts.prefix ?? DEFAULT_PREFIX);
  const topology = readTopology(opts.topologyFile ?? DEFAULT_TOPOLOGY_FILE, log);
  const bundle = await loadClientBundle(log);

  let redis: RedisDriver;
  let ownDriver = false;
  const url = opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (opts.driver) redis = opts.driver;
  else {
    redis = createDriver(opts.driverKind ?? DEFAULT_DRIVER, { url, connectionName: 'hive-console', connectTimeoutMs: CONNECT_TIMEOUT_MS });
    ownDriver = true;
    // Reconnects forever once up (a console outlives a Redis restart), but must reach it once to start.
    await redis.connect();
  }

  const contracts = opts.catalogue ?? hiveCatalogue;
  const view = new NetworkView({ redis, keys, topology, log, samples: RATE_SAMPLES, retentionOf: retentionIn(contracts), partitions: contracts });
  const feed = new LiveFeed(view, { pollMs: opts.pollMs ?? DEFAULT_POLL_MS, idlePollMs: opts.idlePollMs ?? DEFAULT_IDLE_POLL_MS, log });
  const streams = new Set<() => void>();
  const server = createAdaptorServer({
    fetch: (req, env) => app.fetch(req, env),
    hostname: host,
  });
  const remoteAddress = (c: { env: unknown }) => ((c.env as { incoming?: { socket?: { remoteAddress?: string } } }).incoming?.socket?.remoteAddress ?? '?');
  const guard = createGuard({ token: opts.token, readOnly, remoteAddress });
  const app = createApp({
    ctx: { redis, keys, log, readOnly, kamiUrl, kamiToken: opts.kamiToken ?? null, archivistDb: opts.archivistDb ?? null, partitions: contracts },
    guard,
    feed,
    bundle,
    log,
    streams,
    session: {
      readOnly,
      prefix: keys.prefix,
      redis: opts.driver ? redactUrl(opts.driver.options.url) : redactUrl(url),
      kami: kamiUrl,
      archive: opts.archivistDb ?? null,
      topology: topology.file,
      pollMs: opts.pollMs ?? DEFAULT_POLL_MS,
      bundle: bundle.origin,
    },
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if (ownDriver) await redis.close().catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new ConsoleError('CONSOLE_PORT_IN_USE', `the console cannot listen on ${host}:${port}: the port is in use (another console?); pick another with --port`, { cause: err });
    throw new ConsoleError('CONSOLE_CONFIG', `the console cannot listen on ${host}:${port}: ${e.message}`, { cause: err });
  }
  feed.start();
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const handle: ConsoleHandle = {
    url: `http://${shownHost}:${addr.port}`,
    port: addr.port,
    host,
    readOnly,
    async close() {
      feed.close();
      for (const end of streams) end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      if (ownDriver) await redis.close().catch(() => undefined);
    },
  };
  log.info({ address: handle.url, readOnly, auth: opts.token ? 'token' : 'loopback only', bundle: bundle.origin }, 'console listening');
  return handle;
}

/** A stream's retention as its contract declares it (sentinel's janitor trims each shard to it); null for a stream no contract names. */
function retentionIn(contracts: Catalogue): (stream: string) => string | null {
  return (stream) => {
    const r = contracts.stream(stream)?.retention;
    return r ? formatRetention(r) : null;
  };
}
