/** The notes database on real SQLite files: idempotent saves, stable numbers, FTS5 search ranked by bm25. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNoteStore, type NewNote, type NoteStore } from '../src/note-store.js';

const A = '491701234567@c.us';
const B = '491709999999@c.us';
let dir: string;
let store: NoteStore;
let n = 0;

function note(text: string, extra: Partial<NewNote> = {}): NewNote {
  n += 1;
  return { chatId: A, sourceMessageId: `wamid-${n}`, noteId: `note_${n}`, kind: 'note', text, tags: [], savedAt: '2025-03-14T10:00:00.000Z', day: '2025-03-14', ...extra };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scribe-store-'));
  store = openNoteStore(join(dir, 'scribe', 'notes.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('saving', () => {
  it('creates the directory and a WAL database', async () => {
    await store.save(note('hello'));
    expect(existsSync(join(dir, 'scribe', 'notes.db'))).toBe(true);
    expect(existsSync(join(dir, 'scribe', 'notes.db-wal'))).toBe(true);
  });

  it('commits without a sync on the event loop (WAL, synchronous=NORMAL, read back from SQLite): the store syncs', () => {
    expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL' });
  });

  it('a write resolves only once the WAL of its commit is synced, and fails (so nothing is confirmed) when the sync does', async () => {
    const path = join(dir, 'durable', 'notes.db');
    const synced: string[] = [];
    let release!: () => void;
    const s = openNoteStore(path, {
      syncWal: (wal) => {
        synced.push(wal);
        return new Promise<void>((r) => (release = r));
      },
    });
    try {
      let settled = false;
      const saving = s.save(note('renew passport')).finally(() => (settled = true));
      expect(synced).toEqual([`${path}-wal`]);
      expect(s.get(A, 1)?.text).toBe('renew passport'); // committed…
      await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBe(false); // …but not on disk yet: not resolved, so no reply and no ack
      release();
      expect((await saving).created).toBe(true);
      // A delete waits for its sync too.
      settled = false;
      const deleting = s.delete(A, 1, 'del-1').finally(() => (settled = true));
      expect(synced).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBe(false);
      release();
      expect((await deleting)?.text).toBe('renew passport');
    } finally {
      s.close();
    }

    const failing = openNoteStore(join(dir, 'failing', 'notes.db'), { syncWal: () => Promise.reject(new Error('EIO: the disk')) });
    try {
      const first = note('call the landlord');
      await expect(failing.save(first)).rejects.toThrow(/EIO/);
      await expect(failing.deleteLast(A, 'undo-1')).rejects.toThrow(/EIO/);
      // The redelivery finds the note committed, and still waits for (here: fails on) the sync.
      await expect(failing.save(first)).rejects.toThrow(/EIO/);
    } finally {
      failing.close();
    }
  });

  it('saves a source message once: the second save returns the first note', async () => {
    const first = note('call the landlord');
    const a = await store.save(first);
    const b = await store.save({ ...first, text: 'something else', noteId: 'note_other' });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.note).toEqual(a.note);
    expect(store.list(A, { limit: 10 }).total).toBe(1);
  });

  it('numbers each chat from 1 and never reuses a deleted number', async () => {
    expect((await store.save(note('one'))).note.number).toBe(1);
    expect((await store.save(note('two'))).note.number).toBe(2);
    expect((await store.save(note('other chat', { chatId: B }))).note.number).toBe(1);
    expect((await store.delete(A, 2, 'del-1'))?.text).toBe('two');
    expect((await store.save(note('three'))).note.number).toBe(3);
  });

  it('keeps what it stored across a reopen', async () => {
    await store.save(note('renew passport', { tags: ['admin'], title: 'todo' }));
    store.close();
    store = openNoteStore(join(dir, 'scribe', 'notes.db'));
    expect(store.get(A, 1)).toMatchObject({ text: 'renew passport', tags: ['admin'], title: 'todo', number: 1, kind: 'note' });
    expect(store.search(A, 'passport', 5).hits).toHaveLength(1);
  });
});

describe('searching', () => {
  beforeEach(async () => {
    await store.save(note('call the landlord about the heater'));
    await store.save(note('the heater makes a noise again, landlord says next week', { day: '2025-03-15' }));
    await store.save(note('buy a new kettle'));
    await store.save(note('landlord phone number is in the lease', { title: 'landlord' }));
    await store.save(note('the landlord of the other chat', { chatId: B }));
  });

  it('ranks by bm25 and quotes the match in bold', () => {
    const { hits, loose } = store.search(A, 'heater landlord', 5);
    expect(loose).toBe(false);
    expect(hits.map((h) => h.note.number).sort()).toEqual([1, 2]);
    // The shorter note with both words is the better match.
    expect(hits[0]!.note.number).toBe(1);
    expect(hits[0]!.snippet).toBe('call the *landlord* about the *heater*');
  });

  it('weighs a title above the body', () => {
    const { hits } = store.search(A, 'landlord', 5);
    expect(hits[0]!.note.number).toBe(4);
    expect(hits.map((h) => h.note.number)).toHaveLength(3);
  });

  it('finds word forms and prefixes', () => {
    expect(store.search(A, 'heaters', 5).hits.map((h) => h.note.number).sort()).toEqual([1, 2]);
    expect(store.search(A, 'kett', 5).hits.map((h) => h.note.number)).toEqual([3]);
    expect(store.search(A, 'calling', 5).hits.map((h) => h.note.number)).toEqual([1]);
  });

  it('falls back to any word when no note has them all', () => {
    const { hits, loose } = store.search(A, 'kettle heater', 5);
    expect(loose).toBe(true);
    expect(hits.map((h) => h.note.number).sort()).toEqual([1, 2, 3]);
  });

  it('never shows another chat\'s notes', () => {
    expect(store.search(B, 'landlord', 5).hits.map((h) => h.note.text)).toEqual(['the landlord of the other chat']);
    expect(store.search(B, 'heater', 5).hits).toEqual([]);
  });

  it('treats FTS5 syntax in the query as words', () => {
    expect(() => store.search(A, 'heater" OR NEAR(landlord', 5)).not.toThrow();
    expect(store.search(A, '"*^-:()', 5).hits).toEqual([]);
  });

  it('forgets a deleted note', async () => {
    await store.delete(A, 1, 'del-1');
    expect(store.search(A, 'heater', 5).hits.map((h) => h.note.number)).toEqual([2]);
    expect(await store.delete(A, 1, 'del-2')).toBeUndefined();
  });

  it('limits the results', () => {
    expect(store.search(A, 'landlord', 2).hits).toHaveLength(2);
  });
});

describe('deleting once per message', () => {
  it('answers a redelivered delete with the note it deleted, and deletes nothing more', async () => {
    await store.save(note('one'));
    await store.save(note('two'));
    expect((await store.delete(A, 2, 'del-x'))?.text).toBe('two');
    expect((await store.delete(A, 2, 'del-x'))?.text).toBe('two');
    expect((await store.deleteLast(A, 'undo-1'))?.text).toBe('one');
    expect((await store.deleteLast(A, 'undo-1'))?.text).toBe('one');
    expect(await store.deleteLast(A, 'undo-2')).toBeUndefined();
    expect(store.list(A, { limit: 10 }).total).toBe(0);
  });

  it('takes the newest note of the chat, whatever its kind', async () => {
    await store.save(note('old'));
    await store.save(note('journal', { kind: 'journal' }));
    await store.save(note('other chat', { chatId: B }));
    expect((await store.deleteLast(A, 'u'))?.text).toBe('journal');
    expect(store.list(B, { limit: 10 }).total).toBe(1);
  });
});

describe('listing', () => {
  beforeEach(async () => {
    await store.save(note('mon', { day: '2025-03-10' }));
    await store.save(note('tue journal', { day: '2025-03-11', kind: 'journal' }));
    await store.save(note('fri', { day: '2025-03-14' }));
    await store.save(note('fri journal', { day: '2025-03-14', kind: 'journal' }));
  });

  it('lists newest first with the total', () => {
    const { notes, total } = store.list(A, { limit: 2 });
    expect(notes.map((x) => x.text)).toEqual(['fri journal', 'fri']);
    expect(total).toBe(4);
  });

  it('filters by kind and by days', () => {
    expect(store.list(A, { kind: 'journal', limit: 10 }).notes.map((x) => x.text)).toEqual(['fri journal', 'tue journal']);
    expect(store.list(A, { limit: 10, from: '2025-03-11', to: '2025-03-13' }).notes.map((x) => x.text)).toEqual(['tue journal']);
    expect(store.list(A, { kind: 'note', limit: 10, from: '2025-03-14', to: '2025-03-14' })).toEqual({ notes: [expect.objectContaining({ text: 'fri' })], total: 1 });
    expect(store.list(B, { limit: 10 })).toEqual({ notes: [], total: 0 });
  });
});
