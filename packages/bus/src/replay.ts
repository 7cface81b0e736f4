/**
 * Replay: read a stream's history again without disturbing anyone. Three ways:
 *   - into a new group that starts at an entry id or a time (`replayIntoGroup`, mode "create");
 *   - by moving an existing group back or forth (`replayIntoGroup`, mode "reset": XGROUP SETID),
 *     refused while the group has pending entries unless forced;
 *   - straight to a handler through XRANGE pages, touching no group at all (`replayToHandler`).
 * This is how one agent is developed in isolation: its dev copy reads live or past traffic in its
 * own group (or none) while the real agent's group is left alone.
 */
import { xgroupCreate, xinfoGroups, xrange } from './commands.js';
import { checkFromHere } from './middleware/idempotency.js';
import { decodeWithContracts, type ContractRegistry } from './contracts.js';
import type { RedisDriver } from './drivers/driver.js';
import type { Message } from './envelope.js';
import { ConfigError, HiveError, type DecodeError } from './errors.js';
import { assertName, type Keys } from './keys.js';
import { countEntries } from './retention.js';

/** Where a replay starts or ends: an entry id ("1700000000000-0"), or a time (ms since epoch, or a Date). */
export type ReplayPosition = string | number | Date;

const ENTRY_ID = /^\d+(-\d+)?$/;
const MAX_SEQ = 18446744073709551615n; // largest sequence number of a stream entry id

/** A position as an entry id: a time becomes `<ms>-0`, the first id at that millisecond. */
export function positionToEntryId(at: ReplayPosition): string {
  if (at instanceof Date) at = at.getTime();
  if (typeof at === 'number') {
    if (!Number.isSafeInteger(at) || at < 0) throw new ConfigError(`replay position ${at} is not a time in ms since the epoch`, { at });
    return `${at}-0`;
  }
  if (!ENTRY_ID.test(at)) {
    throw new ConfigError(`replay position "${at}" is not an entry id ("<ms>-<seq>") or a time`, { at });
  }
  return at.includes('-') ? at : `${at}-0`;
}

/** The id just before `id`, so that a group set there reads `id` itself next. */
export function entryIdBefore(id: string): string {
  const [msPart = '0', seqPart = '0'] = id.split('-');
  const ms = BigInt(msPart);
  const seq = BigInt(seqPart);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms > 0n) return `${ms - 1n}-${MAX_SEQ}`;
  return '0-0';
}

export interface ReplayIntoGroupOptions {
  stream: string;
  group: string;
  /** The first entry the group will read: an entry id or a time (the first entry at or after it). */
  from: ReplayPosition;
  /** "create" a new group (fails if it exists) or "reset" an existing one (fails if it does not). */
  mode: 'create' | 'reset';
  /** Reset even though the group has pending entries (they stay pending, and are redelivered or reclaimed). @defaultValue false */
  force?: boolean;
}

export interface ReplayIntoGroupResult {
  readonly stream: string;
  readonly group: string;
  readonly mode: 'create' | 'reset';
  /** The group's last-delivered-id now: it reads the entries after this one. */
  readonly lastDeliveredId: string;
  /** For a reset, where the group was before. */
  readonly previousLastDeliveredId: string | undefined;
  /** Entries the group had pending (left as they were). */
  readonly pending: number;
  /** Entries at or after `from` now in the stream: what the group will (re)read. */
  readonly entries: number;
}

/**
 * Point a new group ("create") or an existing one ("reset", XGROUP SETID) at `from`, so that its
 * subscription reads from there on; refuses to reset a group with pending entries unless `force`.
 */
export async function replayIntoGroup(driver: RedisDriver, keys: Keys, opts: ReplayIntoGroupOptions): Promise<ReplayIntoGroupResult> {
  assertName('stream', opts.stream);
  assertName('group', opts.group);
  const key = keys.stream(opts.stream);
  const from = positionToEntryId(opts.from);
  const setId = entryIdBefore(from);
  const existing = (await xinfoGroups(driver, key)).find((g) => g.name === opts.group);
  let previous: string | undefined;
  let pending = 0;
  if (opts.mode === 'create') {
    if (existing) {
      throw new ConfigError(`group "${opts.group}" already exists on stream "${opts.stream}": use mode "reset" to move it`, {
        reason: 'GROUP_EXISTS',
        stream: opts.stream,
        group: opts.group,
      });
    }
    // A group of this name may have handled these entries before (its marks outlive it).
    await checkFromHere(driver, keys.seen(opts.stream, opts.group), key);
    const created = await xgroupCreate(driver, key, opts.group, setId);
    if (!created) {
      throw new ConfigError(`group "${opts.group}" was created on stream "${opts.stream}" meanwhile`, { reason: 'GROUP_EXISTS', stream: opts.stream, group: opts.group });
    }
  } else if (opts.mode === 'reset') {
    if (!existing) {
      throw new HiveError('NOT_FOUND', `group "${opts.group}" does not exist on stream "${opts.stream}": use mode "create"`, {
        details: { stream: opts.stream, group: opts.group },
      });
    }
    previous = existing.lastDeliveredId;
    pending = existing.pending;
    if (pending > 0 && !opts.force) {
      throw new ConfigError(
        `group "${opts.group}" on stream "${opts.stream}" has ${pending} pending entries: let them finish, or force the reset (they stay pending)`,
        { reason: 'GROUP_HAS_PENDING', stream: opts.stream, group: opts.group, pending },
      );
    }
    // Before the move: entries the group handled come back as new to it, and must be asked about.
    await checkFromHere(driver, keys.seen(opts.stream, opts.group), key);
    await driver.call(['XGROUP', 'SETID', key, opts.group, setId]);
  } else {
    throw new ConfigError(`replay mode "${String(opts.mode)}" is unknown: use "create" or "reset"`, { mode: opts.mode });
  }
  const entries = Number(await driver.call(['XLEN', key])) === 0 ? 0 : await countFrom(driver, key, from);
  return { stream: opts.stream, group: opts.group, mode: opts.mode, lastDeliveredId: setId, previousLastDeliveredId: previous, pending, entries };
}

