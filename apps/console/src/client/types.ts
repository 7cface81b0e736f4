/** The JSON the console's server sends (mirrors src/server/*.ts; kept apart so the page builds without Node's types). */
export type Health = 'up' | 'degraded' | 'down';

export interface RateSeries {
  rate: number | null;
  series: number[];
}

export interface InstanceView {
  instance: string;
  version: string;
  host: string;
  pid: number;
  status: 'starting' | 'running' | 'stopping';
  startedAt: number;
  lastSeen: number;
  httpUrl: string | null;
  ready: boolean | null;
  readyDetail: string | null;
  model: unknown;
}

export interface AgentView {
  name: string;
  health: Health;
  healthReason: string | null;
  expected: boolean;
  description: string | null;
  reads: string[];
  writes: string[];
  skills: { name: string; description: string; examples?: string[] }[];
  instances: InstanceView[];
  restarts: number;
}

export interface GroupView {
  name: string;
  consumers: number;
  pending: number;
  lag: number | null;
  lastDeliveredId: string;
  readRate: RateSeries;
}

export interface StreamView {
  stream: string;
  description: string | null;
  length: number;
  firstEntryId: string | null;
  lastEntryId: string | null;
  oldestAt: number | null;
  lastAt: number | null;
  retention: string | null;
  writers: string[];
  readers: string[];
  groups: GroupView[];
  pending: number;
  lag: number | null;
  deadLetters: number;
  writeRate: RateSeries;
}

export interface Snapshot {
  at: number;
  prefix: string;
  agents: AgentView[];
  streams: StreamView[];
  totals: { agents: number; up: number; streams: number; pending: number; deadLetters: number };
}

export interface Session {
  readOnly: boolean;
  csrfToken: string;
  prefix: string;
  redis: string;
  kami: string | null;
  archive: string | null;
  topology: string | null;
  pollMs: number;
  bundle: string;
}

export type EntryView =
  | { entryId: string; ok: true; type: string; v: number; id: string; src: string; ts: number; corr: string; cause: string; data: unknown }
  | { entryId: string; ok: false; error: { code: string; message: string }; fields: Record<string, string> };

export interface DeadLetterSummary {
  id: string;
  at: number;
  entryId: string;
  group: string;
  consumer: string;
  reason: string;
  error: string;
  deliveryCount: number;
  retries: number;
  type: string | null;
  messageId: string | null;
  corr: string | null;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  stream: string;
  field: string | null;
  history: { at: number; group: string; reason: string; error: string; deliveryCount: number }[];
  message: { type: string; v: number; id: string; src: string; ts: number; corr: string; cause: string; data: unknown } | null;
  decodeError: { code: string; message: string; field?: string } | null;
  original: Record<string, string>;
}

export interface TraceHop {
  kind: 'message' | 'dead-letter';
  stream: string;
  entryId: string;
  type: string;
  src: string;
  id: string;
  corr: string;
  cause: string;
  ts: number;
  deltaMs: number;
  sinceCauseMs: number | null;
  groups: { group: string; state: 'acked' | 'pending' | 'unread' | 'dead-lettered'; consumer?: string; deliveries?: number }[];
  deadLetter?: { stream: string; group: string; reason: string; error: string; deliveries: number; entryId: string };
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

export interface ChatMessage {
  seq: number;
  messageId: string;
  chatId: string;
  text: string;
  at: string;
  media?: { kind: string; mime: string; filename?: string };
}
