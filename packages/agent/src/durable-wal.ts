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
 * The WAL stays open between syncs (`durableWal`): a sync is then one round trip to the thread pool
 * (fdatasync) instead of three (open, fdatasync, close), and each round trip waits for the event
 * loop's turn to come back. On the reference VM's disk that took a sync from 0.57 to 0.17 ms at the
 * median (BENCHMARKS.md, issue 18); scribe answers a note only after its sync.
 *
 * No better-sqlite3 import: the runtime does not depend on a native module only two agents use; the
 * database is taken by the little of it this needs (`WalDatabase`).
 */
import { closeSync, fdatasync, fstatSync, open as openFd } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const openAsync = promisify(openFd);
const fdatasyncAsync = promisify(fdatasync);

/** The part of a better-sqlite3 `Database` this module uses. */
export interface WalDatabase {
  /** The database file's path (better-sqlite3's `name`). */
  readonly name: string;
  /** True for an in-memory or temporary database: nothing to sync. */
  readonly memory: boolean;
  pragma(source: string): unknown;
}

export interface DurableWalOptions {
  /** Sync the WAL file at this path to disk. @defaultValue the WAL kept open, synced with fdatasync */
  readonly syncWal?: (walPath: string) => Promise<void>;
}

/**
 * Resolves once every commit made before the call is on disk; rejects when the sync fails. `close`
 * lets go of the WAL's file descriptor (after any sync still running): call it when the database closes.
 */
export interface DurableWal {
  (): Promise<void>;
  close(): void;
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
 * The WAL at `walPath`, opened at its first sync and kept open: each sync after it is one fdatasync
 * on the thread pool. The file stays the same while the database is open (SQLite removes the WAL
 * only when the last connection closes, and truncates it in place otherwise), so the descriptor
 * keeps pointing at the WAL SQLite writes; a held file that was removed all the same is let go of,
 * and the one at the path synced. A WAL not there yet is no failure, as for `syncWal`; a failed
 * sync closes the descriptor, and the next sync opens the file afresh.
 */
function heldWal(walPath: string): DurableWal {
  let fd: number | undefined;
  let opening: Promise<number | undefined> | undefined;
  // Syncs under way: the descriptor is closed only when none is, so that no sync can find its
  // number reused by another file.
  let running = 0;
  let reopen = false;
  let closed = false;
  const releaseIfIdle = () => {
    if (running > 0 || fd === undefined || !(closed || reopen)) return;
    const held = fd;
    fd = undefined;
    reopen = false;
    try {
      closeSync(held);
    } catch {
      // Closing a descriptor only fails when it is already gone: nothing is left to let go of.
    }
  };
  const acquire = (): Promise<number | undefined> =>
    fd !== undefined
      ? Promise.resolve(fd)
      : (opening ??= openAsync(walPath, 'r').then(
          (opened) => {
            opening = undefined;
            fd = opened;
            return opened;
          },
          (err: unknown) => {
            opening = undefined;
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
            throw err;
          },
        ));
  const sync = async () => {
    running++;
    try {
      const held = await acquire();
      if (held === undefined) return;
      // Should the file ever be removed while it is held (not SQLite's doing while the database is
      // open), the descriptor would sync a file nobody writes: sync the one at the path instead, and
      // let go of the old one. fstat of a descriptor reads no disk.
      if (fstatSync(held).nlink === 0) {
        reopen = true;
        return await syncWal(walPath);
      }
      try {
        await fdatasyncAsync(held);
      } catch (err) {
        reopen = true;
        throw err;
      }
    } finally {
      running--;
      releaseIfIdle();
    }
  };
  return Object.assign(sync, {
    close() {
      closed = true;
      releaseIfIdle();
    },
  });
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
export function durableWal(db: WalDatabase, options: DurableWalOptions = {}): DurableWal {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (db.memory) return Object.assign(() => Promise.resolve(), { close() {} });
  const wal = `${db.name}-wal`;
  const injected = options.syncWal;
  const sync = injected ? Object.assign(() => injected(wal), { close() {} }) : heldWal(wal);
  let directory: Promise<void> | undefined;
  const durable = async () => {
    await sync();
    // Once per open (the WAL is created there), after the first sync; a failure is tried again next time.
    await (directory ??= syncDirectory(dirname(db.name)).catch((err: unknown) => {
      directory = undefined;
      throw err;
    }));
  };
  return Object.assign(durable, { close: () => sync.close() });
}
