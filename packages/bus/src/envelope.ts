/**
 * The envelope: how a message lies in a stream entry. Hive writes two fields, both readable in
 * redis-cli (envelope form 2):
 *
 *   hive2  the header: `type v id src ts [corr [cause [traceparent [replyTo [uniq]]]]]`, one space
 *          between parts; a trailing empty part is left out, and `corr` is written empty when it is the id
 *   data   JSON payload
 *
 *     1) "hive2"  2) "intent.classified 1 01JF… iris 1764170000000 01JE… 01JE…"
 *     3) "data"   4) "{\"intent\":\"expense\",…}"
 *
 *   type   message type, e.g. "nutrition.logged"
 *   v      schema version of `data` (positive integer)
 *   id     message id: the idempotency key (not the stream entry id)
 *   src    producer (agent name)
 *   ts     creation time, ms since epoch
 *   corr   correlation id: one conversation or request chain (defaults to `id`)
 *   cause  id of the message this one answers ("" for a root message)
 *   traceparent  optional W3C trace context
 *   replyTo  optional: the requester instance whose reply stream wants the answer (request/reply);
 *            ignored by the decoder when it is not a plain name
 *   uniq   optional, "*": the publisher vouches that no other entry of this stream carries this id
 *          within a day (UNIQUE_FOR_MS, the handled marks' default lifetime) or longer: a generated
 *          id, an idempotent publish's day-long window, a follow-up derived from such a message. A
 *          group reading it for the first time need not ask its handled marks
 *          (middleware/idempotency.ts). Anything else there is no promise; decoders older than it
 *          read the first nine parts and ignore it. One character, as it costs three separators too.
 *
 * Why one header rather than a field each: every string of a reply costs the client's RESP decoder
 * about as much as the rest of the message's handling (BENCHMARKS.md, "Where the time goes"), and
 * form 1's ten strings became four. No part may hold whitespace, which the decoder refuses anyway.
 *
 * Form 1, the flat fields (`type`, `v`, `id`, `src`, `ts`, `corr`, `cause`, `data`, optional
 * `traceparent` and `replyTo`, each its own field), is what Hive wrote before, and what any Redis
 * client may still write: the decoder reads both forms. An entry with a `hive2` field is form 2.
 *
 * The fields are always written in this order: Redis stores the field names of a stream's first
 * entry once and only flags later entries with the same names, so a stable order keeps entries small.
 */
import { DecodeError } from './errors.js';

/** Default limit on an entry's total size (field names and values), in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** The header field of envelope form 2 (the form's name and version in one). */
export const HEADER_FIELD = 'hive2';

/** What the header's `uniq` part ("*") promises: the id is unique in its stream for at least this long (a day). */
export const UNIQUE_FOR_MS = 24 * 60 * 60 * 1000;

/** The parts of a form-2 header, in order; the first five are required. */
const HEADER_PARTS = ['type', 'v', 'id', 'src', 'ts', 'corr', 'cause', 'traceparent', 'replyTo', 'uniq'] as const;

export interface Message<T = unknown> {
  readonly type: string;
  readonly v: number;
  readonly id: string;
  readonly src: string;
  readonly ts: number;
  readonly corr: string;
  readonly cause: string;
  readonly traceparent?: string | undefined;
  /** Set on a request (`bus.request`): the requester instance to answer, with `reply()`. */
  readonly replyTo?: string | undefined;
  /**
   * The publisher vouches that no other entry of the stream carries this id within this many ms:
   * written as the header's `uniq` "*" when at least UNIQUE_FOR_MS, and read back as UNIQUE_FOR_MS.
   * Unset: no such promise (an id the caller chose, a window shorter than a day).
   */
  readonly uniqueForMs?: number | undefined;
  readonly data: T;
}

const TYPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const TOKEN = /^[^\s]{1,256}$/;
const REPLY_TO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const WHITESPACE = /\s/;

/** Serialize `data` as JSON that never contains a raw U+FFFD, so the decoder can treat one as corruption. */
export function encodeData(data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('message data must be JSON-serializable (got undefined or a function)');
  return json.includes('\uFFFD') ? json.replace(/\uFFFD/g, '\\ufffd') : json;
}

/**
 * The field list for XADD (envelope form 2, in its fixed order). `data` must already be JSON.
 * Throws a DecodeError naming the part when a header part holds whitespace: it would shift the
 * parts after it, so such a message is refused here rather than read wrongly downstream.
 */
