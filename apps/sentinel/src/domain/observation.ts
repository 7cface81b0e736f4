/**
 * What sentinel observes of the bus in one poll, and the conditions it derives (the vocabulary the
 * checks share: checks.ts and model-check.ts both speak it).
 */
import type { AgentModelStatus } from '@hive/agent';

/** What sentinel reads of a registry record (the bus's `AgentRecord` is one). */
export interface AgentSeen {
  readonly name: string;
  readonly instance: string;
  readonly lastSeen: number;
  readonly status?: string;
  /** The model endpoints it calls, with their circuit breakers' states. */
  readonly models?: readonly AgentModelStatus[];
  /** The message types it handles, per stream it reads (the runtime's record); others it acks unmarked. */
  readonly handles?: Readonly<Record<string, readonly string[]>>;
  /** On a stream it reads only some intents of (intent.classified), those intents (the runtime's record); others it acks unmarked. */
  readonly handlesIntents?: Readonly<Record<string, readonly string[]>>;
}

/** One consumer group on one stream, from XINFO GROUPS. */
export interface GroupSeen {
  readonly stream: string;
  readonly group: string;
  /** Entries not read yet; null when Redis cannot tell. */
  readonly lag: number | null;
  readonly pending: number;
  readonly consumers: number;
  /** The last entry delivered to the group. */
  readonly lastDeliveredId?: string;
  /** The stream's metadata (XINFO STREAM, without FULL: no entry is read). */
  readonly streamInfo?: StreamFacts | null;
}

/** What XINFO STREAM says of a stream, for the deleted-unread check. */
export interface StreamFacts {
  readonly length: number;
  readonly firstEntryId: string | null;
  readonly lastGeneratedId: string;
  /** Largest id ever deleted by XDEL (Redis 7+; "0-0" when none; Redis 7.0 does not count trims). */
  readonly maxDeletedEntryId: string | null;
}

/** What Redis says about itself; a field is undefined when Redis would not tell (CONFIG disabled). */
export interface RedisFacts {
  readonly version?: string;
  readonly maxmemoryPolicy?: string;
  /** Bytes; 0 = no limit. */
  readonly maxmemory?: number;
  readonly usedMemory?: number;
  readonly aofEnabled?: boolean;
  /** The `save` config: "" when RDB snapshots are off. */
  readonly rdbSave?: string;
}

/** One look at the bus. */
export interface Observation {
  readonly at: Date;
  /** Live registry records. */
  readonly agents: readonly AgentSeen[];
  /** Agents seen on earlier polls, by name, with when they were last seen (ms). */
  readonly known: ReadonlyMap<string, number>;
  readonly groups: readonly GroupSeen[];
  readonly deadLetters: readonly { readonly stream: string; readonly count: number }[];
  readonly redis: RedisFacts;
}

export interface Thresholds {
  /** A group further behind than this many entries alerts. */
  readonly lagMax: number;
  /** A group with more than this many delivered-but-unacked entries alerts. */
  readonly pendingMax: number;
  /** A stream with more dead letters than this alerts. */
  readonly deadLettersMax: number;
  /** used_memory / maxmemory above this alerts (only when maxmemory is set; checked in domain/memory.ts). */
  readonly memoryMaxRatio: number;
  /** A model endpoint unavailable this long (ms) alerts (model-check.ts). */
  readonly modelDownMs: number;
}

export type Check = 'heartbeat' | 'lag' | 'pending' | 'dead_letters' | 'redis_memory' | 'redis_down' | 'other';
export type Severity = 'info' | 'warning' | 'critical';
export type Details = Readonly<Record<string, string | number | boolean>>;

/** A problem that holds now. */
export interface Condition {
  /** Stable for as long as the problem lasts: the deduplication key. */
  readonly alertId: string;
  readonly check: Check;
  readonly severity: Severity;
  readonly subject: string;
  /** One line for the owner when it starts. */
  readonly summary: string;
  /** One line for the owner when it clears. */
  readonly recovery: string;
  readonly details: Details;
}
