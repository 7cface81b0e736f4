/**
 * The console's options, checked once before anything listens. The one rule that matters for
 * safety is here: the console binds to the loopback interface unless told otherwise, and any other
 * bind must come with a token, since the console can retry and drop dead letters and talk to the
 * network.
 */
import type { DriverKind, Logger, RedisDriver } from '@hive/agent';
import type { Catalogue } from '@hive/contracts';
import { ConsoleError } from './errors.js';

/** Where `npm start` serves the console. */
export const DEFAULT_CONSOLE_PORT = 7780;
export const DEFAULT_CONSOLE_HOST = '127.0.0.1';
/** A token shorter than this is refused: it stands between the network and anyone who can reach the port. */
export const MIN_TOKEN_LENGTH = 16;
/** How often the live view is refreshed while someone watches it. */
export const DEFAULT_POLL_MS = 2_000;
/** How often it is refreshed while nobody watches (so the sparklines have a past when someone opens it). */
export const DEFAULT_IDLE_POLL_MS = 15_000;
/** Points kept per sparkline. */
export const RATE_SAMPLES = 60;

export interface ConsoleOptions {
  /** Redis to read; ignored when `driver` is given. @defaultValue env REDIS_URL, else redis://127.0.0.1:6379 */
  redisUrl?: string;
  /** An already connected driver (tests, `npm start`); the console does not close it. */
  driver?: RedisDriver;
  /** Client library when the console connects itself. @defaultValue ioredis */
  driverKind?: DriverKind;
  /** Key prefix, ending in ":". @defaultValue "hive:" */
  prefix?: string;
  /** 0 picks a free port. @defaultValue 7780 */
  port?: number;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  /** Required for any bind outside the loopback interface; optional (and then enforced) on it. */
  token?: string;
  /** Show everything, change nothing: retry, drop and chat are refused. @defaultValue false */
  readOnly?: boolean;
  /** kami's WhatsApp simulator, for the chat page; null turns the chat off. @defaultValue http://127.0.0.1:7777 */
  kamiUrl?: string | null;
  /** kami's simulator token (KAMI_SIM_TOKEN), sent as a Bearer header when the simulator wants one. */
  kamiToken?: string;
  /** archivist's SQLite history, for traces older than Redis keeps; absent or missing: Redis only. */
  archivistDb?: string;
  /** topology.json (who writes and reads what); absent or missing: the live registry only. @defaultValue the repository's */
  topologyFile?: string;
  /** The contracts: each stream's retention, and how streams are split (a partitioned stream is shown as one, over its shards). @defaultValue the Hive catalogue */
  catalogue?: Catalogue;
  /** @defaultValue a pino logger at info */
  logger?: Logger;
  /** @defaultValue 2000 */
  pollMs?: number;
  /** @defaultValue 15000 */
  idlePollMs?: number;
}

/** True for 127.0.0.0/8, ::1 and localhost: the addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Check the options that can be wrong before anything connects; throws a ConsoleError saying what to change. */
export function checkOptions(opts: ConsoleOptions): void {
  const host = opts.host ?? DEFAULT_CONSOLE_HOST;
  const port = opts.port ?? DEFAULT_CONSOLE_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConsoleError('CONSOLE_CONFIG', `port ${port} is not a TCP port (0-65535)`);
  if (opts.token !== undefined && opts.token.length < MIN_TOKEN_LENGTH) {
    throw new ConsoleError('CONSOLE_CONFIG', `the console token is ${opts.token.length} characters; use at least ${MIN_TOKEN_LENGTH} (e.g. \`openssl rand -hex 24\`)`);
  }
  if (!isLoopback(host) && opts.token === undefined) {
    throw new ConsoleError(
      'CONSOLE_CONFIG',
      `the console would listen on ${host}, which other machines can reach, without a token: set HIVE_CONSOLE_TOKEN ` +
        `(at least ${MIN_TOKEN_LENGTH} characters, e.g. \`openssl rand -hex 24\`), or bind to 127.0.0.1 and use an SSH tunnel`,
    );
  }
  if (opts.prefix !== undefined && opts.prefix !== '' && !opts.prefix.endsWith(':')) throw new ConsoleError('CONSOLE_CONFIG', `prefix "${opts.prefix}" must end with ":"`);
  if (opts.kamiUrl) {
    let url: URL;
    try {
      url = new URL(opts.kamiUrl);
    } catch {
      throw new ConsoleError('CONSOLE_CONFIG', `kamiUrl "${opts.kamiUrl}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConsoleError('CONSOLE_CONFIG', `kamiUrl "${opts.kamiUrl}" must be an http:// URL`);
  }
}
