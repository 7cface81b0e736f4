/**
 * The stream commands the bus uses, typed, over a `RedisDriver`. Replies arrive RESP2-shaped
 * (see drivers/driver.ts); every parse of a Redis reply lives here.
 */
import type { RedisArg, RedisDriver, Reply } from './drivers/driver.js';
import { isRedisError } from './errors.js';

export interface StreamEntry {
  readonly id: string;
  /** Flat [name, value, ...] list; null when the entry was deleted while pending (Redis < 7). */
  readonly fields: string[] | null;
}

export interface StreamRead {
  readonly stream: string;
  readonly entries: StreamEntry[];
}

export interface PendingEntry {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  readonly deliveryCount: number;
}

export interface GroupInfo {
  readonly name: string;
  readonly consumers: number;
  readonly pending: number;
  readonly lastDeliveredId: string;
  /** Entries the group has not read yet; null when Redis cannot tell (after deletions). */
  readonly lag: number | null;
  readonly entriesRead: number | null;
}

export interface ConsumerInfo {
  readonly name: string;
  readonly pending: number;
  readonly idleMs: number;
  /** ms since the consumer's last successful read or claim (Redis 7.2+), else undefined. */
  readonly inactiveMs: number | undefined;
}

const str = (r: Reply | undefined): string => (r === null || r === undefined ? '' : String(r));
const num = (r: Reply | undefined): number => (r === null || r === undefined ? 0 : Number(r));

function asArray(r: Reply | undefined): Reply[] {
  return Array.isArray(r) ? r : [];
}

/** A flat [k, v, k, v] array (RESP2 map shape) as key/value pairs. */
function pairs(r: Reply | undefined): Map<string, Reply> {
  const out = new Map<string, Reply>();
  const a = asArray(r);
  for (let i = 0; i + 1 < a.length; i += 2) out.set(str(a[i]), a[i + 1] ?? null);
  return out;
}

function parseEntries(r: Reply | undefined): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const e of asArray(r)) {
    if (!Array.isArray(e)) continue;
    const fields = e[1];
    out.push({ id: str(e[0]), fields: Array.isArray(fields) ? asStrings(fields) : null });
  }
  return out;
}

/** The field list as strings; the drivers' replies already are, so the list is copied only when one is not. */
function asStrings(fields: Reply[]): string[] {
  for (const f of fields) if (typeof f !== 'string') return fields.map(String);
  return fields as string[];
}

/** Parse XREAD/XREADGROUP replies: RESP3 map flattened `[stream, entries, ...]` or RESP2 `[[stream, entries], ...]`. */
export function parseStreamReads(r: Reply): StreamRead[] {
  const a = asArray(r);
  if (a.length === 0) return [];
  const out: StreamRead[] = [];
  if (Array.isArray(a[0])) {
    for (const item of a) {
      const pair = asArray(item);
      out.push({ stream: str(pair[0]), entries: parseEntries(pair[1]) });
    }
  } else {
    for (let i = 0; i + 1 < a.length; i += 2) out.push({ stream: str(a[i]), entries: parseEntries(a[i + 1]) });
  }
  return out;
}

export interface AddOptions {
  /** Explicit entry id; default "*". */
  id?: string;
  /** Cap the stream near this length (MAXLEN ~). */
  maxLen?: number;
  /** Drop entries older than this entry id (MINID ~). */
  minId?: string;
  /** Append only to an existing stream (NOMKSTREAM): XADD then replies null instead of creating it. */
  noMkStream?: boolean;
}

/** XADD arguments for one entry. */
export function xaddArgs(key: string, fields: readonly string[], opts: AddOptions = {}): RedisArg[] {
  const args: RedisArg[] = ['XADD', key];
  if (opts.noMkStream) args.push('NOMKSTREAM');
  if (opts.maxLen !== undefined) args.push('MAXLEN', '~', opts.maxLen);
  else if (opts.minId !== undefined) args.push('MINID', '~', opts.minId);
  args.push(opts.id ?? '*', ...fields);
  return args;
}

export async function xadd(d: RedisDriver, key: string, fields: readonly string[], opts?: AddOptions): Promise<string> {
  return str(await d.call(xaddArgs(key, fields, opts)));
}

