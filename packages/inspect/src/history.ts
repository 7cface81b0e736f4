/**
 * Archivist's history, read-only: the SQLite file archivist writes (its tables are described in
 * apps/archivist/src/history-store.ts, and `PRAGMA user_version` says which layout). WAL lets a
 * reader in while archivist writes, so this works whether archivist is running or not.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { HistoryError } from './errors.js';

/** The history layout this reader knows (archivist's HISTORY_SCHEMA_VERSION). */
export const HISTORY_SCHEMA_VERSION = 1;

/** One archived message. */
export interface HistoryRecord {
  stream: string;
  entryId: string;
  type: string;
  v: number;
  id: string;
  src: string;
  ts: number;
  /** ISO time of `ts`. */
  time: string;
  corr: string;
  cause: string;
  traceparent?: string;
  chatId: string | null;
  text: string | null;
  data: unknown;
  /** The matched words in [brackets], when the filter had text. */
  snippet?: string;
}

export interface HistoryFilter {
  /** Words that must all occur (prefixes match: "dent" finds "dentist"). */
  text?: string;
  chatId?: string;
  types?: readonly string[];
  streams?: readonly string[];
  corr?: string;
  /** Any of these message ids. */
  ids?: readonly string[];
  /** Envelope time (ms) bounds, inclusive. */
  since?: number;
  until?: number;
}

/** The database file: `explicit`, else env ARCHIVIST_DB_PATH, else <HIVE_DATA_DIR or .data>/archivist/history.db. */
export function historyDbPath(explicit: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const nonEmpty = (s: string | undefined) => (s === undefined || s === '' ? undefined : s);
  return resolve(explicit ?? nonEmpty(env.ARCHIVIST_DB_PATH) ?? join(nonEmpty(env.HIVE_DATA_DIR) ?? '.data', 'archivist', 'history.db'));
}

/** A chat as the archive stores it: "+49 170 1234567" → "491701234567@c.us"; an id with "@" as given. */
export function normalizeChat(text: string): string {
  const t = text.trim();
  if (t.includes('@')) return t;
  const digits = t.replace(/[\s()+.-]/g, '');
  return /^\d{5,20}$/.test(digits) ? `${digits}@c.us` : t;
}

/** An FTS5 query where every word must occur, as a prefix; undefined when the text has no words. */
export function ftsQuery(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (!words) return undefined;
  // Quoted, so FTS5 operators and column filters in the input are just words.
  return words.map((w) => `"${w}"*`).join(' ');
}

/** The SQL and parameters selecting `filter`'s messages: the newest `limit` of them, returned oldest first. */
export function historyQuery(filter: HistoryFilter, limit: number | undefined): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'messages m';
  let snippet = 'NULL';
  if (filter.text !== undefined) {
    const match = ftsQuery(filter.text);
    if (match === undefined) throw new Error('the text has no words to search for');
    from = 'messages_fts JOIN messages m ON m.seq = messages_fts.rowid';
    where.push('messages_fts MATCH ?');
    params.push(match);
    snippet = "snippet(messages_fts, 0, '[', ']', '…', 12)";
  }
  if (filter.chatId !== undefined) {
    where.push('m.chat_id = ?');
    params.push(filter.chatId);
  }
  const anyOf = (column: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    where.push(`m.${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  anyOf('type', filter.types);
  anyOf('stream', filter.streams);
  anyOf('id', filter.ids);
  if (filter.corr !== undefined) {
    where.push('m.corr = ?');
    params.push(filter.corr);
  }
  if (filter.since !== undefined) {
    where.push('m.ts >= ?');
    params.push(Math.floor(filter.since));
  }
  if (filter.until !== undefined) {
    where.push('m.ts <= ?');
    params.push(Math.floor(filter.until));
  }
  const select = `SELECT m.*, ${snippet} AS snippet FROM ${from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
  if (limit === undefined) return { sql: `${select} ORDER BY m.ts, m.seq`, params };
  return { sql: `SELECT * FROM (${select} ORDER BY m.ts DESC, m.seq DESC LIMIT ?) ORDER BY ts, seq`, params: [...params, limit] };
}

/** A row of the messages table, as the queries above select it. */
export interface HistoryRow {
  stream: string;
  entry_id: string;
  type: string;
  v: number;
  id: string;
  src: string;
  ts: number;
  corr: string;
  cause: string;
  traceparent: string | null;
  chat_id: string | null;
  text: string | null;
  data: string;
  snippet: string | null;
}

/** A row as a record: data parsed (left as text when it is not JSON), the time as ISO. */
export function toHistoryRecord(r: HistoryRow): HistoryRecord {
  let data: unknown;
  try {
    data = JSON.parse(r.data);
  } catch {
    data = r.data;
  }
  return {
    stream: r.stream,
    entryId: r.entry_id,
    type: r.type,
    v: r.v,
    id: r.id,
    src: r.src,
    ts: r.ts,
    time: new Date(r.ts).toISOString(),
    corr: r.corr,
    cause: r.cause,
    ...(r.traceparent ? { traceparent: r.traceparent } : {}),
    chatId: r.chat_id,
    text: r.text,
    data,
    ...(r.snippet ? { snippet: r.snippet } : {}),
  };
}

/** Open the history read-only, or throw a HistoryError that says plainly why not. */
export function openHistory(path: string): Database.Database {
  const missing = () =>
    new HistoryError('HISTORY_MISSING', `no history database at ${path}: archivist writes it; run archivist, or point --db or HIVE_DATA_DIR at its data directory`);
  if (!existsSync(path)) throw missing();
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CANTOPEN') throw missing();
    throw new HistoryError('HISTORY_UNREADABLE', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'").pluck().get() !== undefined;
    if (!hasTable || version === 0) throw new HistoryError('NOT_HISTORY', `${path} is not an archivist history database (no messages table)`);
    if (version !== HISTORY_SCHEMA_VERSION) {
      throw new HistoryError('SCHEMA_MISMATCH', `${path} has history schema v${version}; this hive reads v${HISTORY_SCHEMA_VERSION} (upgrade the CLI or archivist)`);
    }
  } catch (err) {
    db.close();
    if (err instanceof HistoryError) throw err;
    throw new HistoryError('HISTORY_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/** The messages matching `filter` (the newest `limit`, oldest first), read in one query. */
export function searchHistory(db: Database.Database, filter: HistoryFilter, limit: number | undefined): HistoryRecord[] {
  const { sql, params } = historyQuery(filter, limit);
  return (db.prepare(sql).all(...params) as HistoryRow[]).map(toHistoryRecord);
}
