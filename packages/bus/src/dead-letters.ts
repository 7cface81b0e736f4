/**
 * Dead letters: where an entry goes when it cannot be handled (undecodable, unknown type, invalid
 * payload, an UnrecoverableError) or kept failing until `maxDeliveries`. Each group has its own
 * dead-letter stream (`keys.deadLetters(stream, group)`), which only that group's agent may append
 * to. A dead letter keeps the original fields as they were (one JSON field, so any size fits), plus
 * `dl.*` fields saying why, where and when; it is written BEFORE the original is acked, in one Lua
 * script, so nothing is acked without its dead letter or dead-lettered twice.
 *
 * This file is the writing side: a subscription's dead-letter step writes through a
 * `DeadLetterWriter`, so where and how a dead letter is stored can change here alone. Listing,
 * dropping and retrying them is `dead-letter-admin.ts`.
 */
import type { StreamEntry } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import { DecodeError, type HiveError } from './errors.js';
import type { Keys } from './keys.js';
import { SCRIPTS, runScript } from './scripts.js';

/** Default approximate cap on each dead-letter stream's length. */
export const DEFAULT_DEAD_LETTER_MAX_LEN = 100_000;

/** One dead-lettering of an entry: which group failed it, how often, and why. */
export interface DeadLetterAttempt {
  group: string;
  consumer: string;
  deliveryCount: number;
  /** Error code, e.g. DECODE_INVALID_JSON, MAX_DELIVERIES. */
  reason: string;
  /** Error message. */
  error: string;
  /** Field at fault, for decode errors. */
  field?: string | undefined;
  /** Time of dead-lettering, ms since epoch. */
  at: number;
}

/** The fields that describe a dead letter (the rest are the original entry's): its latest dead-lettering, and the earlier ones. */
export interface DeadLetterInfo extends DeadLetterAttempt {
  /** Stream the entry was on. */
  stream: string;
  /** Its stream entry id. */
  entryId: string;
  /** Times this entry was retried from the dead letters before. @defaultValue 0 */
  retries?: number | undefined;
  /** Its earlier dead-letterings, oldest first (each retry that failed again adds one). */
  history?: readonly DeadLetterAttempt[] | undefined;
}

export const DEAD_LETTER_PREFIX = 'dl.';
/** Prefix of an original field whose own name began with `dl.`, where originals sit beside `dl.*` fields. */
export const ORIGINAL_PREFIX = 'dl.orig.';
/** The field holding the original entry's fields, as one JSON array [name, value, ...]. */
export const ORIGINAL_FIELD = 'dl.original';

/**
 * Dead-letter fields: the `dl.*` fields, then the original entry's fields as ONE field
 * (`dl.original`, a JSON array), so that an entry of any number of fields fits; absent when the
 * entry was deleted before it could be read.
 */
export function deadLetterFields(info: DeadLetterInfo, original: readonly string[] | null): string[] {
  const out = [
    'dl.stream', info.stream,
    'dl.entry', info.entryId,
    'dl.group', info.group,
    'dl.consumer', info.consumer,
    'dl.deliveries', String(info.deliveryCount),
    'dl.reason', info.reason,
    'dl.error', info.error.slice(0, 4_000),
    'dl.at', String(info.at),
  ];
  if (info.field) out.push('dl.field', info.field);
  if (info.retries) out.push('dl.retries', String(info.retries));
  if (info.history && info.history.length > 0) out.push('dl.history', JSON.stringify(info.history));
  if (original) out.push(ORIGINAL_FIELD, JSON.stringify(original));
  return out;
}

/**
 * Write the dead letter of `entryId` for the group, then ack it, in one script (dead-letter-3.lua):
 * the ack happens only once the dead letter exists. Returns the dead-letter entry id, or null when
 * the group no longer had the entry pending (someone else got there). From the group's redrive
 * stream, the dead letter records the original entry id and the carried history, and the redrive
 * entry is deleted in the same script.
 */
