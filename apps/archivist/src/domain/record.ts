/**
 * One archived message as a row: the envelope, where it sat (stream and entry id), the chat it
 * belongs to, and the words to search it by. The searchable text is picked from the payload by
 * field name, not per message type, so new types are searchable without a change here.
 */
import { envelopeFields, type Message } from '@hive/agent';

/**
 * The envelope's fields as the message carried them (`v` is the version the producer wrote: the raw
 * data is stored as written), where it sat, and what archivist adds.
 */
export interface ArchiveRecord extends Pick<Message, 'type' | 'v' | 'id' | 'src' | 'ts' | 'corr' | 'cause'> {
  readonly stream: string;
  readonly entryId: string;
  readonly traceparent: string | undefined;
  readonly chatId: string | undefined;
  /** Words to search by; undefined when the payload has none. */
  readonly text: string | undefined;
  /** The `data` field as it is in the stream entry, JSON. */
  readonly data: string;
  readonly archivedAt: number;
}

/** Fields whose string values people search for: what was said, described, titled, named. */
const TEXT_FIELDS = new Set(['text', 'caption', 'description', 'idea', 'title', 'body', 'summary', 'subject', 'name', 'category', 'recurrence', 'filename', 'habit', 'meal']);
/** Fields whose every string value (and string list) counts: entities iris found, tags. */
const ALL_STRINGS = new Set(['entities', 'tags', 'details']);
/** Nested lists that carry text fields of their own (meal items). */
const NESTED = new Set(['items']);

/** The chat a payload belongs to, when it names one. */
export function chatIdOf(data: unknown): string | undefined {
  const chatId = (data as { chatId?: unknown } | null)?.chatId;
  return typeof chatId === 'string' && chatId !== '' ? chatId : undefined;
}

/** The searchable words of a payload, one field per line, without repeats; undefined when none. */
export function searchableText(data: unknown): string | undefined {
  const out: string[] = [];
  const add = (s: string) => {
    const t = s.trim();
    if (t !== '' && !out.includes(t)) out.push(t);
  };
  const strings = (v: unknown): void => {
    if (typeof v === 'string') add(v);
    else if (Array.isArray(v)) v.forEach(strings);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(strings);
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > 4 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    for (const [key, value] of Object.entries(v)) {
      if (TEXT_FIELDS.has(key) && typeof value === 'string') add(value);
      else if (ALL_STRINGS.has(key)) strings(value);
      else if (key === 'media' && value !== null && typeof value === 'object') {
        // A voice note or photo has no words of its own: its kind makes it findable ("voice note").
        const kind = (value as { kind?: unknown }).kind;
        if (typeof kind === 'string') add(kind === 'voice' ? 'voice note' : kind);
        walk(value, depth + 1);
      } else if (NESTED.has(key)) walk(value, depth + 1);
    }
  };
  walk(data, 0);
  return out.length > 0 ? out.join('\n') : undefined;
}

/**
 * The row for a message: `message` as the handler got it (decoded, upcast), `raw` the entry's own
 * `data` and `v` when known, so the archive keeps what was written, fields a newer schema dropped included.
 */
export function toRecord(stream: string, entryId: string, message: Message, archivedAt: number, raw?: { data: string; v: number }): ArchiveRecord {
  return {
    stream,
    entryId,
    type: message.type,
    v: raw?.v ?? message.v,
    id: message.id,
    src: message.src,
    ts: message.ts,
    corr: message.corr,
    cause: message.cause,
    traceparent: message.traceparent,
    chatId: chatIdOf(message.data),
    text: searchableText(message.data),
    data: raw?.data ?? JSON.stringify(message.data),
    archivedAt,
  };
}

/**
 * The `data` and `v` of a stream entry as written (either envelope form, read by the bus's
 * `envelopeFields`); undefined when either is missing.
 */
export function rawEnvelope(fields: readonly string[]): { data: string; v: number } | undefined {
  const f = envelopeFields(fields);
  const v = Number(f.v);
  return f.data !== undefined && f.v !== undefined && Number.isInteger(v) ? { data: f.data, v } : undefined;
}
