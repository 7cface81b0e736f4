/**
 * Safe retention: trim a stream by length or age, but never past the oldest entry some consumer
 * group has not acked (pending, or not delivered to it yet) unless forced. A forced trim says what
 * it dropped, per group. On Redis 8.2+ the unforced trim is `XTRIM … ACKED`, which the server
 * enforces entry by entry; elsewhere it is `XTRIM MINID` up to the oldest un-acked entry.
 *
 * Planning and trimming are two steps, and the races between them are benign: new entries land
 * after the cutoff, and groups only move forward (ack, read). The one exception is an operator
 * creating or resetting a group to an older position at the same moment (see replay.ts).
 */
import { detectCapabilities, type Capabilities } from './capabilities.js';
import { xinfoGroups, xinfoStream, xpending, xpendingSummary, xrange } from './commands.js';
import type { RedisArg, RedisDriver } from './drivers/driver.js';
import { ConfigError } from './errors.js';
import { compareEntryIds } from './ids.js';
import { assertName, type Keys } from './keys.js';
import { runScript, SCRIPTS } from './scripts.js';

export interface TrimOptions {
  /** Keep at most this many of the newest entries. */
  maxLen?: number;
  /** Drop entries older than this many ms. With both limits, an entry goes when it breaks either. */
  maxAgeMs?: number;
  /** Trim to the limits even past entries some group has not acked, and report what was dropped. @defaultValue false */
  force?: boolean;
  /** Plan and report, change nothing. @defaultValue false */
  dryRun?: boolean;
  /** The time `maxAgeMs` counts back from, ms since epoch. @defaultValue Date.now() */
  now?: number;
}

/** Where one group's un-acked entries begin. */
export interface GroupRetention {
  readonly group: string;
  /** Its oldest un-acked entry: its oldest pending entry, else the first entry it has not read; null when it has acked everything. */
  readonly oldestUnacked: string | null;
  readonly reason: 'pending' | 'undelivered' | null;
  readonly pending: number;
  /** The last entry delivered to the group (XINFO GROUPS last-delivered-id). */
  readonly lastDeliveredId: string;
}

/** Un-acked entries of one group that a forced trim dropped (or, dry, would drop). */
export interface DroppedUnacked {
  readonly group: string;
  /** Entries it had read but not acked. */
  readonly pending: number;
  /** Entries it had not read yet. */
  readonly undelivered: number;
}

export interface TrimResult {
  readonly stream: string;
  readonly dryRun: boolean;
  readonly forced: boolean;
  /** How the trim ran: `XTRIM MINID … ACKED` (Redis 8.2+), plain `XTRIM MINID`, or not at all. */
  readonly method: 'xtrim-acked' | 'xtrim-minid' | 'none';
  readonly lengthBefore: number;
  /** After the trim; for a dry run, what it would be. */
  readonly lengthAfter: number;
  /** Entries removed; for a dry run, how many would be. */
  readonly trimmed: number;
  /** Entries with ids below this were asked to go (null: the limits asked for nothing). */
  readonly requestedCutoff: string | null;
  /** Entries with ids below this went (null: nothing did). */
  readonly cutoff: string | null;
  /** The group whose oldest un-acked entry stopped the trim short of the request, if one did. */
  readonly heldBackBy: { readonly group: string; readonly entryId: string; readonly reason: 'pending' | 'undelivered' } | null;
  /** Every group's oldest un-acked entry, as found before trimming. */
  readonly groups: readonly GroupRetention[];
  /** For a forced trim, the un-acked entries it dropped; zero otherwise. */
  readonly dropped: { readonly count: number; readonly groups: readonly DroppedUnacked[] };
}

/** The id right after `id`: the smallest id greater than it. */
export function nextEntryId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}

/** Entries in [start, end] (XRANGE syntax, "(" for exclusive), counted server-side up to `limit`. */
export async function countEntries(
  driver: RedisDriver,
  key: string,
  start: string,
  end: string,
  limit: number,
): Promise<{ count: number; lastId: string | null }> {
  if (limit <= 0) return { count: 0, lastId: null };
  const r = (await runScript(driver, SCRIPTS.countEntries, [key], [start, end, limit])) as [number, string];
  return { count: Number(r[0]), lastId: r[1] ? String(r[1]) : null };
}

const maxId = (a: string, b: string) => (compareEntryIds(a, b) >= 0 ? a : b);

function nonNegativeInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) {
    throw new ConfigError(`${name} must be a non-negative integer, got ${v}`, { option: name, value: v });
  }
}

/** Each group's oldest un-acked entry of the stream at `key`. */
export async function groupRetention(driver: RedisDriver, key: string): Promise<GroupRetention[]> {
  const out: GroupRetention[] = [];
  for (const g of await xinfoGroups(driver, key)) {
    if (g.pending > 0) {
      // Pending entries were delivered, so they lie at or before last-delivered-id: the smallest is the floor.
      const summary = await xpendingSummary(driver, key, g.name);
      if (summary.smallestId) {
        out.push({ group: g.name, oldestUnacked: summary.smallestId, reason: 'pending', pending: summary.count, lastDeliveredId: g.lastDeliveredId });
        continue;
      }
    }
    const next = await xrange(driver, key, `(${g.lastDeliveredId || '0-0'}`, '+', 1);
    out.push({
      group: g.name,
      oldestUnacked: next[0]?.id ?? null,
      reason: next[0] ? 'undelivered' : null,
      pending: g.pending,
      lastDeliveredId: g.lastDeliveredId,
    });
  }
  return out;
}