async function countFrom(driver: RedisDriver, key: string, from: string): Promise<number> {
  return (await countEntries(driver, key, from, '+', Number.MAX_SAFE_INTEGER)).count;
}

/** What a replay handler is told besides the message. */
export interface ReplayContext {
  readonly stream: string;
  readonly entryId: string;
}

export interface ReplayToHandlerOptions<T = unknown> {
  stream: string;
  /** First entry: an entry id or a time. @defaultValue the start of the stream */
  from?: ReplayPosition;
  /** Last entry, inclusive: an entry id or a time. @defaultValue the end of the stream as it is when each page is read */
  to?: ReplayPosition;
  /** Stop after this many entries. @defaultValue no limit */
  count?: number;
  /** Called once per decodable entry, in stream order, awaited. A throw stops the replay and rejects with it. */
  handler: (message: Message<T>, ctx: ReplayContext) => unknown;
  /** Validate and upcast payloads with these contracts; entries that fail count as invalid. */
  contracts?: ContractRegistry;
  /** Called for an entry that cannot be decoded (or fails its contract); it is skipped. */
  onInvalid?: (entryId: string, error: DecodeError) => void;
  /** Entries per XRANGE page. @defaultValue 500 */
  pageSize?: number;
  /** @defaultValue 1 MiB */
  maxMessageBytes?: number;
  /** Abort between entries. */
  signal?: AbortSignal;
}

export interface ReplayToHandlerResult {
  /** Entries read. */
  readonly read: number;
  /** Entries handed to the handler. */
  readonly handled: number;
  /** Entries that could not be decoded or failed their contract. */
  readonly invalid: number;
  /** The last entry read; resume after it with `from: nextEntryId(lastEntryId)`. */
  readonly lastEntryId: string | undefined;
}

/** An inclusive XRANGE end: an entry id as given, a time as its bare millisecond (all of it). */
function rangeEnd(to: ReplayPosition): string {
  const id = positionToEntryId(to);
  if (typeof to === 'string') return to;
  return id.slice(0, id.indexOf('-'));
}

/**
 * Read `stream` from `from` to `to` with XRANGE, page by page, and hand each message to `handler`
 * in order, without creating or moving any consumer group; resolves with the counts.
 */
export async function replayToHandler<T = unknown>(driver: RedisDriver, keys: Keys, opts: ReplayToHandlerOptions<T>): Promise<ReplayToHandlerResult> {
  assertName('stream', opts.stream);
  const key = keys.stream(opts.stream);
  const pageSize = opts.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new ConfigError(`pageSize must be a positive integer, got ${pageSize}`);
  const limit = opts.count ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new ConfigError(`count must be >= 0, got ${opts.count}`);
  // XRANGE reads a bare "<ms>" as "<ms>-0" for the start and "<ms>-<max seq>" for the end, so a time
  // as the end includes its whole millisecond.
  let start = opts.from === undefined ? '-' : positionToEntryId(opts.from);
  const end = opts.to === undefined ? '+' : rangeEnd(opts.to);
  let read = 0;
  let handled = 0;
  let invalid = 0;
  let lastEntryId: string | undefined;
  while (read < limit) {
    opts.signal?.throwIfAborted();
    const want = Math.min(pageSize, limit - read);
    const page = await xrange(driver, key, start, end, want);
    for (const entry of page) {
      opts.signal?.throwIfAborted();
      read++;
      lastEntryId = entry.id;
      const decoded = decodeWithContracts(entry.fields, opts.stream, opts.contracts, opts.maxMessageBytes);
      if (!decoded.ok) {
        invalid++;
        opts.onInvalid?.(entry.id, decoded.error);
        continue;
      }
      await opts.handler(decoded.message as Message<T>, { stream: opts.stream, entryId: entry.id });
      handled++;
    }
    if (page.length < want) break;
    start = `(${lastEntryId}`;
  }
  return { read, handled, invalid, lastEntryId };
}
