/**
 * The history database: SQLite through better-sqlite3 in WAL mode (`hive history` reads while
 * archivist writes), one row per (stream, message id) so a redelivered message is stored once,
 * with an FTS5 index over the searchable text kept in step by triggers.
 *
 * The schema is an interface: `hive history` (packages/cli/src/commands/history.ts) reads these
 * tables directly and checks `PRAGMA user_version` first. Change the tables, bump HISTORY_SCHEMA_VERSION.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { durableWal, type DurableWal, type DurableWalOptions } from '@hive/agent';
import Database from 'better-sqlite3';
import type { ArchiveRecord } from './domain/record.js';

/** The layout `hive history` knows; stored as PRAGMA user_version. */
export const HISTORY_SCHEMA_VERSION = 1;

/**
 * One row per message. The key is (stream, id), not id alone: the id is the idempotency key of one
 * stream (the bus deduplicates per stream and group), and nothing stops a producer from using the
 * same id on two streams (a CLI publish with --id, a follow-up derived from the same input).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY,
  stream TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  type TEXT NOT NULL,
  v INTEGER NOT NULL,
  id TEXT NOT NULL,
  src TEXT NOT NULL,
  ts INTEGER NOT NULL,
  corr TEXT NOT NULL,
  cause TEXT NOT NULL,
  traceparent TEXT,
  chat_id TEXT,
  text TEXT,
  data TEXT NOT NULL,
  archived_at INTEGER NOT NULL,
  UNIQUE (stream, id)
);
CREATE INDEX IF NOT EXISTS messages_by_ts ON messages (ts);
CREATE INDEX IF NOT EXISTS messages_by_chat ON messages (chat_id, ts);
CREATE INDEX IF NOT EXISTS messages_by_type ON messages (type, ts);
CREATE INDEX IF NOT EXISTS messages_by_stream ON messages (stream, ts);
CREATE INDEX IF NOT EXISTS messages_by_corr ON messages (corr);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  text, content = 'messages', content_rowid = 'seq', tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
`;

/** The database has a layout this archivist does not know (written by a newer one). */
export class HistorySchemaError extends Error {
  override readonly name = 'HistorySchemaError';
}

/** What one prune removed, and where the database stands after it. */
export interface PruneResult {
  /** Rows older than the age limit, removed. */
  readonly byAge: number;
  /** The oldest rows removed to bring the database under its size limit. */
  readonly bySize: number;
  /** Bytes the database's pages hold after the prune (the file, less its free pages). */
  readonly usedBytes: number;
  /** The file's size after the prune (and the incremental vacuum, on databases created with it). */
  readonly fileBytes: number;
}

export interface PruneOptions {
  /** Remove messages sent (`ts`) longer ago than this. */
  readonly maxAgeMs?: number;
  /** Above this many bytes in use, remove the oldest messages until 90% of it. */
  readonly maxBytes?: number;
  /** @defaultValue Date.now() */
  readonly now?: number;
  /** Rows per delete transaction: each is short, so archiving goes on in between. @defaultValue 2000 */
  readonly batch?: number;
}

export interface HistoryStore {
  /** Store a message once; false when its (stream, id) was already archived. */
  insert(record: ArchiveRecord): boolean;
  /**
   * The same, committed together with whatever else arrives within `commitWindowMs` (group commit:
   * one fsync for many messages); resolves once the row is durable.
   */
  archive(record: ArchiveRecord): Promise<boolean>;
  /** How many messages are archived (per stream with `stream`). */
  count(stream?: string): number;
  /** Every archived (stream, id), for checks. */
  ids(): { stream: string; id: string }[];
  /**
   * The archive's own bound: remove what is older than `maxAgeMs`, then the oldest rows while the
   * database holds more than `maxBytes`; in batches, yielding between them.
   */
  prune(options: PruneOptions): Promise<PruneResult>;
  /** Bytes in use by the database's pages, and the file's size. */
  size(): { usedBytes: number; fileBytes: number };
  readonly path: string;
  close(): void;
}

/**
 * How long archive() gathers rows before one commit. Each commit's WAL is synced to disk before its
 * messages are acked (@hive/agent's durableWal); gathering keeps those syncs few.
 */
export const ARCHIVE_COMMIT_WINDOW_MS = 20;
/** A batch this large is committed without waiting for the window. */
export const ARCHIVE_MAX_BATCH = 256;

/** `syncWal` makes the committed WAL durable; archive() resolves after it (@hive/agent's durableWal). */
export interface HistoryStoreOptions extends DurableWalOptions {
  /** @defaultValue ARCHIVE_COMMIT_WINDOW_MS */
  readonly commitWindowMs?: number;
}