async function countPendingBelow(driver: RedisDriver, key: string, group: string, cutoff: string): Promise<number> {
  let n = 0;
  let start = '-';
  for (;;) {
    const rows = await xpending(driver, key, group, { start, end: `(${cutoff}`, count: 1000 });
    n += rows.length;
    if (rows.length < 1000) return n;
    start = `(${rows[rows.length - 1]!.id}`;
  }
}

/** The XTRIM command for a planned trim: ACKED where the server has it and the trim is not forced. */
export function trimCommand(key: string, cutoff: string, caps: Capabilities, force: boolean): { args: RedisArg[]; method: 'xtrim-acked' | 'xtrim-minid' } {
  if (caps.xtrimAcked && !force) return { args: ['XTRIM', key, 'MINID', '=', cutoff, 'ACKED'], method: 'xtrim-acked' };
  return { args: ['XTRIM', key, 'MINID', '=', cutoff], method: 'xtrim-minid' };
}

/**
 * Trim `stream` to `maxLen` entries and/or `maxAgeMs` of age, stopping at the oldest entry some group
 * has not acked unless `force`; returns what was (or, with `dryRun`, would be) trimmed and why it stopped.
 */
export async function trimStream(driver: RedisDriver, keys: Keys, stream: string, opts: TrimOptions): Promise<TrimResult> {
  assertName('stream', stream);
  nonNegativeInt('maxLen', opts.maxLen);
  nonNegativeInt('maxAgeMs', opts.maxAgeMs);
  if (opts.maxLen === undefined && opts.maxAgeMs === undefined) {
    throw new ConfigError('trimStream needs maxLen or maxAgeMs (or both)');
  }
  const force = opts.force ?? false;
  const dryRun = opts.dryRun ?? false;
  const key = keys.stream(stream);
  const info = await xinfoStream(driver, key);
  const nothing = (lengthBefore: number, groups: GroupRetention[], requestedCutoff: string | null): TrimResult => ({
    stream,
    dryRun,
    forced: force,
    method: 'none',
    lengthBefore,
    lengthAfter: lengthBefore,
    trimmed: 0,
    requestedCutoff,
    cutoff: null,
    heldBackBy: null,
    groups,
    dropped: { count: 0, groups: [] },
  });
  if (!info || info.length === 0 || !info.firstEntryId || !info.lastEntryId) return nothing(info?.length ?? 0, [], null);

  // What the limits ask for: drop every entry with an id below `requested`.
  let requested: string | null = null;
  if (opts.maxLen !== undefined && info.length > opts.maxLen) {
    const toDrop = info.length - opts.maxLen;
    const r = await countEntries(driver, key, '-', '+', toDrop + 1);
    requested = r.count === toDrop + 1 && r.lastId ? r.lastId : nextEntryId(info.lastEntryId);
  }
  if (opts.maxAgeMs !== undefined) {
    const byAge = `${Math.max(0, (opts.now ?? Date.now()) - opts.maxAgeMs)}-0`;
    requested = requested === null ? byAge : maxId(requested, byAge);
  }
  const groups = await groupRetention(driver, key);
  if (requested === null || compareEntryIds(requested, info.firstEntryId) <= 0) return nothing(info.length, groups, requested);

  // The safe limit: the oldest entry any group has not acked.
  let holder: GroupRetention | undefined;
  for (const g of groups) {
    if (g.oldestUnacked && (!holder || compareEntryIds(g.oldestUnacked, holder.oldestUnacked!) < 0)) holder = g;
  }
  const heldBack = !force && holder !== undefined && compareEntryIds(holder.oldestUnacked!, requested) < 0;
  const cutoff = heldBack ? holder!.oldestUnacked! : requested;

  const dropped: DroppedUnacked[] = [];
  if (force) {
    for (const g of groups) {
      if (!g.oldestUnacked || compareEntryIds(g.oldestUnacked, cutoff) >= 0) continue;
      const pending = g.pending > 0 ? await countPendingBelow(driver, key, g.group, cutoff) : 0;
      const from = g.lastDeliveredId || '0-0';
      const undelivered = compareEntryIds(from, cutoff) < 0 ? (await countEntries(driver, key, `(${from}`, `(${cutoff}`, info.length)).count : 0;
      if (pending + undelivered > 0) dropped.push({ group: g.group, pending, undelivered });
    }
  }
  const droppedCount = dropped.reduce((n, d) => n + d.pending + d.undelivered, 0);
  const heldBackBy = heldBack ? { group: holder!.group, entryId: holder!.oldestUnacked!, reason: holder!.reason! } : null;

  if (compareEntryIds(cutoff, info.firstEntryId) <= 0) {
    return { ...nothing(info.length, groups, requested), heldBackBy };
  }
  // ACKED adds the server's own per-entry check, which also closes the race with a group moved back meanwhile.
  const caps = await detectCapabilities(driver);
  const command = trimCommand(key, cutoff, caps, force);
  // A dry run counts what the trim would remove; a real one trims and reads the length it left.
  const trimmed = dryRun ? (await countEntries(driver, key, '-', `(${cutoff}`, info.length)).count : Number(await driver.call(command.args));
  const lengthAfter = dryRun ? info.length - trimmed : Number(await driver.call(['XLEN', key]));
  return {
    stream,
    dryRun,
    forced: force,
    method: command.method,
    lengthBefore: info.length,
    lengthAfter,
    trimmed,
    requestedCutoff: requested,
    cutoff,
    heldBackBy,
    groups,
    dropped: { count: droppedCount, groups: dropped },
  };
}
