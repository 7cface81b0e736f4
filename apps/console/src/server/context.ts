/** What every route module gets: Redis, keys, the log, and the console's settings. */
import { assertName, type Keys, type Logger, type RedisDriver } from '@hive/agent';
import type { StreamPartitions } from '@hive/bus/admin';
import type { Hono } from 'hono';
import type { ConsoleEnv } from './security.js';

export interface RouteContext {
  readonly redis: RedisDriver;
  readonly keys: Keys;
  readonly log: Logger;
  readonly readOnly: boolean;
  readonly kamiUrl: string | null;
  /** Sent to kami's simulator as a Bearer token when set (KAMI_SIM_TOKEN). */
  readonly kamiToken: string | null;
  readonly archivistDb: string | null;
  /** How streams are split (the contracts): a route given a partitioned stream's name reads all its shards. */
  readonly partitions: StreamPartitions;
}

export type ConsoleApp = Hono<ConsoleEnv>;

/** A request the console refuses, with the status and message the page shows. */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 502 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** A stream or group name as the bus accepts it, else a 400 that says what is wrong. */
export function checkedName(kind: string, name: string): string {
  try {
    assertName(kind, name);
  } catch (err) {
    throw new RequestError(400, (err as Error).message);
  }
  return name;
}

const ENTRY_ID = /^\d+-\d+$/;

/** An entry id (1700000000000-0) from a query parameter, else a 400. */
export function checkedEntryId(what: string, id: string): string {
  if (!ENTRY_ID.test(id)) throw new RequestError(400, `${what} "${id}" is not an entry id (like 1700000000000-0)`);
  return id;
}

/** A page size from a query parameter: 1..max, default `dflt`. */
export function pageSize(text: string | undefined, dflt: number, max: number): number {
  if (text === undefined || text === '') return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RequestError(400, `count "${text}" is not a positive whole number`);
  return Math.min(n, max);
}
