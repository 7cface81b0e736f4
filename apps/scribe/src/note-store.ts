/**
 * scribe's notes in SQLite (better-sqlite3, WAL) with an FTS5 index over text, title and tags.
 * The index is an external-content table kept in step by triggers, so a note is stored once and
 * deleting it removes it from search in the same transaction. Each chat numbers its own notes from
 * 1 and never reuses a number, so "delete note 3" means the same note tomorrow as today. A
 * deletion is recorded against its message, so a redelivered "delete" or "undo" deletes nothing more.
 * A write resolves only once its commit is on disk (the WAL synced off the event loop, @hive/agent's
 * durableWal): the message is acked, and the owner told, after that.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { durableWal, type DurableWalOptions } from '@hive/agent';
import Database from 'better-sqlite3';
import { ftsMatch, searchTerms } from './domain/fts-query.js';
import type { NoteKind } from './domain/parse-command.js';
import type { Note, NoteContent, SearchHit } from './domain/replies.js';

/** A note to store; its identity is (chatId, sourceMessageId). */
export interface NewNote extends NoteContent {
  readonly chatId: string;
  readonly sourceMessageId: string;
}

export interface ListOptions {
  readonly kind?: NoteKind;
  readonly limit: number;
  /** Inclusive range of days (YYYY-MM-DD). */
  readonly from?: string;
  readonly to?: string;
}

export interface SearchResult {
  readonly hits: SearchHit[];
  /** True when no note had every word and the hits share only some of them. */
  readonly loose: boolean;
}

/**
 * The writes (save, delete, deleteLast) resolve once their commit is on disk, and reject when the
 * sync fails: nothing unsynced is confirmed. A redelivered write syncs too, since the first
 * delivery's sync may be the one that failed.
 */
export interface NoteStore {
  /** Save once per source message: a redelivered message returns the note saved the first time. */
  save(note: NewNote): Promise<{ note: Note; created: boolean }>;
  search(chatId: string, query: string, limit: number): SearchResult;
  list(chatId: string, options: ListOptions): { notes: Note[]; total: number };
  get(chatId: string, number: number): Note | undefined;
  /**
   * Delete by the chat's number, once per source message: the deleted note, or undefined if there
   * was none. A redelivered message gets the note it deleted the first time, and deletes nothing more.
   */
  delete(chatId: string, number: number, sourceMessageId: string): Promise<Note | undefined>;
  /** Delete the chat's newest note, once per source message (as `delete`). */
  deleteLast(chatId: string, sourceMessageId: string): Promise<Note | undefined>;
  /** The connection's journal mode and synchronous level, read back from SQLite (wal, NORMAL: the store syncs). */
  durability(): Durability;
  close(): void;
}

/** What a commit survives, as SQLite reports it for a connection. */
export interface Durability {
  readonly journalMode: string;
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
}

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