/** Open (creating if needed) the history database at `path`; throws HistorySchemaError on a newer layout. */
export function openHistoryStore(path: string, options: HistoryStoreOptions = {}): HistoryStore {
  const commitWindowMs = options.commitWindowMs ?? ARCHIVE_COMMIT_WINDOW_MS;
  let durable: DurableWal;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // Before any table exists (a new file): pages freed by pruning can be handed back to the file
    // system (PRAGMA incremental_vacuum). An older file keeps its mode: freed pages are reused.
    db.pragma('auto_vacuum = INCREMENTAL');
    // A row is acked on the bus only after its commit is on disk (it must survive a power cut too,
    // or an acked message could vanish from both the archive and, once trimmed, the stream). WAL
    // with synchronous = NORMAL commits without the sync; archive() syncs the WAL itself, off the
    // event loop, before it resolves.
    durable = durableWal(db, options);
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > HISTORY_SCHEMA_VERSION) {
      throw new HistorySchemaError(`${path} has history schema v${version}; this archivist knows v${HISTORY_SCHEMA_VERSION} (upgrade it)`);
    }
    db.exec('BEGIN');
    db.exec(SCHEMA);
    db.pragma(`user_version = ${HISTORY_SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    throw err;
  }

  // ON CONFLICT on the key, not INSERT OR IGNORE: OR IGNORE also skips rows that break NOT NULL,
  // so a malformed record would be acked and silently never stored.
  const insert = db.prepare(`
    INSERT INTO messages (stream, entry_id, type, v, id, src, ts, corr, cause, traceparent, chat_id, text, data, archived_at)
    VALUES (@stream, @entryId, @type, @v, @id, @src, @ts, @corr, @cause, @traceparent, @chatId, @text, @data, @archivedAt)
    ON CONFLICT (stream, id) DO NOTHING
  `);
  const countAll = db.prepare('SELECT count(*) AS n FROM messages').pluck();
  const countStream = db.prepare('SELECT count(*) AS n FROM messages WHERE stream = ?').pluck();
  const ids = db.prepare('SELECT stream, id FROM messages ORDER BY seq');

  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const size = () => {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return { usedBytes: (pages - free) * pageSize, fileBytes: pages * pageSize };
  };
  const incremental = (db.pragma('auto_vacuum', { simple: true }) as number) === 2;
  const deleteOlder = db.prepare('DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE ts < ? ORDER BY ts LIMIT ?)');
  const deleteOldest = db.prepare('DELETE FROM messages WHERE seq IN (SELECT seq FROM messages ORDER BY seq LIMIT ?)');
  const yieldToArchiving = () => new Promise<void>((r) => setImmediate(r));

  const insertOne = (r: ArchiveRecord) => insert.run({ ...r, traceparent: r.traceparent ?? null, chatId: r.chatId ?? null, text: r.text ?? null }).changes === 1;
  const insertAll = db.transaction((records: readonly ArchiveRecord[]) => records.map(insertOne));

  interface Waiting {
    readonly record: ArchiveRecord;
    resolve(created: boolean): void;
    reject(err: unknown): void;
  }
  let queue: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const done: { w: Waiting; created: boolean }[] = [];
    try {
      insertAll(batch.map((w) => w.record)).forEach((created, i) => done.push({ w: batch[i]!, created }));
    } catch {
      // One bad row must not fail the messages it happened to share a transaction with: retry each alone.
      for (const w of batch) {
        try {
          done.push({ w, created: insertAll([w.record])[0]! });
        } catch (err) {
          w.reject(err);
        }
      }
    }
    if (done.length === 0) return;
    // Resolved (and so acked) once the commit is on disk; a failed sync fails them: they stay pending and come back.
    durable().then(
      () => done.forEach(({ w, created }) => w.resolve(created)),
      (err: unknown) => done.forEach(({ w }) => w.reject(err)),
    );
  };

  return {
    path,
    insert: insertOne,
    archive: (record) =>
      new Promise<boolean>((resolve, reject) => {
        if (!db.open) return reject(new Error(`the history database ${path} is closed`));
        queue.push({ record, resolve, reject });
        if (queue.length >= ARCHIVE_MAX_BATCH) flush();
        else timer ??= setTimeout(flush, commitWindowMs);
      }),
    count: (stream) => (stream === undefined ? (countAll.get() as number) : (countStream.get(stream) as number)),
    ids: () => ids.all() as { stream: string; id: string }[],
    size,
    async prune(o) {
      const batch = o.batch ?? 2_000;
      let byAge = 0;
      let bySize = 0;
      if (o.maxAgeMs !== undefined) {
        const before = (o.now ?? Date.now()) - o.maxAgeMs;
        for (;;) {
          if (!db.open) break;
          const n = deleteOlder.run(before, batch).changes;
          byAge += n;
          if (n < batch) break;
          await yieldToArchiving();
        }
      }
      const used = db.open ? size().usedBytes : 0;
      if (o.maxBytes !== undefined && used > o.maxBytes) {
        // Down to 90%, not just under the line (else every prune after this one trims a sliver), by
        // the average row: freed space shows only as pages empty out and the FTS index merges, so
        // measuring after each batch would overshoot.
        const rows = countAll.get() as number;
        let todo = Math.min(rows, Math.ceil((used - o.maxBytes * 0.9) / Math.max(1, used / Math.max(1, rows))));
        while (todo > 0 && db.open) {
          const n = deleteOldest.run(Math.min(batch, todo)).changes;
          bySize += n;
          todo -= n;
          if (n === 0) break;
          await yieldToArchiving();
        }
      }
      if (byAge + bySize > 0 && db.open) {
        // Fold the FTS index's delete markers into its segments, then hand freed pages back.
        db.prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', 500)").run();
        if (incremental) db.pragma('incremental_vacuum');
      }
      return { byAge, bySize, ...(db.open ? size() : { usedBytes: 0, fileBytes: 0 }) };
    },
    close: () => {
      if (!db.open) return;
      flush();
      db.close();
      durable.close();
    },
  };
}