export function encodeFields(m: Omit<Message<unknown>, 'data'> & { data: string }): string[] {
  const corr = m.corr === m.id ? '' : m.corr;
  const traceparent = m.traceparent ?? '';
  const replyTo = m.replyTo ?? '';
  const uniq = m.uniqueForMs !== undefined && m.uniqueForMs >= UNIQUE_FOR_MS ? '*' : '';
  const parts = [m.type, String(m.v), m.id, m.src, String(m.ts), corr, m.cause, traceparent, replyTo, uniq];
  let n = parts.length;
  while (n > 5 && parts[n - 1] === '') n--;
  let header = parts[0]!;
  for (let i = 0; i < n; i++) {
    const part = parts[i]!;
    if (WHITESPACE.test(part)) {
      const name = HEADER_PARTS[i]!;
      throw new DecodeError('DECODE_INVALID_FIELD', `envelope field "${name}" is "${part.slice(0, 64)}": it may not hold whitespace`, name);
    }
    if (i > 0) header += ` ${part}`;
  }
  return [HEADER_FIELD, header, 'data', m.data];
}

/** Bytes an entry's fields take in UTF-8 (names and values). */
export function entrySize(fields: readonly string[]): number {
  let bytes = 0;
  for (const f of fields) bytes += Buffer.byteLength(f);
  return bytes;
}

/** True when the entry is over `maxBytes`; exact bytes are counted only when the cheap bound says it could be. */
export function overSize(fields: readonly string[], maxBytes: number): boolean {
  let chars = 0;
  for (const f of fields) chars += f.length;
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  if (chars * 3 <= maxBytes) return false;
  return entrySize(fields) > maxBytes;
}

export type DecodeResult = { ok: true; message: Message<unknown> } | { ok: false; error: DecodeError };

const fail = (code: ConstructorParameters<typeof DecodeError>[0], message: string, field?: string): DecodeResult => ({
  ok: false,
  error: new DecodeError(code, message, field),
});

/**
 * Decode a stream entry's field list (either envelope form) into a message, or say precisely what
 * is wrong with it: a DecodeError naming the envelope field (a form-2 header part by its name).
 * Checks shape only; the payload's schema is the contract's business.
 */
export function decodeEntry(fields: readonly string[] | null, maxBytes: number = DEFAULT_MAX_MESSAGE_BYTES): DecodeResult {
  if (!fields || fields.length === 0) return fail('DECODE_MISSING_FIELD', 'entry has no fields', 'type');
  if (fields.length % 2 !== 0) return fail('DECODE_INVALID_FIELD', 'entry has an odd number of field names and values');

  if (overSize(fields, maxBytes)) {
    return fail('MESSAGE_TOO_LARGE', `entry is ${entrySize(fields)} bytes, over the limit of ${maxBytes}`);
  }

  // Form 2 as Hive writes it: the one shape worth a path of its own (every delivered message).
  if (fields.length === 4 && fields[0] === HEADER_FIELD && fields[2] === 'data') {
    const header = fields[1]!;
    const data = fields[3]!;
    if (header.includes('\uFFFD')) return fail('DECODE_INVALID_UTF8', `field "${HEADER_FIELD}" is not valid UTF-8`, HEADER_FIELD);
    if (data.includes('\uFFFD')) return fail('DECODE_INVALID_UTF8', 'field "data" is not valid UTF-8', 'data');
    const p = header.split(' ');
    return check(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], data, p[9]);
  }

  let type: string | undefined, v: string | undefined, id: string | undefined, src: string | undefined;
  let ts: string | undefined, corr: string | undefined, cause: string | undefined, data: string | undefined;
  let traceparent: string | undefined;
  let replyTo: string | undefined;
  let header: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1]!;
    switch (fields[i]) {
      case HEADER_FIELD: header = value; break;
      case 'type': type = value; break;
      case 'v': v = value; break;
      case 'id': id = value; break;
      case 'src': src = value; break;
      case 'ts': ts = value; break;
      case 'corr': corr = value; break;
      case 'cause': cause = value; break;
      case 'data': data = value; break;
      case 'traceparent': traceparent = value; break;
      case 'replyTo': replyTo = value; break;
      default: break; // unknown fields are allowed and ignored (forward compatibility)
    }
    if (value.includes('\uFFFD')) {
      return fail('DECODE_INVALID_UTF8', `field "${fields[i]}" is not valid UTF-8`, fields[i]);
    }
  }
  if (header !== undefined) {
    // Form 2: the header is the whole envelope but `data`; flat fields beside it are not read.
    const p = header.split(' ');
    return check(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], data, p[9]);
  }
  return check(type, v, id, src, ts, corr, cause, traceparent, replyTo, data);
}