export interface ReadGroupOptions {
  count: number;
  /** Block up to this long for new entries; omit to return at once. */
  blockMs?: number;
}

/** XREADGROUP over one or more streams; `ids` pairs with `keys` (">" for new entries). */
export async function xreadgroup(
  d: RedisDriver,
  group: string,
  consumer: string,
  keys: readonly string[],
  ids: readonly string[],
  opts: ReadGroupOptions,
): Promise<StreamRead[]> {
  const args: RedisArg[] = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', opts.count];
  if (opts.blockMs !== undefined) args.push('BLOCK', opts.blockMs);
  args.push('STREAMS', ...keys, ...ids);
  return parseStreamReads(await d.call(args));
}

export function xackArgs(key: string, group: string, ids: readonly string[]): RedisArg[] {
  return ['XACK', key, group, ...ids];
}

export async function xack(d: RedisDriver, key: string, group: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return num(await d.call(xackArgs(key, group, ids)));
}

/** XGROUP CREATE … MKSTREAM; false when the group already exists. */
export async function xgroupCreate(d: RedisDriver, key: string, group: string, startId: string): Promise<boolean> {
  try {
    await d.call(['XGROUP', 'CREATE', key, group, startId, 'MKSTREAM']);
    return true;
  } catch (err) {
    if (isRedisError(err, 'BUSYGROUP')) return false;
    throw err;
  }
}

export interface AutoClaimResult {
  readonly next: string;
  readonly entries: StreamEntry[];
  /** Ids that were pending but no longer exist in the stream (trimmed or deleted); Redis removed them from the PEL. */
  readonly deleted: string[];
}

export async function xautoclaim(
  d: RedisDriver,
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  start: string,
  count: number,
): Promise<AutoClaimResult> {
  const r = asArray(await d.call(['XAUTOCLAIM', key, group, consumer, minIdleMs, start, 'COUNT', count]));
  const all = parseEntries(r[1]);
  // Redis 6.2 returns deleted entries as nil fields; Redis 7 lists them in a third element.
  const entries = all.filter((e) => e.fields !== null);
  const deleted = [...all.filter((e) => e.fields === null).map((e) => e.id), ...asArray(r[2]).map(str)];
  return { next: str(r[0]) || '0-0', entries, deleted };
}

/** XCLAIM returning full entries; entries missing from the reply no longer exist in the stream. */
export async function xclaim(
  d: RedisDriver,
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  ids: readonly string[],
): Promise<StreamEntry[]> {
  if (ids.length === 0) return [];
  return parseEntries(await d.call(['XCLAIM', key, group, consumer, minIdleMs, ...ids])).filter((e) => e.fields !== null);
}

export interface PendingQuery {
  start?: string;
  end?: string;
  count: number;
  /** Only entries idle at least this long (Redis 6.2+). */
  minIdleMs?: number;
  consumer?: string;
}

export async function xpending(d: RedisDriver, key: string, group: string, q: PendingQuery): Promise<PendingEntry[]> {
  const args: RedisArg[] = ['XPENDING', key, group];
  if (q.minIdleMs !== undefined) args.push('IDLE', q.minIdleMs);
  args.push(q.start ?? '-', q.end ?? '+', q.count);
  if (q.consumer !== undefined) args.push(q.consumer);
  return asArray(await d.call(args)).map((row) => {
    const a = asArray(row);
    return { id: str(a[0]), consumer: str(a[1]), idleMs: num(a[2]), deliveryCount: num(a[3]) };
  });
}

export interface PendingSummary {
  readonly count: number;
  readonly smallestId: string | null;
  readonly largestId: string | null;
  readonly consumers: { name: string; pending: number }[];
}

export async function xpendingSummary(d: RedisDriver, key: string, group: string): Promise<PendingSummary> {
  const a = asArray(await d.call(['XPENDING', key, group]));
  const consumers = asArray(a[3]).map((row) => {
    const c = asArray(row);
    return { name: str(c[0]), pending: num(c[1]) };
  });
  return {
    count: num(a[0]),
    smallestId: a[1] === null || a[1] === undefined ? null : str(a[1]),
    largestId: a[2] === null || a[2] === undefined ? null : str(a[2]),
    consumers,
  };
}

