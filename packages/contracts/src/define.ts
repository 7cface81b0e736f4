/**
 * The shape of a contract: a stream holds message types; each type has a current version (zod
 * schema, description, example) and the older versions it can still read, each with an upcast to
 * the version after it. Entries written at any known version reach handlers in the current shape.
 */
import type { z } from 'zod';

/** An older version of a message type, still readable: validated by its own schema, then upcast. */
export interface PreviousVersion {
  readonly version: number;
  readonly schema: z.ZodType;
  readonly example: unknown;
  /** What the next version changed, for the catalogue. */
  readonly change: string;
  /** Turn a valid payload of this version into a payload of the next version. */
  upcast(data: unknown): unknown;
}

export interface MessageDefinition<S extends z.ZodType = z.ZodType> {
  /** The version publishers write and handlers receive. */
  readonly version: number;
  readonly description: string;
  readonly schema: S;
  readonly example: z.input<S>;
  /** Older versions, oldest first, ending at `version - 1`. */
  readonly previous: readonly PreviousVersion[];
}

/** Who outside the agent network writes or reads a stream (a webhook, a dashboard), for the topology check. */
export interface ExternalParties {
  readonly writers?: readonly string[];
  readonly readers?: readonly string[];
}

/**
 * How long a stream keeps its entries in Redis. Redis is the buffer between agents, not the record
 * (archivist keeps every message in SQLite), so windows are short. Applied continuously by
 * sentinel's janitor with the safe trim: an entry goes when it breaks either limit, but never
 * before every consumer group has acked it.
 */
export interface Retention {
  /** Entries older than this many ms go. */
  readonly maxAgeMs?: number;
  /** At most this many of the newest entries stay: a cap against bursts within the window. */
  readonly maxLen?: number;
  /** Why this window suits the stream, for the catalogue. */
  readonly why: string;
}

/**
 * How a hot stream is split into shards (see @hive/bus keys.ts and partitions.ts): `shards`
 * physical streams, `<name>.0` … `<name>.<shards-1>`, each in its own cluster slot, so one logical
 * stream spreads over a cluster's masters. A message goes to the shard of its partition key (the
 * publish's `partitionKey`, else the payload field `key`, else its message id), so one key keeps its
 * order; a group reads every shard, or only those its keys land on (subscribe's `shards`: an agent
 * on intent.classified, split by intent, reads the shards of its own intents). Without it, one
 * stream under its own name.
 */
export interface Partitions {
  /** Physical streams, 1 to 64. */
  readonly shards: number;
  /** The payload field whose value is the partition key, e.g. "chatId" (one chat, one shard, in order). */
  readonly key?: string;
  /** Why this stream is split and by that key, for the catalogue. */
  readonly why: string;
}

/** Most shards a stream may declare (each is a stream, a read loop and a blocking connection per group). */
export const MAX_SHARDS = 64;

/** Common retention windows, in ms. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface StreamDefinition<N extends string = string, M extends Readonly<Record<string, MessageDefinition>> = Readonly<Record<string, MessageDefinition>>> {
  readonly name: N;
  readonly description: string;
  /** Message types on this stream, by type name. */
  readonly messages: M;
  /**
   * Where a consumer group created later starts: "new" for triggers (a new agent must not answer
   * last week's WhatsApp messages), "all" for facts a new listener may want to rebuild state from.
   */
  readonly startAt: 'new' | 'all';
  /** How long entries stay in Redis; required: every stream has a bound. */
  readonly retention: Retention;
  /** Split into shards (a hot stream on a cluster); absent: one stream. */
  readonly partitions?: Partitions;
  readonly external?: ExternalParties;
}

/** Declare an older version of a message type; `upcast` receives its parsed payload. */
export function previousVersion<S extends z.ZodType>(def: {
  version: number;
  schema: S;
  example: z.input<S>;
  change: string;
  upcast: (data: z.output<S>) => unknown;
}): PreviousVersion {
  return { version: def.version, schema: def.schema, example: def.example, change: def.change, upcast: def.upcast as (data: unknown) => unknown };
}

/** Declare a message type at its current version. */
export function defineMessage<S extends z.ZodType>(def: {
  version: number;
  description: string;
  schema: S;
  example: z.input<S>;
  previous?: readonly PreviousVersion[];
}): MessageDefinition<S> {
  return { version: def.version, description: def.description, schema: def.schema, example: def.example, previous: def.previous ?? [] };
}

/** Declare a stream and the message types it carries. */
export function defineStream<const N extends string, const M extends Readonly<Record<string, MessageDefinition>>>(def: {
  name: N;
  description: string;
  messages: M;
  startAt: 'new' | 'all';
  retention: Retention;
  partitions?: Partitions;
  external?: ExternalParties;
}): StreamDefinition<N, M> {
  const base = { name: def.name, description: def.description, messages: def.messages, startAt: def.startAt, retention: def.retention };
  return { ...base, ...(def.partitions ? { partitions: def.partitions } : {}), ...(def.external ? { external: def.external } : {}) };
}

/** The physical streams of a stream: its shards (`wa.inbound.0` …), or itself when it is not split. */
export function physicalStreams(s: Pick<StreamDefinition, 'name' | 'partitions'>): string[] {
  const n = s.partitions?.shards ?? 1;
  return n <= 1 ? [s.name] : Array.from({ length: n }, (_, i) => `${s.name}.${i}`);
}

/** A retention scaled by `factor` (windows only; lengths stay): the soak compresses days into seconds. */
export function scaleRetention(r: Retention, factor: number): Retention {
  return r.maxAgeMs === undefined ? r : { ...r, maxAgeMs: Math.max(1, Math.round(r.maxAgeMs * factor)) };
}

function duration(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} ${ms === DAY_MS ? 'day' : 'days'}`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

/** "24 h, at most 50,000 entries": a retention in words, for the catalogue and `hive streams`. */
export function formatRetention(r: Pick<Retention, 'maxAgeMs' | 'maxLen'>): string {
  const parts: string[] = [];
  if (r.maxAgeMs !== undefined) parts.push(duration(r.maxAgeMs));
  if (r.maxLen !== undefined) parts.push(`at most ${r.maxLen.toLocaleString('en-US')} entries`);
  return parts.join(', ');
}
