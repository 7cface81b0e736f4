/** The JSON the console's server sends: the shared shapes from ../wire.ts, and the rest of the API's replies. */
export type { AgentView, Found, GroupView, Health, InstanceView, ModelView, RateSeries, Snapshot, StreamView, TraceHop } from '../wire.js';

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

export interface ChatMessage {
  seq: number;
  messageId: string;
  chatId: string;
  text: string;
  at: string;
  media?: { kind: string; mime: string; filename?: string };
}
