/**
 * `hive history`: search and export the durable history archivist keeps. It reads archivist's
 * SQLite file directly and read-only (the tables are described in apps/archivist/src/history-store.ts,
 * and `PRAGMA user_version` says which layout), so it needs no Redis and works whether archivist is
 * running (WAL lets it read while archivist writes) or not.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { boolFlag, listFlag, parseDuration, positiveInt, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { NotFoundError, OperationError, UsageError } from '../errors.js';
import { formatTime, plural, table } from '../format.js';

/** The history layout this command reads (archivist's HISTORY_SCHEMA_VERSION). */
export const HISTORY_SCHEMA_VERSION = 1;
/** Messages shown without --limit (exports take everything). */
export const DEFAULT_LIMIT = 50;
/** Characters of text per row in the table. */
const TEXT_WIDTH = 80;

/** One archived message as --json, --jsonl and --export print it. */
export interface HistoryRecord {
  stream: string;
  entryId: string;
  type: string;
  v: number;
  id: string;
  src: string;
  ts: number;
  time: string;
  corr: string;
  cause: string;
  traceparent?: string;
  chatId: string | null;
  text: string | null;
  data: unknown;
}

export interface HistoryFilter {
  /** Words that must all occur (prefixes match: "dent" finds "dentist"). */
  text?: string;
  chatId?: string;
  types?: readonly string[];
  streams?: readonly string[];
  corr?: string;
  /** Envelope time (ms) bounds, inclusive. */
  since?: number;
  until?: number;
}

/** The database file: --db, else env ARCHIVIST_DB_PATH, else <HIVE_DATA_DIR or .data>/archivist/history.db. */
export function historyDbPath(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const nonEmpty = (s: string | undefined) => (s === undefined || s === '' ? undefined : s);
  return resolve(flag ?? nonEmpty(env.ARCHIVIST_DB_PATH) ?? join(nonEmpty(env.HIVE_DATA_DIR) ?? '.data', 'archivist', 'history.db'));
}

