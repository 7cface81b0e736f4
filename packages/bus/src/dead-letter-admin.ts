/**
 * Operating dead letters: list, show, drop, and retry. Each group's dead letters are their own
 * stream (`keys.deadLetters(stream, group)`), found through the stream's index of groups with dead
 * letters (`keys.deadLetterGroups(stream)`), never by SCAN; the shared dead-letter stream earlier
 * versions wrote (`keys.sharedDeadLetters(stream)`) is read, retried and dropped alongside, so
 * nothing written before is lost.
 *
 * A retry sends the entry back to the FAILING GROUP ONLY, through that group's redrive stream
 * (`keys.redrive(stream, group)`), which its subscription also reads; the other groups on the
 * stream never see it again. The redriven entry keeps the original fields (one `dl.original` field)
 * and carries its history along (`dl.entry`, `dl.retries`, `dl.history`), so if it fails again its
 * new dead letter says what happened before.
 *
 * Dead-letter ids are stream entry ids, which the dead-letter script keeps unique across a stream's
 * groups (dead-letter-3.lua); should two groups still hold one (an index someone tampered with, or
 * shared dead letters of earlier versions), each call takes an optional group, and an id found in
 * two groups without one is a DEAD_LETTER_AMBIGUOUS error, never a guess.
 */
import { scanKeys, xrange, type StreamEntry } from './commands.js';
import { DEAD_LETTER_PREFIX, ORIGINAL_FIELD, ORIGINAL_PREFIX, parseHistory, parseOriginal, type DeadLetterAttempt, type DeadLetterInfo } from './dead-letters.js';
import type { RedisDriver } from './drivers/driver.js';
import { decodeEntry, DEFAULT_MAX_MESSAGE_BYTES, type Message } from './envelope.js';
import { HiveError, type HiveErrorCode } from './errors.js';
import { compareEntryIds } from './ids.js';
import { assertName, type Keys } from './keys.js';
import { SCRIPTS, runScript } from './scripts.js';

/** A dead letter as read back: why it failed, its history, the original fields and, if decodable, the message. */
export interface DeadLetter extends DeadLetterInfo {
  /** The dead-letter entry id (what show, drop and retry take). */
  readonly id: string;
  readonly retries: number;
  readonly history: readonly DeadLetterAttempt[];
  /** The original entry's fields, names restored, as a flat [name, value, ...] list. */
  readonly original: readonly string[];
  /** The original entry decoded, when it is a valid envelope (contracts are not applied). */
  readonly message: Message | undefined;
  /** Why the original entry does not decode, when it does not. */
  readonly decodeError: { readonly code: HiveErrorCode; readonly message: string; readonly field: string | undefined } | undefined;
}

/** Parse one dead-letter stream entry: a group's (original in `dl.original`) or a shared one of earlier versions (originals inline). */
export function parseDeadLetter(entry: StreamEntry, maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES): DeadLetter {
  const dl = new Map<string, string>();
  let original: string[] = [];
  const fields = entry.fields ?? [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (name === ORIGINAL_FIELD) original = parseOriginal(value) ?? [];
    else if (name.startsWith(ORIGINAL_PREFIX)) original.push(name.slice(ORIGINAL_PREFIX.length), value);
    else if (name.startsWith(DEAD_LETTER_PREFIX)) dl.set(name, value);
    else original.push(name, value);
  }
  const decoded = decodeEntry(original, maxMessageBytes);
  return {
    id: entry.id,
    stream: dl.get('dl.stream') ?? '',
    entryId: dl.get('dl.entry') ?? '',
    group: dl.get('dl.group') ?? '',
    consumer: dl.get('dl.consumer') ?? '',
    deliveryCount: Number(dl.get('dl.deliveries') ?? 0),
    reason: dl.get('dl.reason') ?? '',
    error: dl.get('dl.error') ?? '',
    field: dl.get('dl.field'),
    at: Number(dl.get('dl.at') ?? 0),
    retries: Number(dl.get('dl.retries') ?? 0),
    history: parseHistory(dl.get('dl.history')),
    original,
    message: decoded.ok ? decoded.message : undefined,
    decodeError: decoded.ok ? undefined : { code: decoded.error.code, message: decoded.error.message, field: decoded.error.field },
  };
}

