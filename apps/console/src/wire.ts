/**
 * What the console's server sends its page, as types, so the server (Node) and the page (browser)
 * compile against the same definitions. The one import is @hive/inspect's hop types, which import
 * nothing themselves.
 */
import type { Hop } from '@hive/inspect/hop';

/** A rate and its recent past, from counters Redis keeps. */
export interface RateSeries {
  /** Messages per second over the last interval; null until two samples exist. */
  rate: number | null;
  /** Oldest first, one point per poll. */
  series: number[];
}

export type Health = 'up' | 'degraded' | 'down';

export interface InstanceView {
  instance: string;
  version: string;
  host: string;
  pid: number;
  status: 'starting' | 'running' | 'stopping';
  startedAt: number;
  lastSeen: number;
  httpUrl: string | null;
  /** From its /readyz: true, false, or null when not asked yet or it has no HTTP server. */
  ready: boolean | null;
  readyDetail: string | null;
  /** The model endpoints it calls, as their circuit breakers see them (empty: rules only). */
  models: ModelView[];
}

/** One model endpoint of an agent (the runtime's registry field `models`, see @hive/agent's README). */
export interface ModelView {
  /** "<model>@<base URL>". */
  endpoint: string;
  /** closed: the model answers; open: the rules answer without asking; half-open: one probe is out. */
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  /** Since when the model has not answered (ms). */
  unavailableSince?: number;
  lastError?: string;
}

export interface AgentView {
  name: string;
  health: Health;
  /** Why it is not up, in words. */
  healthReason: string | null;
  expected: boolean;
  description: string | null;
  reads: string[];
  writes: string[];
  skills: { name: string; description: string; examples?: string[] }[];
  instances: InstanceView[];
  /** Restarts seen since the console started (a new pid or start time for the same instance name). */
  restarts: number;
}

export interface GroupView {
  name: string;
  consumers: number;
  pending: number;
  lag: number | null;
  lastDeliveredId: string;
  /** Entries read per second. */
  readRate: RateSeries;
}

export interface StreamView {
  stream: string;
  description: string | null;
  length: number;
  firstEntryId: string | null;
  lastEntryId: string | null;
  /** Time of the oldest entry kept (what retention left), ms. */
  oldestAt: number | null;
  lastAt: number | null;
  /** The stream's retention as its contract declares it; null for a stream no contract names. */
  retention: string | null;
  writers: string[];
  readers: string[];
  groups: GroupView[];
  pending: number;
  lag: number | null;
  deadLetters: number;
  /** Entries written per second. */
  writeRate: RateSeries;
}

export interface Snapshot {
  at: number;
  prefix: string;
  agents: AgentView[];
  streams: StreamView[];
  totals: { agents: number; up: number; streams: number; pending: number; deadLetters: number };
}

/** One hop of a trace: @hive/inspect's Hop plus where it came from (Redis, or archivist's history when Redis no longer has it). */
export interface TraceHop extends Hop {
  source: 'redis' | 'archive';
}

export interface Found {
  corr: string;
  id: string;
  ts: number;
  stream: string;
  chatId: string | null;
  text: string | null;
  source: 'redis' | 'archive';
}
