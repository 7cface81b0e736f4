/**
 * The blob store on a real file system: content-addressed and durable before `put` resolves, read
 * back checked against the hash; and the sweeper: a blob stays while a reference is younger than the
 * retention or something in flight holds it, and goes once past the retention, or never referenced
 * (an orphan) and older than the grace; unfinished writes go too; old reference logs are deleted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobCorruptError, BlobNotFoundError, BlobRefError, blobUsage, openBlobStore, sha256Of, sweepBlobs } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hive-blobs-'));
  dirs.push(d);
  return d;
}

const MIN = 60_000;

describe('the blob store', () => {
  it('stores content once under its hash, reads it back checked, and refuses what is not a reference', async () => {
    const store = await openBlobStore(tempDir());
    const audio = Buffer.from('OggS fake voice note');
    const ref = await store.put(audio, 'audio/ogg; codecs=opus');
    expect(ref).toEqual({ sha256: sha256Of(audio), bytes: audio.length, mime: 'audio/ogg; codecs=opus' });
    expect(store.path(ref.sha256)).toBe(join(store.root, 'sha256', ref.sha256.slice(0, 2), ref.sha256));
    expect(await store.put(Buffer.from(audio), 'audio/ogg')).toMatchObject({ sha256: ref.sha256 });
    expect(await blobUsage(store)).toEqual({ blobs: 1, bytes: audio.length });
    expect(await readdir(join(store.root, 'tmp'))).toEqual([]);

    const opened = await store.open(ref.sha256);
    expect(opened.size).toBe(audio.length);
    expect(await opened.read()).toEqual(audio);

    await expect(store.open('0'.repeat(64))).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.open('../../etc/passwd')).rejects.toBeInstanceOf(BlobRefError);
    expect(() => store.path('A'.repeat(64))).toThrow(BlobRefError);
    // A file whose bytes changed on disk is refused, not passed on.
    writeFileSync(store.path(ref.sha256), 'something else');
    await expect((await store.open(ref.sha256)).read()).rejects.toBeInstanceOf(BlobCorruptError);
  });
});

describe('the sweeper', () => {
  it('keeps referenced and in-flight blobs, deletes expired ones, orphans past the grace and unfinished writes', async () => {
    let now = Date.parse('2025-03-14T10:00:00Z');
    const store = await openBlobStore(tempDir(), { refBucketMs: MIN, now: () => now });
    const setMtime = (file: string, at: number) => utimes(file, new Date(at), new Date(at));
    const put = async (text: string) => {
      const r = await store.put(Buffer.from(text), 'audio/ogg');
      await setMtime(store.path(r.sha256), now);
      return r.sha256;
    };
    const opts = { retentionMs: 60 * MIN, orphanGraceMs: 10 * MIN };

    const old = await put('referenced at 10:00');
    await store.reference([old]);
    now += 30 * MIN;
    const recent = await put('referenced at 10:30');
    await store.reference([recent]);
    const orphan = await put('stored at 10:30, never published');
    const spooled = await put('stored at 10:30, waiting in the spool');
    writeFileSync(join(store.root, 'tmp', 'dead.part'), 'half a file');
    await setMtime(join(store.root, 'tmp', 'dead.part'), now);

    // 10:35: nothing is old enough to go yet (the orphans are inside their grace).
    now += 5 * MIN;
    expect(await sweepBlobs(store, { ...opts, inUse: [spooled] })).toMatchObject({ kept: 4, deleted: { expired: 0, orphans: 0, partial: 0 } });

    // 10:45: the orphan and the unfinished write are past the grace; the spooled one is held by the spool.
    now += 10 * MIN;
    const r1 = await sweepBlobs(store, { ...opts, inUse: [spooled] });
    expect(r1).toMatchObject({ kept: 3, deleted: { expired: 0, orphans: 1, partial: 1 }, logsDeleted: 0 });
    await expect(store.open(orphan)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await readdir(join(store.root, 'tmp'))).toEqual([]);

    // 11:05: "old" was last referenced at 10:00, over an hour ago; "recent" (10:30) stays; the spool let go of "spooled".
    now += 20 * MIN;
    const r2 = await sweepBlobs(store, opts);
    expect(r2).toMatchObject({ kept: 1, deleted: { expired: 1, orphans: 1, partial: 0 }, logsDeleted: 1 });
    await expect(store.open(old)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect((await store.open(recent)).size).toBeGreaterThan(0);

    // A blob referenced again is kept from that reference on: the same content stored anew at 11:05.
    await store.put(Buffer.from('referenced at 10:30'), 'audio/ogg');
    await store.reference([recent]);
    now += 50 * MIN; // 11:55: 85 min after the first reference, 50 after the second
    expect(await sweepBlobs(store, opts)).toMatchObject({ kept: 1, deleted: { expired: 0, orphans: 0, partial: 0 } });
    now += 15 * MIN; // 12:10: past the retention of both references
    expect(await sweepBlobs(store, opts)).toMatchObject({ kept: 0, deleted: { expired: 1 } });
    expect(await blobUsage(store)).toEqual({ blobs: 0, bytes: 0 });
    expect(await readdir(join(store.root, 'refs'))).toEqual([]);
  });
});
