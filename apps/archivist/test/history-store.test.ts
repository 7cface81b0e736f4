/** The history database on real SQLite: once per (stream, id), across reopen; WAL; FTS5 in step. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncWal } from '@hive/agent';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveRecord } from '../src/domain/record.js';
import { ARCHIVE_MAX_BATCH, HISTORY_SCHEMA_VERSION, HistorySchemaError, openHistoryStore } from '../src/history-store.js';

const dir = mkdtempSync(join(tmpdir(), 'archivist-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const record = (extra: Partial<ArchiveRecord> = {}): ArchiveRecord => ({
  stream: 'wa.inbound',
  entryId: `${1_700_000_000_000 + ++n}-0`,
  type: 'wa.message',
  v: 2,
  id: `m-${n}`,
  src: 'kami',
  ts: 1_700_000_000_000 + n,
  corr: `c-${n}`,
  cause: `m-${n}`,
  traceparent: undefined,
  chatId: '491701234567@c.us',
  text: 'call the dentist',
  data: '{"text":"call the dentist"}',
  archivedAt: 1,
  ...extra,
});

describe('openHistoryStore', () => {
  it('stores a message once per (stream, id), and again under another stream', () => {
    const s = openHistoryStore(join(dir, 'once.db'));
    const r = record();
    expect(s.insert(r)).toBe(true);
    expect(s.insert({ ...r, entryId: '1800000000000-0' })).toBe(false);
    expect(s.insert({ ...r, stream: 'wa.outbound', type: 'wa.send' })).toBe(true);
    expect(s.count()).toBe(2);
    expect(s.count('wa.inbound')).toBe(1);
    expect(s.ids()).toEqual([
      { stream: 'wa.inbound', id: r.id },
      { stream: 'wa.outbound', id: r.id },
    ]);
    s.close();
  });

  it('survives a reopen: rows kept, a repeat still ignored, the directory created on first open', () => {
    const path = join(dir, 'nested', 'archivist', 'history.db');
    const first = openHistoryStore(path);
    const r = record();
    first.insert(r);
    first.close();
    const again = openHistoryStore(path);
    expect(again.count()).toBe(1);
    expect(again.insert(r)).toBe(false);
    expect(again.insert(record())).toBe(true);
    expect(again.count()).toBe(2);
    again.close();
  });

  it('is WAL and marks its schema version', () => {
    const path = join(dir, 'pragmas.db');
    openHistoryStore(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(HISTORY_SCHEMA_VERSION);
    db.close();
  });

  it('archive(): resolves only once the WAL of its commit is synced, and fails (so nothing is acked) when the sync does', async () => {
    const path = join(dir, 'durable.db');
    const synced: string[] = [];
    let release!: () => void;
    const s = openHistoryStore(path, {
      commitWindowMs: 1,
      syncWal: (wal) => {
        synced.push(wal);
        return new Promise<void>((r) => (release = r));
      },
    });
    let settled = false;
    const archived = s.archive(record()).finally(() => (settled = true));
    while (synced.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(synced).toEqual([`${path}-wal`]);
    expect(s.count()).toBe(1); // committed…
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // …but not on disk yet: not resolved, so not acked
    release();
    expect(await archived).toBe(true);
    s.close();

    const failing = openHistoryStore(join(dir, 'sync-fails.db'), { commitWindowMs: 1, syncWal: () => Promise.reject(new Error('EIO: the disk')) });
    await expect(failing.archive(record())).rejects.toThrow(/EIO/);
    failing.close();
  });

  it('syncWal: syncs an existing WAL, and a WAL already checkpointed away at close is no failure', async () => {
    const path = join(dir, 'sync-real.db');
    const s = openHistoryStore(path);
    expect(await s.archive(record())).toBe(true);
    await expect(syncWal(`${path}-wal`)).resolves.toBeUndefined();
    s.close();
    await expect(syncWal(`${path}-wal`)).resolves.toBeUndefined();
    await expect(syncWal(join(dir, 'no-such-dir', 'x.db-wal'))).resolves.toBeUndefined();
  });

  it('keeps the FTS index in step: found by stem and prefix, a duplicate adds no second hit, a delete removes it', () => {
    const path = join(dir, 'fts.db');
    const s = openHistoryStore(path);
    const a = record({ text: 'Remind me to call the dentists tomorrow' });
    s.insert(a);
    s.insert(a);
    s.insert(record({ text: undefined, data: '{}' }));
    s.insert(record({ text: 'groceries at rewe' }));
    const db = new Database(path);
    const hits = (q: string) => db.prepare('SELECT m.id FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ?').pluck().all(q);
    expect(hits('dentist')).toEqual([a.id]);
    expect(hits('"groc"*')).toHaveLength(1);
    expect(hits('remind AND calling')).toEqual([a.id]);
    db.prepare('DELETE FROM messages WHERE id = ?').run(a.id);
    expect(hits('dentist')).toEqual([]);
    db.close();
    s.close();
  });

  it('archive(): messages arriving together share one commit, each learns whether it was new', async () => {
    const s = openHistoryStore(join(dir, 'group.db'));
    const records = Array.from({ length: 50 }, () => record());
    const results = await Promise.all([...records, records[0]!].map((r) => s.archive(r)));
    expect(results.slice(0, 50).every(Boolean)).toBe(true);
    expect(results[50]).toBe(false);
    expect(s.count()).toBe(50);
    s.close();
  });

  it('archive(): messages arriving in different turns of the event loop within the commit window share one commit', async () => {
    const s = openHistoryStore(join(dir, 'window.db'), { commitWindowMs: 200 });
    const first = s.archive(record());
    await new Promise((r) => setImmediate(r));
    // Not committed on the next turn: it waits for the window (or a full batch) with whatever comes next.
    expect(s.count()).toBe(0);
    const second = s.archive(record());
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(s.count()).toBe(2);
    // A full batch does not wait for the window.
    const batch = Array.from({ length: ARCHIVE_MAX_BATCH }, () => s.archive(record()));
    expect(s.count()).toBe(2 + ARCHIVE_MAX_BATCH);
    await Promise.all(batch);
    s.close();
  });

  it('archive(): a row that cannot be stored fails alone, not the messages it was batched with', async () => {
    const s = openHistoryStore(join(dir, 'poison.db'));
    const good = [record(), record()];
    const bad = record({ stream: null as unknown as string });
    const outcomes = await Promise.allSettled([good[0]!, bad, good[1]!].map((r) => s.archive(r)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('NOT NULL constraint failed: messages.stream');
    expect(s.ids().map((r) => r.id)).toEqual(good.map((r) => r.id));
    s.close();
    await expect(s.archive(record())).rejects.toThrow(/closed/);
  });

  it('refuses a database written by a newer archivist, and leaves it alone', () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    db.pragma(`user_version = ${HISTORY_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openHistoryStore(path)).toThrow(HistorySchemaError);
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'messages'").pluck().get()).toBe(0);
    check.close();
  });

  it('prunes by age, then by size (the oldest first, down to 90% of the limit), keeping the FTS index in step', async () => {
    const path = join(dir, 'prune.db');
    const s = openHistoryStore(path);
    const day = 86_400_000;
    const now = 1_700_000_000_000 + 400 * day;
    // 300 messages a day apart, each with 1 KB of payload.
    for (let i = 0; i < 300; i++) s.insert(record({ ts: now - (300 - i) * day, text: i === 10 ? 'dentist appointment' : `note ${i}`, data: JSON.stringify({ pad: 'x'.repeat(1_000), i }) }));
    const search = (q: string) => new Database(path, { readonly: true }).prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?').pluck().get(q) as number;
    expect(search('dentist')).toBe(1);

    // By age, 200 days: the 100 oldest go, with their words.
    const aged = await s.prune({ maxAgeMs: 200 * day, now, batch: 7 });
    expect(aged).toMatchObject({ byAge: 100, bySize: 0 });
    expect(s.count()).toBe(200);
    expect(search('dentist')).toBe(0);
    expect(Math.min(...(new Database(path, { readonly: true }).prepare('SELECT ts FROM messages').pluck().all() as number[]))).toBe(now - 200 * day);

    // By size: to about 90% of a limit well under what is used, oldest first.
    const before = s.size();
    const limit = Math.round(before.usedBytes / 2);
    const sized = await s.prune({ maxBytes: limit, now });
    expect(sized.byAge).toBe(0);
    expect(sized.bySize).toBeGreaterThan(80);
    expect(sized.bySize).toBeLessThan(200);
    const left = new Database(path, { readonly: true }).prepare('SELECT ts FROM messages ORDER BY seq').pluck().all() as number[];
    expect(left[0]).toBe(now - (200 - sized.bySize) * day); // the oldest went, in order
    expect(sized.usedBytes).toBeLessThanOrEqual(limit);
    // A new file vacuums incrementally: the file itself shrank.
    expect(sized.fileBytes).toBeLessThan(before.fileBytes);
    // Under the limit now: a second prune removes nothing.
    expect(await s.prune({ maxBytes: limit, maxAgeMs: 200 * day, now })).toMatchObject({ byAge: 0, bySize: 0 });
    s.close();
  });
});