export async function xinfoGroups(d: RedisDriver, key: string): Promise<GroupInfo[]> {
  try {
    return asArray(await d.call(['XINFO', 'GROUPS', key])).map((row) => {
      const m = pairs(row);
      const lag = m.get('lag');
      const read = m.get('entries-read');
      return {
        name: str(m.get('name')),
        consumers: num(m.get('consumers')),
        pending: num(m.get('pending')),
        lastDeliveredId: str(m.get('last-delivered-id')),
        lag: lag === null || lag === undefined ? null : Number(lag),
        entriesRead: read === null || read === undefined ? null : Number(read),
      };
    });
  } catch (err) {
    if (isRedisError(err, 'ERR no such key')) return [];
    throw err;
  }
}

export async function xinfoConsumers(d: RedisDriver, key: string, group: string): Promise<ConsumerInfo[]> {
  return asArray(await d.call(['XINFO', 'CONSUMERS', key, group])).map((row) => {
    const m = pairs(row);
    const inactive = m.get('inactive');
    return {
      name: str(m.get('name')),
      pending: num(m.get('pending')),
      idleMs: num(m.get('idle')),
      inactiveMs: inactive === null || inactive === undefined ? undefined : Number(inactive),
    };
  });
}

export interface StreamInfo {
  readonly length: number;
  readonly lastGeneratedId: string;
  readonly firstEntryId: string | null;
  readonly lastEntryId: string | null;
  readonly entriesAdded: number | null;
  /** The largest id ever deleted from the stream (XDEL, trims); null before Redis 7, "0-0" when none was. */
  readonly maxDeletedEntryId: string | null;
  readonly groups: number;
}

/** XINFO STREAM, or null when the key does not exist. */
export async function xinfoStream(d: RedisDriver, key: string): Promise<StreamInfo | null> {
  let r: Reply;
  try {
    r = await d.call(['XINFO', 'STREAM', key]);
  } catch (err) {
    if (isRedisError(err, 'ERR no such key')) return null;
    throw err;
  }
  const m = pairs(r);
  const first = asArray(m.get('first-entry'));
  const last = asArray(m.get('last-entry'));
  const added = m.get('entries-added');
  return {
    length: num(m.get('length')),
    lastGeneratedId: str(m.get('last-generated-id')),
    firstEntryId: first.length ? str(first[0]) : null,
    lastEntryId: last.length ? str(last[0]) : null,
    entriesAdded: added === null || added === undefined ? null : Number(added),
    maxDeletedEntryId: m.get('max-deleted-entry-id') === undefined || m.get('max-deleted-entry-id') === null ? null : str(m.get('max-deleted-entry-id')),
    groups: num(m.get('groups')),
  };
}

export async function xrange(d: RedisDriver, key: string, start: string, end: string, count?: number): Promise<StreamEntry[]> {
  const args: RedisArg[] = ['XRANGE', key, start, end];
  if (count !== undefined) args.push('COUNT', count);
  return parseEntries(await d.call(args));
}

export async function xrevrange(d: RedisDriver, key: string, end: string, start: string, count?: number): Promise<StreamEntry[]> {
  const args: RedisArg[] = ['XREVRANGE', key, end, start];
  if (count !== undefined) args.push('COUNT', count);
  return parseEntries(await d.call(args));
}

/**
 * Iterate SCAN over keys matching a pattern (and of a type, e.g. "stream"). On Redis Cluster every
 * master is scanned (each holds its own slots): an operator's tool; agents find keys by name or index.
 */
export async function scanKeys(d: RedisDriver, match: string, type?: string): Promise<string[]> {
  const out = new Set<string>();
  for (const node of d.masters ? await d.masters() : [d]) {
    let cursor = '0';
    do {
      const args: RedisArg[] = ['SCAN', cursor, 'MATCH', match, 'COUNT', 500];
      if (type) args.push('TYPE', type);
      const r = asArray(await node.call(args));
      cursor = str(r[0]);
      for (const k of asArray(r[1])) out.add(str(k));
    } while (cursor !== '0');
  }
  return [...out].sort();
}