export async function writeDeadLetter(
  driver: RedisDriver,
  keys: Keys,
  fromKey: string,
  info: DeadLetterInfo,
  original: readonly string[] | null,
  maxLen: number = DEFAULT_DEAD_LETTER_MAX_LEN,
): Promise<string | null> {
  const redriven = fromKey === keys.redrive(info.stream, info.group);
  let recorded = info;
  let fields = original;
  if (redriven && original) {
    const carried = splitRedriven(original);
    recorded = { ...info, entryId: carried.entryId ?? info.entryId, retries: carried.retries, history: carried.history };
    fields = carried.original;
  }
  const r = await runScript(
    driver,
    SCRIPTS.deadLetter,
    [fromKey, keys.deadLetters(info.stream, info.group), keys.deadLetterGroups(info.stream)],
    [info.group, info.entryId, String(maxLen), redriven ? '1' : '0', ...deadLetterFields(recorded, fields)],
  );
  return typeof r === 'string' ? r : null;
}

/** Fields a redrive entry carries besides the original ones. */
const CARRIED = new Set(['dl.entry', 'dl.retries', 'dl.history']);

/**
 * A redrive entry as its subscription reads it: the original fields (from `dl.original`; an
 * original `dl.*` name kept as `dl.orig.*` so it cannot be taken for a carried field), then the
 * carried `dl.entry`, `dl.retries`, `dl.history`. An entry without `dl.original` (written by an
 * earlier version, originals inline) is returned as it is; an unreadable `dl.original` too, so
 * that decoding fails and it becomes a dead letter again.
 */
export function unwrapRedriven(fields: string[]): string[] {
  let blob: string | undefined;
  const carried: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === ORIGINAL_FIELD) blob = fields[i + 1];
    else carried.push(fields[i]!, fields[i + 1]!);
  }
  if (blob === undefined) return fields;
  const original = parseOriginal(blob);
  if (!original) return fields;
  const out: string[] = [];
  for (let i = 0; i + 1 < original.length; i += 2) {
    const name = original[i]!;
    out.push(name.startsWith(DEAD_LETTER_PREFIX) ? `${ORIGINAL_PREFIX}${name}` : name, original[i + 1]!);
  }
  return [...out, ...carried];
}

/** `dl.original` read back: a flat array of strings of even length, or undefined. */
export function parseOriginal(json: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.length % 2 === 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A redrive entry's fields (unwrapped): the original ones, names restored, and the history it carries. */
function splitRedriven(fields: readonly string[]): { original: string[]; entryId: string | undefined; retries: number; history: DeadLetterAttempt[] } {
  const original: string[] = [];
  let entryId: string | undefined;
  let retries = 0;
  let history: DeadLetterAttempt[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (!CARRIED.has(name)) original.push(name.startsWith(ORIGINAL_PREFIX) ? name.slice(ORIGINAL_PREFIX.length) : name, value);
    else if (name === 'dl.entry') entryId = value;
    else if (name === 'dl.retries') retries = Number(value) || 0;
    else history = parseHistory(value);
  }
  return { original, entryId, retries, history };
}

/** The `dl.history` field read back; anything unreadable is no history. */
export function parseHistory(json: string | undefined): DeadLetterAttempt[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as DeadLetterAttempt[]) : [];
  } catch {
    return [];
  }
}

/** Where one subscription's dead letters go. */
export interface DeadLetterWriter {
  /**
   * Dead-letter a delivered entry with the error that sent it there, acking it after, in the same step;
   * resolves with the dead-letter id, or null when the group no longer had the entry pending.
   */
  write(from: { readonly key: string; readonly entry: StreamEntry }, error: HiveError<string>, deliveryCount: number): Promise<string | null>;
}

export interface DeadLetterWriterOptions {
  readonly driver: RedisDriver;
  readonly keys: Keys;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /** Approximate cap on the dead-letter stream's length. @defaultValue 100000 */
  readonly maxLen?: number | undefined;
}

/** The dead-letter writer of one subscription (stream, group, consumer). */
export function deadLetterWriter(o: DeadLetterWriterOptions): DeadLetterWriter {
  const maxLen = o.maxLen ?? DEFAULT_DEAD_LETTER_MAX_LEN;
  return {
    write: (from, error, deliveryCount) =>
      writeDeadLetter(
        o.driver,
        o.keys,
        from.key,
        {
          stream: o.stream,
          entryId: from.entry.id,
          group: o.group,
          consumer: o.consumer,
          deliveryCount,
          reason: error.code,
          error: error.message,
          field: error instanceof DecodeError ? error.field : undefined,
          at: Date.now(),
        },
        from.entry.fields,
        maxLen,
      ),
  };
}
