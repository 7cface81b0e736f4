/**
 * One conversation's trace: every hop of it across streams and their dead letters, with timings.
 *
 * A conversation is the closure of: the message with that id or corr, every message sharing a corr
 * with one found, and every message whose cause is one found. The streams (and their dead letters)
 * are scanned with XRANGE from a start point; for each hop, each group's state is read from its
 * last-delivered id and its pending list: acked, pending, unread, or dead-lettered. A hop on a
 * partitioned stream names the shard that holds it (`wa.inbound.2`).
 */
import { envelopeFields, streamShards, type Keys, type RedisDriver, type StreamPartitions } from '@hive/bus';
import { compareEntryIds, deadLetterKeys, type GroupInfo, ORIGINAL_FIELD, parseOriginal, scanKeys, xinfoGroups, xrange } from '@hive/bus/admin';
import type { GroupState, Hop } from './hop.js';

/** Without an explicit start, scan from this long before the time in a ULID id (producer clocks drift). */
export const ULID_SLACK_MS = 5 * 60_000;
const PAGE = 1_000;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

interface Candidate extends Omit<Hop, 'deltaMs' | 'sinceCauseMs' | 'groups'> {
  key: string;
}

export interface TraceOptions {
  /** Scan from this entry id; default: 5 minutes before the earliest ULID time among the ids found, else the start. */
  from?: string;
  /** Only these streams (and their dead letters); a partitioned one means all its shards. Default: every stream under the prefix. */
  streams?: readonly string[];
  /** How streams are split (the contracts), so that `streams` finds a partitioned stream's shards. @defaultValue none */
  partitions?: StreamPartitions;
}

export interface Trace {
  query: string;
  /** The entry id the scan started from. */
  from: string;
  streamsScanned: string[];
  /** Ordered by time; empty when nothing matched. */
  hops: Hop[];
}

/** Every hop of the conversation of `query` (a message id or a corr), or no hops when none is found. */
export async function traceConversation(redis: RedisDriver, keys: Keys, query: string, opts: TraceOptions = {}): Promise<Trace> {
  const scanKeysList = await keysToScan(redis, keys, (opts.streams ?? []).flatMap((s) => streamShards(opts.partitions, s)));
  let from = opts.from ?? scanStartFor([query]);
  let matched: Candidate[] = [];
  // Scan, close over the conversation, and widen the window once more if it began earlier than scanned.
  for (let pass = 0; pass < 3; pass++) {
    const candidates = await scan(redis, scanKeysList, from);
    matched = closure(candidates, query);
    if (opts.from !== undefined) break;
    const earlier = scanStartFor([query, ...matched.flatMap((m) => [m.id, m.corr])]);
    if (compareEntryIds(earlier, from) >= 0) break;
    from = earlier;
  }
  const hops = matched.length === 0 ? [] : await describeHops(redis, matched);
  return { query, from, streamsScanned: scanKeysList.map((k) => k.name), hops };
}

interface ScanKey {
  name: string;
  key: string;
  kind: Hop['kind'];
}

async function keysToScan(redis: RedisDriver, keys: Keys, only: readonly string[]): Promise<ScanKey[]> {
  if (only.length > 0) {
    const out: ScanKey[] = [];
    for (const s of only) {
      out.push({ name: s, key: keys.stream(s), kind: 'message' });
      for (const key of await deadLetterKeys(redis, keys, s)) out.push({ name: `dlq:${s}`, key, kind: 'dead-letter' });
    }
    return out;
  }
  const out: ScanKey[] = [];
  for (const key of await scanKeys(redis, keys.streamPattern(), 'stream')) {
    const name = keys.streamName(key);
    if (name !== undefined) out.push({ name, key, kind: 'message' });
  }
  // Each group's dead letters and the shared ones of earlier versions: keys.deadLetterStreamName knows both.
  for (const key of await scanKeys(redis, keys.deadLetterPattern(), 'stream')) {
    const name = keys.deadLetterStreamName(key);
    if (name !== undefined) out.push({ name: `dlq:${name}`, key, kind: 'dead-letter' });
  }
  return out;
}

/** Where to start scanning for these ids: 5 minutes before the earliest ULID time among them, else the start. */
function scanStartFor(ids: readonly string[]): string {
  let earliest: number | undefined;
  for (const id of ids) {
    const t = ulidTime(id);
    if (t !== undefined && (earliest === undefined || t < earliest)) earliest = t;
  }
  return earliest === undefined ? '0-0' : `${Math.max(0, earliest - ULID_SLACK_MS)}-0`;
}

/** The time in a ULID, if the id is one and the time is plausible (after 2000, not in the future by a day). */
export function ulidTime(id: string): number | undefined {
  if (!ULID.test(id)) return undefined;
  let t = 0;
  for (const ch of id.slice(0, 10).toUpperCase()) t = t * 32 + CROCKFORD.indexOf(ch);
  return t > 946_684_800_000 && t < Date.now() + 86_400_000 ? t : undefined;
}

