/**
 * Durable SQLite commits that do not stall the event loop, for an agent's own database.
 *
 * SQLite's `synchronous = FULL` fsyncs the write-ahead log inside every commit, on the thread that
 * commits: with better-sqlite3 that is the event loop, and in host mode every agent of the process
 * shares it (5 ms at the median and 43 ms at the 99th percentile per commit on the reference VM's
 * disk, BENCHMARKS.md, issue 18). Here the database runs in WAL mode with `synchronous = NORMAL`,
 * which commits without the sync and still keeps the file consistent (checkpoints sync), and the
 * store syncs the WAL itself on libuv's thread pool before it reports a write done: what it
 * reported done (and so what was acked on the bus, or confirmed to the owner) is on disk, as under
 * FULL, without the wait on the event loop.
 *
 * No better-sqlite3 import: the runtime does not depend on a native module only two agents use; the
 * database is taken by the little of it this needs (`WalDatabase`).
 */
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The part of a better-sqlite3 `Database` this module uses. */
export interface WalDatabase {
  /** The database file's path (better-sqlite3's `name`). */
  readonly name: string;
  /** True for an in-memory or temporary database: nothing to sync. */
  readonly memory: boolean;
  pragma(source: string): unknown;
}

export interface DurableWalOptions {
  /** Sync the WAL file at this path to disk. @defaultValue syncWal */
  readonly syncWal?: (walPath: string) => Promise<void>;
}

/**
 * fdatasync the write-ahead log at `walPath`, off the event loop (libuv's thread pool). A WAL that
 * is not there is no failure: closing the database checkpoints the WAL into it (synced, under
 * NORMAL) and removes the file.
 */
export async function syncWal(walPath: string): Promise<void> {
  let file;
  try {
    file = await open(walPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}

/**
 * The directory's own entry for a WAL file created at open: FULL syncs it with the WAL's first
 * sync (SQLite's unix VFS does); under NORMAL nothing would until the first checkpoint. A directory
 * that cannot be opened for it (not every platform allows) is skipped, as SQLite skips it.
 */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Put `db` in WAL mode with `synchronous = NORMAL`, and return what makes its commits durable: a
 * function resolving once every commit made before the call is on disk, rejecting when the sync
 * fails (then nothing it covers may be reported done: the message stays pending and comes back).
 * Call it after each commit, or once after a group of them, and await it before the ack.
 */
export function durableWal(db: WalDatabase, options: DurableWalOptions = {}): () => Promise<void> {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (db.memory) return () => Promise.resolve();
  const wal = `${db.name}-wal`;
  const sync = options.syncWal ?? syncWal;
  let directory: Promise<void> | undefined;
  return async () => {
    await sync(wal);
    // Once per open (the WAL is created there), after the first sync; a failure is tried again next time.
    await (directory ??= syncDirectory(dirname(db.name)).catch((err: unknown) => {
      directory = undefined;
      throw err;
    }));
  };
}
