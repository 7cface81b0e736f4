/**
 * `hive history`: search and export the durable history archivist keeps. It reads archivist's
 * SQLite file directly and read-only (the tables are described in apps/archivist/src/history-store.ts,
 * and `PRAGMA user_version` says which layout), so it needs no Redis and works whether archivist is
 * running (WAL lets it read while archivist writes) or not.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { ftsQuery, historyDbPath, historyQuery, HistoryError, normalizeChat, openHistory, toHistoryRecord, type HistoryFilter, type HistoryRecord, type HistoryRow } from '@hive/inspect';
import { boolFlag, listFlag, parseDuration, positiveInt, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { NotFoundError, OperationError, UsageError } from '../errors.js';
import { formatTime, plural, table } from '../format.js';

/** The pieces shared with the console (the query, the record, the database path) are @hive/inspect's. */
export { ftsQuery, historyDbPath, historyQuery, normalizeChat, HISTORY_SCHEMA_VERSION, type HistoryFilter, type HistoryRecord } from '@hive/inspect';

/** Messages shown without --limit (exports take everything). */
export const DEFAULT_LIMIT = 50;
/** Characters of text per row in the table. */
const TEXT_WIDTH = 80;

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

/** A record as --json, --jsonl and --export print it (the snippet belongs to the table only). */
function toRecord(row: HistoryRow): HistoryRecord {
  const { snippet: _snippet, ...record } = toHistoryRecord(row);
  return record;
}

function oneLine(text: string, width: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > width ? `${t.slice(0, width - 1)}…` : t;
}

/** Open the history read-only; a missing file is "not found", anything else a failed operation. */
function openHistoryDb(path: string): Database.Database {
  try {
    return openHistory(path);
  } catch (err) {
    if (!(err instanceof HistoryError)) throw err;
    if (err.code === 'HISTORY_MISSING') throw new NotFoundError(err.message);
    throw new OperationError(err.message, err.code === 'HISTORY_UNREADABLE' ? 'FAILED' : err.code);
  }
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
  // It reads archivist's SQLite file: which Redis would be used is beside the point.
  usesRedis: false,
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

    const db = openHistoryDb(path);
    try {
      const { sql, params } = historyQuery(filter, limit);
      const statement = db.prepare(sql);

      if (jsonl) {
        for (const row of statement.iterate(...params) as IterableIterator<HistoryRow>) ctx.printJsonLine(toRecord(row));
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
        for (const row of statement.iterate(...params) as IterableIterator<HistoryRow>) {
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

      const rows = statement.all(...params) as HistoryRow[];
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
