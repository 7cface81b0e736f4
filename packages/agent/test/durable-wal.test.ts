/**
 * durableWal, on real files: the pragmas it sets, the WAL it syncs (kept open between syncs), and a
 * sync's failure passed on.
 * (archivist's and scribe's store tests run it on real SQLite databases.)
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { durableWal, syncWal, type WalDatabase } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'durable-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database as durableWal sees it, recording the pragmas it is given. */
const database = (name: string, memory = false) => {
  const pragmas: string[] = [];
  const db: WalDatabase = { name, memory, pragma: (source) => void pragmas.push(source) };
  return { db, pragmas };
};

it('puts the database in WAL mode with synchronous = NORMAL, and syncs its -wal file', async () => {
  const { db, pragmas } = database(join(dir, 'a.db'));
  const synced: string[] = [];
  const durable = durableWal(db, { syncWal: async (wal) => void synced.push(wal) });
  expect(pragmas).toEqual(['journal_mode = WAL', 'synchronous = NORMAL']);
  await durable();
  await durable();
  expect(synced).toEqual([join(dir, 'a.db-wal'), join(dir, 'a.db-wal')]);
});

it('a failed sync rejects; the next call syncs again', async () => {
  let fail = true;
  const durable = durableWal(database(join(dir, 'b.db')).db, {
    syncWal: async () => {
      if (fail) throw new Error('EIO: the disk');
    },
  });
  await expect(durable()).rejects.toThrow(/EIO/);
  fail = false;
  await expect(durable()).resolves.toBeUndefined();
});

/** This process's open descriptors on `path` (Linux: /proc/self/fd). */
const descriptorsOn = (path: string) =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // the listing's own descriptor, closed by now
    }
  }).length;

it('keeps the WAL open between syncs (one descriptor, whatever the number of syncs) and lets go of it at close', async () => {
  const name = join(dir, 'held.db');
  writeFileSync(`${name}-wal`, 'frames');
  const durable = durableWal(database(name).db);
  expect(descriptorsOn(`${name}-wal`)).toBe(0);
  await durable();
  expect(descriptorsOn(`${name}-wal`)).toBe(1);
  await Promise.all([durable(), durable(), durable()]);
  await durable();
  expect(descriptorsOn(`${name}-wal`)).toBe(1);
  durable.close();
  expect(descriptorsOn(`${name}-wal`)).toBe(0);
});

it('a close during a sync lets go of the WAL once the sync is done, and the sync still resolves', async () => {
  const name = join(dir, 'closing.db');
  writeFileSync(`${name}-wal`, 'frames');
  const durable = durableWal(database(name).db);
  const syncing = durable();
  durable.close();
  await expect(syncing).resolves.toBeUndefined();
  expect(descriptorsOn(`${name}-wal`)).toBe(0);
});

it('a held WAL removed and made again is let go of: the next syncs hold the file at the path', async () => {
  const name = join(dir, 'replaced.db');
  const wal = `${name}-wal`;
  writeFileSync(wal, 'frames');
  const durable = durableWal(database(name).db);
  await durable();
  rmSync(wal);
  writeFileSync(wal, 'new frames');
  expect(descriptorsOn(`${wal} (deleted)`)).toBe(1);
  await durable();
  expect(descriptorsOn(`${wal} (deleted)`)).toBe(0);
  await durable();
  expect(descriptorsOn(wal)).toBe(1);
  durable.close();
});

it('a WAL not made yet is no failure, and the first sync after it appears opens it', async () => {
  const name = join(dir, 'later.db');
  const durable = durableWal(database(name).db);
  await expect(durable()).resolves.toBeUndefined();
  expect(descriptorsOn(`${name}-wal`)).toBe(0);
  writeFileSync(`${name}-wal`, 'frames');
  await durable();
  expect(descriptorsOn(`${name}-wal`)).toBe(1);
  durable.close();
});

it('an in-memory database has nothing to sync', async () => {
  const synced: string[] = [];
  const durable = durableWal(database(':memory:', true).db, { syncWal: async (wal) => void synced.push(wal) });
  await durable();
  expect(synced).toEqual([]);
});

it('syncWal: syncs a real file; a WAL already checkpointed away (or never made) is no failure', async () => {
  const wal = join(dir, 'c.db-wal');
  writeFileSync(wal, 'frames');
  await expect(syncWal(wal)).resolves.toBeUndefined();
  await expect(syncWal(join(dir, 'gone.db-wal'))).resolves.toBeUndefined();
  await expect(syncWal(join(dir, 'no-such-dir', 'x.db-wal'))).resolves.toBeUndefined();
  // Not a file it can sync: that is a failure, passed on.
  await expect(syncWal(join(dir, 'c.db-wal', 'under-a-file'))).rejects.toThrow(/ENOTDIR/);
});