async function scan(redis: RedisDriver, keys: readonly ScanKey[], from: string): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const k of keys) {
    let start = from;
    for (;;) {
      const page = await xrange(redis, k.key, start, '+', PAGE);
      for (const e of page) {
        const raw = envelopeFields(e.fields);
        // A dead letter holds its original entry as one field: its id, type, corr are in there.
        const original = raw[ORIGINAL_FIELD] === undefined ? undefined : parseOriginal(raw[ORIGINAL_FIELD]);
        const f = original ? { ...envelopeFields(original), ...raw } : raw;
        if (!f.id) continue;
        const base = { key: k.key, stream: k.name, entryId: e.id, type: f.type ?? '?', src: f.src ?? '?', id: f.id, corr: f.corr || f.id, cause: f.cause ?? '' };
        if (k.kind === 'dead-letter') {
          out.push({
            ...base,
            kind: 'dead-letter',
            ts: Number(f['dl.at']) || Number(f.ts) || 0,
            deadLetter: {
              stream: f['dl.stream'] ?? k.name.slice('dlq:'.length),
              group: f['dl.group'] ?? '?',
              reason: f['dl.reason'] ?? '?',
              error: f['dl.error'] ?? '',
              deliveries: Number(f['dl.deliveries'] ?? 0),
              entryId: f['dl.entry'] ?? '',
            },
          });
        } else out.push({ ...base, kind: 'message', ts: Number(f.ts) || 0 });
      }
      if (page.length < PAGE) break;
      start = `(${page.at(-1)!.id}`;
    }
  }
  return out;
}

/** Every candidate in the conversation of `query`: same id, same corr, or caused by one found (to a fixpoint). */
function closure(candidates: readonly Candidate[], query: string): Candidate[] {
  const ids = new Set([query]);
  const corrs = new Set([query]);
  const matched = new Set<Candidate>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of candidates) {
      if (matched.has(c)) continue;
      if (ids.has(c.id) || corrs.has(c.corr) || (c.cause !== '' && ids.has(c.cause))) {
        matched.add(c);
        ids.add(c.id);
        corrs.add(c.corr);
        changed = true;
      }
    }
  }
  return [...matched];
}

async function describeHops(redis: RedisDriver, found: readonly Candidate[]): Promise<Hop[]> {
  const sorted = [...found].sort((a, b) => a.ts - b.ts || compareEntryIds(a.entryId, b.entryId));
  const first = sorted[0]!.ts;
  const byId = new Map<string, Candidate>();
  for (const c of sorted) if (c.kind === 'message' && !byId.has(c.id)) byId.set(c.id, c);
  const deadLettered = new Set(sorted.filter((c) => c.deadLetter).map((c) => `${c.deadLetter!.stream}/${c.deadLetter!.entryId}/${c.deadLetter!.group}`));

  // Group states: one XINFO GROUPS per stream, one XPENDING per (hop, group) that has read the entry.
  const groupsOf = new Map<string, GroupInfo[]>();
  for (const c of sorted) if (c.kind === 'message' && !groupsOf.has(c.key)) groupsOf.set(c.key, await xinfoGroups(redis, c.key));
  const queries: { hop: number; group: string; args: string[] }[] = [];
  const states: GroupState[][] = sorted.map(() => []);
  sorted.forEach((c, i) => {
    if (c.kind !== 'message') return;
    for (const g of groupsOf.get(c.key) ?? []) {
      if (deadLettered.has(`${c.stream}/${c.entryId}/${g.name}`)) states[i]!.push({ group: g.name, state: 'dead-lettered' });
      else if (compareEntryIds(c.entryId, g.lastDeliveredId || '0-0') > 0) states[i]!.push({ group: g.name, state: 'unread' });
      else queries.push({ hop: i, group: g.name, args: ['XPENDING', c.key, g.name, c.entryId, c.entryId, '1'] });
    }
  });
  const replies = await redis.pipeline(queries.map((q) => q.args));
  queries.forEach((q, j) => {
    const r = replies[j];
    const row = r?.ok && Array.isArray(r.value) && Array.isArray(r.value[0]) ? r.value[0] : undefined;
    states[q.hop]!.push(
      row ? { group: q.group, state: 'pending', consumer: String(row[1]), deliveries: Number(row[3]) } : { group: q.group, state: 'acked' },
    );
  });

  return sorted.map(({ key: _key, ...c }, i) => {
    // A message answers its cause; a dead letter follows the message it holds.
    const cause = c.kind === 'dead-letter' ? byId.get(c.id) : c.cause ? byId.get(c.cause) : undefined;
    return {
      ...c,
      deltaMs: c.ts - first,
      sinceCauseMs: cause && cause !== sorted[i] ? c.ts - cause.ts : null,
      groups: states[i]!.sort((a, b) => a.group.localeCompare(b.group)),
    };
  });
}
