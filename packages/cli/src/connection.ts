/**
 * The CLI's session with Redis: resolve the global flags, build the keys, and connect on first use
 * with no reconnects and a short timeout, so an unreachable Redis fails in a moment with exit 3.
 */
import { hostname } from 'node:os';
import { createDriver, createKeys, DEFAULT_DRIVER, DEFAULT_PREFIX, DRIVER_KINDS, redactUrl, type DriverKind, type Keys, type RedisDriver } from '@hive/bus';
import { UnreachableError, UsageError } from './errors.js';

/** Give up connecting after this long: an operator is waiting. */
export const CONNECT_TIMEOUT_MS = 3_000;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface SessionOptions {
  /** --redis, else env REDIS_URL. */
  url: string | undefined;
  /** --prefix, else env HIVE_PREFIX. */
  prefix: string | undefined;
  /** --driver, else env HIVE_DRIVER. */
  driver: string | undefined;
  verb: string;
  signal: AbortSignal;
}

export interface Session {
  readonly keys: Keys;
  /** Redacted URL, safe to print. */
  readonly url: string;
  redis(): Promise<RedisDriver>;
  close(): Promise<void>;
}

/** Validate the global flags (usage errors, before any connection) and prepare a lazy connection. */
export function openSession(opts: SessionOptions): Session {
  const url = opts.url ?? DEFAULT_REDIS_URL;
  const shown = redactUrl(url);
  if (!/^rediss?(\+(cluster|sentinel))?:\/\/./.test(url)) throw new UsageError(`--redis "${shown}" must be a redis://, rediss://, redis+cluster:// or redis+sentinel:// URL`, opts.verb);
  const kind = opts.driver ?? DEFAULT_DRIVER;
  if (!(DRIVER_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`--driver "${kind}" is unknown: use ${DRIVER_KINDS.join(' or ')}`, opts.verb);
  }
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  if (prefix !== '' && !prefix.endsWith(':')) throw new UsageError(`--prefix "${prefix}" must end with ":"`, opts.verb);
  const keys = createKeys(prefix);

  let driver: RedisDriver | undefined;
  let connecting: Promise<RedisDriver> | undefined;
  const onAbort = () => driver?.disconnect();
  opts.signal.addEventListener('abort', onAbort, { once: true });

  const connect = async (): Promise<RedisDriver> => {
    if (opts.signal.aborted) throw new UnreachableError('interrupted before connecting');
    const d = createDriver(kind as DriverKind, {
      url,
      connectionName: `hive-cli@${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}`,
      reconnect: false,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
    driver = d;
    // The clients reject connect() with a bland "Connection is closed."; the 'error' event has the cause.
    let cause: Error | undefined;
    const off = d.on('error', (err) => {
      cause ??= err;
    });
    try {
      await d.connect();
    } catch (err) {
      d.disconnect();
      throw new UnreachableError(`cannot reach Redis at ${shown}: ${describeConnectError(cause ?? err)}`, { cause: err });
    } finally {
      off();
    }
    return d;
  };

  return {
    keys,
    url: shown,
    redis() {
      connecting ??= connect();
      return connecting;
    },
    async close() {
      opts.signal.removeEventListener('abort', onAbort);
      if (!driver) return;
      await Promise.race([driver.close(), new Promise((r) => setTimeout(r, 1_000).unref())]);
      driver.disconnect();
    },
  };
}

function describeConnectError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT' || /timeout/i.test(err.message)) return `no answer within ${CONNECT_TIMEOUT_MS} ms`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return err.message.replace(/\s+/g, ' ').trim();
}

/** True for the errors a client raises when the connection is gone (as opposed to a server error reply). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)) return true;
  return (
    ['ClientClosedError', 'ClientOfflineError', 'SocketClosedUnexpectedlyError', 'ConnectionTimeoutError'].includes(err.name) ||
    /^(Connection is closed|The client is closed|The client is offline|Socket closed unexpectedly|Stream isn't writeable)/.test(err.message)
  );
}
