/**
 * The history database's writer, in a worker thread (history-store.ts starts it): archivist's rows
 * are inserted here, on a connection of its own to the same WAL database, so the inserts (a row per
 * entry of every stream, five indexes and the FTS5 index each) do not run on the event loop the
 * other agents of a one-process host share. Plain JavaScript: a worker is loaded by Node itself,
 * without the TypeScript loader of the thread that starts it (tsx, vitest).
 *
 * One message in, one out: `{ seq, records }` → `{ seq, results }`, a result per record in order
 * (true: stored; false: its (stream, id) was already there; `{ error }`: it could not be stored).
 * A batch is one transaction; when it fails, each record is tried alone, so one bad row fails only
 * itself. `{ close: true }` closes the connection and ends the thread. The main thread syncs the
 * WAL (durableWal) before it reports a batch stored.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
// WAL mode is the file's (set by the main connection); the sync level is each connection's own.
db.pragma('synchronous = NORMAL');
const insert = db.prepare(workerData.insertSql);
const insertAll = db.transaction((records) => records.map((r) => insert.run(r).changes === 1));

parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  let results;
  try {
    results = insertAll(m.records);
  } catch {
    results = m.records.map((r) => {
      try {
        return insertAll([r])[0];
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      }
    });
  }
  parentPort.postMessage({ seq: m.seq, results });
});