/**
 * The dead-letter streams of `stream`: each group's (all the index names, or only `group`'s), then
 * the shared one of earlier versions (which holds every group's: filter by `dl.group`).
 */
export async function deadLetterKeys(driver: RedisDriver, keys: Keys, stream: string, group?: string): Promise<string[]> {
  assertName('stream', stream);
  if (group !== undefined) {
    assertName('group', group);
    return [keys.deadLetters(stream, group), keys.sharedDeadLetters(stream)];
  }
  const groups = ((await driver.call(['HKEYS', keys.deadLetterGroups(stream)])) as string[]).map(String).sort();
  return [...groups.map((g) => keys.deadLetters(stream, g)), keys.sharedDeadLetters(stream)];
}

/** One group's filter: the shared stream of earlier versions holds every group's dead letters. */
const ofGroup = (group: string | undefined) => (d: DeadLetter) => group === undefined || d.group === group;

/** Dead letters `id` of `stream` wherever they are (one per group at most), with the key holding each. */
async function locate(driver: RedisDriver, keys: Keys, stream: string, id: string, group: string | undefined): Promise<{ key: string; entry: StreamEntry; dl: DeadLetter }[]> {
  const found: { key: string; entry: StreamEntry; dl: DeadLetter }[] = [];
  for (const key of await deadLetterKeys(driver, keys, stream, group)) {
    const [entry] = await xrange(driver, key, id, id, 1);
    if (!entry || entry.id !== id) continue;
    const dl = parseDeadLetter(entry);
    if (ofGroup(group)(dl)) found.push({ key, entry, dl });
  }
  return found;
}

/** The one dead letter `id` of `stream`, or undefined; DEAD_LETTER_AMBIGUOUS when two groups hold that id and no group was named. */
async function locateOne(driver: RedisDriver, keys: Keys, stream: string, id: string, group: string | undefined) {
  const found = await locate(driver, keys, stream, id, group);
  if (found.length > 1) {
    const groups = found.map((f) => f.dl.group);
    throw new HiveError('DEAD_LETTER_AMBIGUOUS', `dead letter ${id} of "${stream}" is in the dead letters of groups ${groups.join(', ')}: name the group`, {
      details: { stream, id, groups },
    });
  }
  return found[0];
}

export interface ListDeadLettersOptions {
  /** At most this many. @defaultValue 100 */
  count?: number;
  /** First dead-letter id, inclusive ("(" + id for exclusive, to page on). @defaultValue "-" (the oldest) */
  start?: string;
  /** Only this group's. @defaultValue every group's */
  group?: string;
}

/** The dead letters of `stream` (every group's, or one group's), oldest first. */
export async function listDeadLetters(driver: RedisDriver, keys: Keys, stream: string, opts: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  const count = opts.count ?? 100;
  const out: DeadLetter[] = [];
  for (const key of await deadLetterKeys(driver, keys, stream, opts.group)) {
    let start = opts.start ?? '-';
    // The shared stream holds other groups' too: page on until `count` of this group's are found.
    for (;;) {
      const page = await xrange(driver, key, start, '+', count);
      out.push(...page.map((e) => parseDeadLetter(e)).filter(ofGroup(opts.group)));
      if (page.length < count || opts.group === undefined || key !== keys.sharedDeadLetters(stream)) break;
      start = `(${page[page.length - 1]!.id}`;
    }
  }
  return out.sort((x, y) => compareEntryIds(x.id, y.id) || x.group.localeCompare(y.group)).slice(0, count);
}

/** One dead letter of `stream` by its dead-letter id (and group, when two groups hold that id), or undefined when there is none. */
export async function getDeadLetter(driver: RedisDriver, keys: Keys, stream: string, deadLetterId: string, group?: string): Promise<DeadLetter | undefined> {
  return (await locateOne(driver, keys, stream, deadLetterId, group))?.dl;
}

