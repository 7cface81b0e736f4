/**
 * The envelope: how a message lies in a stream entry. Flat fields that redis-cli shows as they are,
 * and that any Redis client can write:
 *
 *   type   message type, e.g. "nutrition.logged"
 *   v      schema version of `data` (positive integer)
 *   id     message id: the idempotency key (not the stream entry id)
 *   src    producer (agent name)
 *   ts     creation time, ms since epoch
 *   corr   correlation id: one conversation or request chain (defaults to `id`)
 *   cause  id of the message this one answers ("" for a root message)
 *   data   JSON payload
 *   traceparent  optional W3C trace context, last so that the common field set stays the same
 *   replyTo  optional: the requester instance whose reply stream wants the answer (request/reply);
 *            after `data` too, and ignored by the decoder when it is not a plain name
 *
 * The fields are always written in this order: Redis stores the field names of a stream's first
 * entry once and only flags later entries with the same names, so a stable order keeps entries small.
 */
import { DecodeError } from './errors.js';

/** Default limit on an entry's total size (field names and values), in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

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
  readonly data: T;
}

const TYPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const TOKEN = /^[^\s]{1,256}$/;
const REPLY_TO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Serialize `data` as JSON that never contains a raw U+FFFD, so the decoder can treat one as corruption. */
export function encodeData(data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('message data must be JSON-serializable (got undefined or a function)');
  return json.includes('\uFFFD') ? json.replace(/\uFFFD/g, '\\ufffd') : json;
}

/** The flat field list for XADD, in the envelope's fixed order. `data` must already be JSON. */
export function encodeFields(m: Omit<Message<unknown>, 'data'> & { data: string }): string[] {
  const fields = ['type', m.type, 'v', String(m.v), 'id', m.id, 'src', m.src, 'ts', String(m.ts), 'corr', m.corr, 'cause', m.cause, 'data', m.data];
  if (m.traceparent) fields.push('traceparent', m.traceparent);
  if (m.replyTo) fields.push('replyTo', m.replyTo);
  return fields;
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
 * Decode a stream entry's flat field list into a message, or say precisely what is wrong with it.
 * Checks shape only; the payload's schema is the contract's business.
 */
export function decodeEntry(fields: readonly string[] | null, maxBytes: number = DEFAULT_MAX_MESSAGE_BYTES): DecodeResult {
  if (!fields || fields.length === 0) return fail('DECODE_MISSING_FIELD', 'entry has no fields', 'type');
  if (fields.length % 2 !== 0) return fail('DECODE_INVALID_FIELD', 'entry has an odd number of field names and values');

  if (overSize(fields, maxBytes)) {
    return fail('MESSAGE_TOO_LARGE', `entry is ${entrySize(fields)} bytes, over the limit of ${maxBytes}`);
  }

  let type: string | undefined, v: string | undefined, id: string | undefined, src: string | undefined;
  let ts: string | undefined, corr: string | undefined, cause: string | undefined, data: string | undefined;
  let traceparent: string | undefined;
  let replyTo: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1]!;
    switch (fields[i]) {
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
  if (!Number.isSafeInteger(time) || time < 0) {
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
  return { ok: true, message };
}

/** Field list as an object, for dead letters and display. Later duplicates win. */
export function fieldsToObject(fields: readonly string[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fields) return out;
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