/** --since/--until: a time ago (30m, 2h, 7d), an ISO date or time, or epoch milliseconds. */
export function parseTimeBound(flag: string, text: string, nowMs: number, verb: string): number {
  const t = text.trim();
  const ago = parseDuration(t);
  if (ago !== undefined) return nowMs - ago;
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  if (/^\d{10,}$/.test(t)) return Number(t);
  throw new UsageError(`${flag} "${text}" is not a time ago (30m, 2h, 7d), an ISO date (2025-01-31, 2025-01-31T08:00:00Z) or epoch milliseconds`, verb);
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

interface Row {
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

function toRecord(r: Row): HistoryRecord {
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
    time: formatTime(r.ts),
    corr: r.corr,
    cause: r.cause,
    ...(r.traceparent ? { traceparent: r.traceparent } : {}),
    chatId: r.chat_id,
    text: r.text,
    data,
  };
}

function oneLine(text: string, width: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > width ? `${t.slice(0, width - 1)}…` : t;
}

/** Open the history read-only, or say plainly why not. */
function openHistory(path: string): Database.Database {
  const missing = () => new NotFoundError(`no history database at ${path}: archivist writes it; run archivist, or point --db or HIVE_DATA_DIR at its data directory`);
  if (!existsSync(path)) throw missing();
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CANTOPEN') throw missing();
    throw new OperationError(`cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'").pluck().get() !== undefined;
    if (!hasTable || version === 0) throw new OperationError(`${path} is not an archivist history database (no messages table)`, 'NOT_HISTORY');
    if (version !== HISTORY_SCHEMA_VERSION) {
      throw new OperationError(`${path} has history schema v${version}; this hive reads v${HISTORY_SCHEMA_VERSION} (upgrade the CLI or archivist)`, 'SCHEMA_MISMATCH');
    }
  } catch (err) {
    db.close();
    if (err instanceof OperationError) throw err;
    throw new OperationError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return db;
}

function filterFrom(ctx: CommandContext): HistoryFilter {
  const v = ctx.args.values;
  const flagText = stringFlag(v, 'text');
  const words = ctx.args.positionals.join(' ').trim();
  if (flagText !== undefined && words !== '') throw new UsageError(`give the words either with --text or as arguments, not both (got "${words}")`, ctx.verb);
  const text = flagText ?? (words === '' ? undefined : words);
  if (text !== undefined && ftsQuery(text) === undefined) throw new UsageError(`--text "${text}" has no words to search for`, ctx.verb);
  const now = ctx.now();
  const sinceText = stringFlag(v, 'since');
  const untilText = stringFlag(v, 'until');
  const since = sinceText === undefined ? undefined : parseTimeBound('--since', sinceText, now, ctx.verb);
  const until = untilText === undefined ? undefined : parseTimeBound('--until', untilText, now, ctx.verb);
  if (since !== undefined && until !== undefined && since > until) throw new UsageError(`--since (${formatTime(since)}) is after --until (${formatTime(until)})`, ctx.verb);
  const chat = stringFlag(v, 'chat');
  const corr = stringFlag(v, 'corr');
  return {
    ...(text !== undefined ? { text } : {}),
    ...(chat !== undefined ? { chatId: normalizeChat(chat) } : {}),
    types: listFlag(v, 'type'),
    streams: listFlag(v, 'stream'),
    ...(corr !== undefined ? { corr } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

export const command: Command = {
  async run(ctx) {
    const v = ctx.args.values;
    const filter = filterFrom(ctx);
    const limitText = stringFlag(v, 'limit');
    const exportTo = stringFlag(v, 'export');
    const jsonl = boolFlag(v, 'jsonl');
    if (exportTo !== undefined && jsonl) throw new UsageError('--export writes JSON lines to a file, --jsonl to stdout: pick one', ctx.verb);
    if (jsonl && ctx.json) throw new UsageError('--jsonl and --json are two output formats: pick one', ctx.verb);
    const streaming = exportTo !== undefined || jsonl;
    // An export is the whole history unless asked otherwise; a listing is the latest page.
    const limit = limitText !== undefined ? positiveInt('--limit', limitText, ctx.verb) : streaming ? undefined : DEFAULT_LIMIT;
    const path = historyDbPath(stringFlag(v, 'db'), ctx.env);

    const db = openHistory(path);
    try {
      const { sql, params } = historyQuery(filter, limit);
      const statement = db.prepare(sql);

      if (jsonl) {
        for (const row of statement.iterate(...params) as IterableIterator<Row>) ctx.printJsonLine(toRecord(row));
        return;
      }
      if (exportTo !== undefined) {
        const file = resolve(exportTo);
        const out = createWriteStream(file);
        const failed = once(out, 'error').then(([err]) => {
          throw new OperationError(`cannot write ${file}: ${(err as Error).message}`);
        });
        failed.catch(() => undefined); // handled by the races below; this only keeps it from counting as unhandled
        let n = 0;
        for (const row of statement.iterate(...params) as IterableIterator<Row>) {
          n++;
          // Respect the file's pace: a large history must not pile up in memory.
          if (!out.write(`${JSON.stringify(toRecord(row))}\n`)) await Promise.race([once(out, 'drain'), failed]);
        }
        out.end();
        await Promise.race([once(out, 'finish'), failed]);
        if (ctx.json) ctx.printJson({ exported: n, file });
        else ctx.note(`exported ${plural(n, 'message')} to ${file}`);
        return;
      }

      const rows = statement.all(...params) as Row[];
      if (ctx.json) return void ctx.printJson(rows.map(toRecord));
      if (rows.length === 0) {
        ctx.note(`no messages match in ${path}`);
        return;
      }
      ctx.print(
        table(
          ['time', 'stream', 'type', 'chat', 'src', 'text'],
          rows.map((r) => [formatTime(r.ts), r.stream, r.type, r.chat_id, r.src, oneLine(r.snippet ?? r.text ?? r.data, TEXT_WIDTH)]),
        ),
      );
      if (limit !== undefined && rows.length === limit) {
        const { sql: countSql, params: countParams } = historyQuery(filter, undefined);
        const total = db.prepare(`SELECT count(*) FROM (${countSql})`).pluck().get(...countParams) as number;
        if (total > rows.length) ctx.note(`the latest ${rows.length} of ${plural(total, 'matching message')}; --limit N for more, --jsonl or --export FILE for all`);
      }
    } finally {
      db.close();
    }
  },
};