/** What happened to one dead letter asked to be dropped or retried. */
export interface DeadLetterOutcome {
  readonly id: string;
  /** "missing": no such dead letter (never was, or already dropped or retried). */
  readonly status: 'dropped' | 'retried' | 'missing';
  /** For a retry, the group it went back to. */
  readonly group?: string;
  /** For a retry, the entry id on that group's redrive stream. */
  readonly redriveEntryId?: string;
}

/** Delete dead letters for good; each id is dropped at most once. */
export async function dropDeadLetters(driver: RedisDriver, keys: Keys, stream: string, ids: readonly string[], group?: string): Promise<DeadLetterOutcome[]> {
  assertName('stream', stream);
  const out: DeadLetterOutcome[] = [];
  for (const id of ids) {
    const found = await locateOne(driver, keys, stream, id, group);
    const dropped = found ? Number(await driver.call(['XDEL', found.key, id])) === 1 : false;
    out.push({ id, status: found && dropped ? 'dropped' : 'missing' });
  }
  return out;
}

/**
 * Send dead letters back to the group that failed them, and to no other group: each is moved
 * atomically (written to the redrive stream first, then deleted) from the dead-letter stream to
 * that group's redrive stream, which its subscription reads.
 */
export async function retryDeadLetters(driver: RedisDriver, keys: Keys, stream: string, ids: readonly string[], group?: string): Promise<DeadLetterOutcome[]> {
  assertName('stream', stream);
  const out: DeadLetterOutcome[] = [];
  for (const id of ids) {
    const found = await locateOne(driver, keys, stream, id, group);
    if (!found) {
      out.push({ id, status: 'missing' });
      continue;
    }
    const { dl, key } = found;
    assertName('group', dl.group);
    const attempt: DeadLetterAttempt = {
      at: dl.at,
      group: dl.group,
      consumer: dl.consumer,
      deliveryCount: dl.deliveryCount,
      reason: dl.reason,
      error: dl.error,
      ...(dl.field ? { field: dl.field } : {}),
    };
    const fields = [
      'dl.entry', dl.entryId,
      'dl.retries', String(dl.retries + 1),
      'dl.history', JSON.stringify([...dl.history, attempt]),
      ORIGINAL_FIELD, JSON.stringify(dl.original),
    ];
    const r = await runScript(driver, SCRIPTS.redriveDeadLetter, [key, keys.redrive(stream, dl.group)], [id, ...fields]);
    out.push(typeof r === 'string' ? { id, status: 'retried', group: dl.group, redriveEntryId: r } : { id, status: 'missing' });
  }
  return out;
}

/**
 * Every stream that has dead letters, with how many, by stream name. Given the stream names (from
 * the contracts), it reads only their indexes and dead-letter streams; without them it SCANs the
 * dead-letter keys (an operator's tool, never an agent's).
 */
export async function deadLetterStreams(driver: RedisDriver, keys: Keys, streams?: readonly string[]): Promise<{ stream: string; count: number }[]> {
  const byStream = new Map<string, string[]>();
  if (streams) {
    for (const s of streams) byStream.set(s, await deadLetterKeys(driver, keys, s));
  } else {
    for (const k of await scanKeys(driver, keys.deadLetterPattern(), 'stream')) {
      const s = keys.deadLetterStreamName(k);
      if (s === undefined) continue;
      (byStream.get(s) ?? byStream.set(s, []).get(s)!).push(k);
    }
  }
  const all = [...byStream].flatMap(([s, ks]) => ks.map((k) => [s, k] as const));
  if (all.length === 0) return [];
  const lengths = await driver.pipeline(all.map(([, k]) => ['XLEN', k]));
  const counts = new Map<string, number>();
  all.forEach(([s], i) => {
    const r = lengths[i]!;
    counts.set(s, (counts.get(s) ?? 0) + (r.ok ? Number(r.value) : 0));
  });
  return [...counts].filter(([, count]) => count > 0).map(([stream, count]) => ({ stream, count })).sort((a, b) => a.stream.localeCompare(b.stream));
}