/** Thrown when the SQLite library was built without FTS5, which search needs. */
export class Fts5UnavailableError extends Error {
  override readonly name = 'Fts5UnavailableError';
  constructor() {
    super('this SQLite build has no FTS5; scribe needs it for search (better-sqlite3 12 ships with it)');
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY,
  note_id TEXT NOT NULL UNIQUE,
  chat_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('note', 'journal')),
  title TEXT,
  text TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '',
  source_message_id TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  day TEXT NOT NULL,
  UNIQUE (chat_id, source_message_id),
  UNIQUE (chat_id, number)
);
CREATE INDEX IF NOT EXISTS notes_by_chat_day ON notes (chat_id, day);
CREATE TABLE IF NOT EXISTS chat_counters (
  chat_id TEXT PRIMARY KEY,
  last_number INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deletions (
  chat_id TEXT NOT NULL,
  source_message_id TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (chat_id, source_message_id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(
  text, title, tags,
  content = 'notes', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS notes_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts (rowid, text, title, tags) VALUES (new.id, new.text, coalesce(new.title, ''), new.tags);
END;
CREATE TRIGGER IF NOT EXISTS notes_ad AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, text, title, tags) VALUES ('delete', old.id, old.text, coalesce(old.title, ''), old.tags);
END;
CREATE TRIGGER IF NOT EXISTS notes_au AFTER UPDATE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, text, title, tags) VALUES ('delete', old.id, old.text, coalesce(old.title, ''), old.tags);
  INSERT INTO notes_fts (rowid, text, title, tags) VALUES (new.id, new.text, coalesce(new.title, ''), new.tags);
END;
`;

interface Row {
  number: number;
  note_id: string;
  kind: NoteKind;
  title: string | null;
  text: string;
  tags: string;
  saved_at: string;
  day: string;
}

function toNote(r: Row): Note {
  return {
    number: r.number,
    noteId: r.note_id,
    kind: r.kind,
    ...(r.title ? { title: r.title } : {}),
    text: r.text,
    tags: r.tags === '' ? [] : r.tags.split(' '),
    savedAt: r.saved_at,
    day: r.day,
  };
}

// Title and tags weigh more than body text: a word someone chose as a label says more.
const RANK = 'bm25(notes_fts, 1.0, 2.0, 2.0)';

/**
 * Open (creating if needed) the notes database at `path`, or ":memory:". `options.syncWal` makes a
 * committed write durable (a test replaces it); the write resolves after it.
 */
export function openNoteStore(path: string, options: DurableWalOptions = {}): NoteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // A note is acked on the bus (and the owner told "Saved note #n") only once its commit is on disk,
  // so it survives a power cut. Not synchronous = FULL, which syncs inside the commit on the event
  // loop every agent of a host process shares: WAL with NORMAL, and the store syncs the WAL itself,
  // off the loop, before a write resolves.
  const durable = durableWal(db, options);
  db.pragma('busy_timeout = 5000');
  const compileOptions = (db.pragma('compile_options') as { compile_options: string }[]).map((o) => o.compile_options);
  if (!compileOptions.includes('ENABLE_FTS5')) {
    db.close();
    throw new Fts5UnavailableError();
  }
  db.exec(SCHEMA);

  const bySource = db.prepare<[string, string], Row>('SELECT * FROM notes WHERE chat_id = ? AND source_message_id = ?');
  const byNumber = db.prepare<[string, number], Row>('SELECT * FROM notes WHERE chat_id = ? AND number = ?');
  const nextNumber = db.prepare<[string], { last_number: number }>(
    `INSERT INTO chat_counters (chat_id, last_number) VALUES (?, 1)
     ON CONFLICT (chat_id) DO UPDATE SET last_number = last_number + 1 RETURNING last_number`,
  );
  const insert = db.prepare(
    `INSERT INTO notes (note_id, chat_id, number, kind, title, text, tags, source_message_id, saved_at, day)
     VALUES (@noteId, @chatId, @number, @kind, @title, @text, @tags, @sourceMessageId, @savedAt, @day)`,
  );
  const search = db.prepare<[string, string, number], Row & { snip: string }>(
    `SELECT n.*, snippet(notes_fts, -1, '*', '*', '…', 12) AS snip
       FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid
      WHERE notes_fts MATCH ? AND n.chat_id = ?
      ORDER BY ${RANK}, n.id DESC LIMIT ?`,
  );
  const remove = db.prepare<[string, number]>('DELETE FROM notes WHERE chat_id = ? AND number = ?');
  const newest = db.prepare<[string], Row>('SELECT * FROM notes WHERE chat_id = ? ORDER BY number DESC LIMIT 1');
  const deletionOf = db.prepare<[string, string], { note: string | null }>('SELECT note FROM deletions WHERE chat_id = ? AND source_message_id = ?');
  const markDeletion = db.prepare<[string, string, string | null]>('INSERT INTO deletions (chat_id, source_message_id, note) VALUES (?, ?, ?)');

  // One transaction: the note goes, and the message is marked with what it took, or with nothing.
  const deleteOnce = db.transaction((chatId: string, sourceMessageId: string, pick: () => Row | undefined): Note | undefined => {
    const done = deletionOf.get(chatId, sourceMessageId);
    if (done) return done.note ? (JSON.parse(done.note) as Note) : undefined;
    const row = pick();
    const note = row ? toNote(row) : undefined;
    if (row) remove.run(chatId, row.number);
    markDeletion.run(chatId, sourceMessageId, note ? JSON.stringify(note) : null);
    return note;
  });

  const saveTx = db.transaction((n: NewNote) => {
    const existing = bySource.get(n.chatId, n.sourceMessageId);
    if (existing) return { note: toNote(existing), created: false };
    const { last_number: number } = nextNumber.get(n.chatId)!;
    insert.run({ ...n, number, title: n.title ?? null, tags: n.tags.join(' ') });
    return { note: toNote(byNumber.get(n.chatId, number)!), created: true };
  });

  /** `result`, once the commit that made it is on disk. */
  const afterSync = async <T>(result: T): Promise<T> => {
    await durable();
    return result;
  };

  return {
    save: async (note) => afterSync(saveTx(note)),
    search(chatId, query, limit) {
      const terms = searchTerms(query);
      for (const mode of ['all', 'any'] as const) {
        const match = ftsMatch(terms, mode);
        if (match === undefined) break;
        const rows = search.all(match, chatId, limit);
        if (rows.length > 0) return { hits: rows.map((r) => ({ note: toNote(r), snippet: r.snip })), loose: mode === 'any' && terms.length > 1 };
        if (terms.length === 1) break;
      }
      return { hits: [], loose: false };
    },
    list(chatId, { kind, limit, from, to }) {
      const where = ['chat_id = @chatId'];
      const params: Record<string, string | number> = { chatId };
      for (const [column, op, value] of [['kind', '=', kind], ['day', '>=', from], ['day', '<=', to]] as const) {
        if (value === undefined) continue;
        const name = `p${where.length}`;
        where.push(`${column} ${op} @${name}`);
        params[name] = value;
      }
      const clause = where.join(' AND ');
      const rows = db.prepare<[Record<string, string | number>], Row>(`SELECT * FROM notes WHERE ${clause} ORDER BY id DESC LIMIT @limit`).all({ ...params, limit });
      const total = db.prepare<[Record<string, string | number>], { c: number }>(`SELECT count(*) AS c FROM notes WHERE ${clause}`).get(params)!.c;
      return { notes: rows.map(toNote), total };
    },
    get(chatId, number) {
      const row = byNumber.get(chatId, number);
      return row ? toNote(row) : undefined;
    },
    delete: async (chatId, number, sourceMessageId) => afterSync(deleteOnce(chatId, sourceMessageId, () => byNumber.get(chatId, number))),
    deleteLast: async (chatId, sourceMessageId) => afterSync(deleteOnce(chatId, sourceMessageId, () => newest.get(chatId))),
    durability: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: SYNCHRONOUS[Number(db.pragma('synchronous', { simple: true }))] ?? 'OFF',
    }),
    close: () => {
      db.close();
      durable.close();
    },
  };
}
