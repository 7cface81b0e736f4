/**
 * Operating dead letters: list, show, drop, and retry. A retry sends the entry back to the FAILING
 * GROUP ONLY, through that group's redrive stream (`keys.redrive(stream, group)`), which its
 * subscription also reads; the other groups on the stream never see it again. The redriven entry
 * keeps the original fields (message id, envelope, data) and carries its history along
 * (`dl.entry`, `dl.retries`, `dl.history`), so if it fails again its new dead letter says what
 * happened before.
 */
import { scanKeys, xrange, type StreamEntry } from './commands.js';
import { DEAD_LETTER_PREFIX, ORIGINAL_PREFIX, parseHistory, type DeadLetterAttempt, type DeadLetterInfo } from './dead-letters.js';
import type { RedisDriver } from './drivers/driver.js';
import { decodeEntry, DEFAULT_MAX_MESSAGE_BYTES, type Message } from './envelope.js';
import type { HiveErrorCode } from './errors.js';
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

/** Parse one dead-letter stream entry. */
export function parseDeadLetter(entry: StreamEntry, maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES): DeadLetter {
  const dl = new Map<string, string>();
  const original: string[] = [];
  const fields = entry.fields ?? [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (name.startsWith(ORIGINAL_PREFIX)) original.push(name.slice(ORIGINAL_PREFIX.length), value);
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

export interface ListDeadLettersOptions {
  /** At most this many. @defaultValue 100 */
  count?: number;
  /** First dead-letter id, inclusive ("(" + id for exclusive, to page on). @defaultValue "-" (the oldest) */
  start?: string;
}

/** The dead letters of `stream`, oldest first. */
export async function listDeadLetters(driver: RedisDriver, keys: Keys, stream: string, opts: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  assertName('stream', stream);
  const entries = await xrange(driver, keys.deadLetters(stream), opts.start ?? '-', '+', opts.count ?? 100);
  return entries.map((e) => parseDeadLetter(e));
}

/** One dead letter of `stream` by its dead-letter id, or undefined when there is none. */
export async function getDeadLetter(driver: RedisDriver, keys: Keys, stream: string, deadLetterId: string): Promise<DeadLetter | undefined> {
  assertName('stream', stream);
  const [entry] = await xrange(driver, keys.deadLetters(stream), deadLetterId, deadLetterId, 1);
  return entry ? parseDeadLetter(entry) : undefined;
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
export async function dropDeadLetters(driver: RedisDriver, keys: Keys, stream: string, ids: readonly string[]): Promise<DeadLetterOutcome[]> {
  assertName('stream', stream);
  if (ids.length === 0) return [];
  const key = keys.deadLetters(stream);
  const results = await driver.pipeline(ids.map((id) => ['XDEL', key, id]));
  return ids.map((id, i) => {
    const r = results[i]!;
    if (!r.ok) throw r.error;
    return { id, status: Number(r.value) === 1 ? 'dropped' : 'missing' };
  });
}

/**
 * Send dead letters back to the group that failed them, and to no other group: each is moved
 * atomically from the dead-letter stream to that group's redrive stream, which its subscription reads.
 */
export async function retryDeadLetters(driver: RedisDriver, keys: Keys, stream: string, ids: readonly string[]): Promise<DeadLetterOutcome[]> {
  assertName('stream', stream);
  const key = keys.deadLetters(stream);
  const out: DeadLetterOutcome[] = [];
  for (const id of ids) {
    const [entry] = await xrange(driver, key, id, id, 1);
    if (!entry || entry.id !== id) {
      out.push({ id, status: 'missing' });
      continue;
    }
    const dl = parseDeadLetter(entry);
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
    // The original fields as the dead letter holds them (a `dl.*` original stays `dl.orig.*`), then the history.
    const fields: string[] = [];
    const raw = entry.fields ?? [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      if (!name.startsWith(DEAD_LETTER_PREFIX) || name.startsWith(ORIGINAL_PREFIX)) fields.push(name, raw[i + 1]!);
    }
    fields.push('dl.entry', dl.entryId, 'dl.retries', String(dl.retries + 1), 'dl.history', JSON.stringify([...dl.history, attempt]));
    const r = await runScript(driver, SCRIPTS.redriveDeadLetter, [key, keys.redrive(stream, dl.group)], [id, ...fields]);
    out.push(typeof r === 'string' ? { id, status: 'retried', group: dl.group, redriveEntryId: r } : { id, status: 'missing' });
  }
  return out;
}

/** Every stream that has dead letters, with how many, by stream name. */
export async function deadLetterStreams(driver: RedisDriver, keys: Keys): Promise<{ stream: string; count: number }[]> {
  const dlqKeys = await scanKeys(driver, keys.deadLetterPattern(), 'stream');
  if (dlqKeys.length === 0) return [];
  const prefix = keys.deadLetters('');
  const lengths = await driver.pipeline(dlqKeys.map((k) => ['XLEN', k]));
  const out: { stream: string; count: number }[] = [];
  dlqKeys.forEach((k, i) => {
    const r = lengths[i]!;
    const count = r.ok ? Number(r.value) : 0;
    if (count > 0 && k.startsWith(prefix)) out.push({ stream: k.slice(prefix.length), count });
  });
  return out.sort((a, b) => a.stream.localeCompare(b.stream));
}