/** The envelope's values checked and assembled into a message, whichever form they came from. */
function check(
  type: string | undefined,
  v: string | undefined,
  id: string | undefined,
  src: string | undefined,
  ts: string | undefined,
  corr: string | undefined,
  cause: string | undefined,
  traceparent: string | undefined,
  replyTo: string | undefined,
  data: string | undefined,
  uniq?: string,
): DecodeResult {
  if (type === undefined) return fail('DECODE_MISSING_FIELD', 'field "type" is missing', 'type');
  if (!TYPE.test(type)) return fail('DECODE_INVALID_FIELD', `field "type" is "${type.slice(0, 64)}": expected letters, digits, ".", "_", ":" or "-"`, 'type');
  if (v === undefined) return fail('DECODE_MISSING_FIELD', 'field "v" is missing', 'v');
  const version = Number(v);
  if (!Number.isInteger(version) || version < 1 || v !== String(version)) {
    return fail('DECODE_INVALID_FIELD', `field "v" is "${v.slice(0, 32)}": expected a positive integer`, 'v');
  }
  if (id === undefined) return fail('DECODE_MISSING_FIELD', 'field "id" is missing', 'id');
  if (!TOKEN.test(id)) return fail('DECODE_INVALID_FIELD', 'field "id" must be 1-256 characters without whitespace', 'id');
  if (src === undefined) return fail('DECODE_MISSING_FIELD', 'field "src" is missing', 'src');
  if (!TOKEN.test(src)) return fail('DECODE_INVALID_FIELD', 'field "src" must be 1-256 characters without whitespace', 'src');
  if (ts === undefined) return fail('DECODE_MISSING_FIELD', 'field "ts" is missing', 'ts');
  const time = Number(ts);
  if (!Number.isSafeInteger(time) || time < 0 || ts === '') {
    return fail('DECODE_INVALID_FIELD', `field "ts" is "${ts.slice(0, 32)}": expected milliseconds since the epoch`, 'ts');
  }
  if (corr !== undefined && corr !== '' && !TOKEN.test(corr)) {
    return fail('DECODE_INVALID_FIELD', 'field "corr" must be 1-256 characters without whitespace', 'corr');
  }
  if (cause !== undefined && cause !== '' && !TOKEN.test(cause)) {
    return fail('DECODE_INVALID_FIELD', 'field "cause" must be empty or 1-256 characters without whitespace', 'cause');
  }
  if (traceparent !== undefined && traceparent !== '' && !TRACEPARENT.test(traceparent)) {
    return fail('DECODE_INVALID_FIELD', 'field "traceparent" is not a W3C traceparent', 'traceparent');
  }
  if (data === undefined) return fail('DECODE_MISSING_FIELD', 'field "data" is missing', 'data');
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch (err) {
    return fail('DECODE_INVALID_JSON', `field "data" is not JSON: ${(err as Error).message}`, 'data');
  }

  // Two literals rather than a spread: this runs once per delivered message.
  const message: Message<unknown> = traceparent
    ? { type, v: version, id, src, ts: time, corr: corr || id, cause: cause ?? '', traceparent, data: payload }
    : { type, v: version, id, src, ts: time, corr: corr || id, cause: cause ?? '', data: payload };
  // Tolerant: a replyTo that is not a plain name cannot be answered, but the message is still good.
  if (replyTo !== undefined && REPLY_TO.test(replyTo)) (message as { replyTo?: string }).replyTo = replyTo;
  // Tolerant too: anything but "*" is no promise, and the message is asked about as any other.
  if (uniq === '*') (message as { uniqueForMs?: number }).uniqueForMs = UNIQUE_FOR_MS;
  return { ok: true, message };
}

/**
 * An entry's envelope values by their names (`type`, `v`, `id`, …, `data`), whichever form it was
 * written in, without checking them; other fields as they are. For tools that show or index entries
 * that may not decode (trace, archive, tests); a form-2 header's parts win over flat fields.
 */
export function envelopeFields(fields: readonly string[] | null): Record<string, string> {
  const out = fieldsToObject(fields);
  const header = out[HEADER_FIELD];
  if (header === undefined) return out;
  delete out[HEADER_FIELD];
  const p = header.split(' ');
  for (let i = 0; i < HEADER_PARTS.length && i < p.length; i++) out[HEADER_PARTS[i]!] = p[i]!;
  // Written empty when it is the id (see encodeFields): a reader sees the value it stands for.
  if (!out.corr && out.id) out.corr = out.id;
  out.cause ??= '';
  return out;
}

/** Field list as an object, for dead letters and display. Later duplicates win. */
export function fieldsToObject(fields: readonly string[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fields) return out;
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
