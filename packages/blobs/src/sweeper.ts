/**
 * The sweeper: the blob store's bound. A blob stays while a reference to it is younger than the
 * retention, or while something in flight holds it (`inUse`: kami's spool, messages waiting for a
 * full Redis); otherwise, once its file is older than the grace period, it goes:
 *   - expired: it was referenced, but longer ago than the retention;
 *   - orphan: no message ever referenced it (kami stopped between storing and publishing);
 *   - partial: an unfinished write in tmp/ (a crash mid-write).
 * Reference logs older than the retention are deleted with them. Disk use is then bounded by the
 * media of one retention window (plus one log bucket and the grace).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFile, type BlobStore } from './blob-store.js';

export interface SweepOptions {
  /** Keep a blob this long after its last reference. */
  readonly retentionMs: number;
  /** Never delete a file younger than this: a blob being stored now, about to be referenced. */
  readonly orphanGraceMs: number;
  /** Hashes something in flight still needs, whatever their references say. */
  readonly inUse?: Iterable<string>;
}

export interface SweepResult {
  /** Blobs left, and their bytes. */
  readonly kept: number;
  readonly keptBytes: number;
  readonly deleted: { readonly expired: number; readonly orphans: number; readonly partial: number };
  readonly freedBytes: number;
  /** Reference log files deleted (older than the retention). */
  readonly logsDeleted: number;
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Delete what no reference, and nothing in flight, keeps; see the file comment. */
export async function sweepBlobs(store: BlobStore, o: SweepOptions): Promise<SweepResult> {
  const now = store.now();
  const refsDir = join(store.root, 'refs');
  const live = new Set<string>(o.inUse ?? []);
  const everReferenced = new Set<string>();
  const oldLogs: string[] = [];
  for (const name of await list(refsDir)) {
    const bucket = Number(/^(\d+)\.log$/.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(bucket)) continue;
    const hashes = (await readFile(join(refsDir, name), 'utf8')).split('\n').filter((h) => h !== '');
    // A log's references were made before its bucket ended: keep them until that end plus the retention.
    const keeps = (bucket + 1) * store.refBucketMs + o.retentionMs > now;
    for (const h of hashes) {
      everReferenced.add(h);
      if (keeps) live.add(h);
    }
    if (!keeps) oldLogs.push(name);
  }

  const deleted = { expired: 0, orphans: 0, partial: 0 };
  let freedBytes = 0;
  let kept = 0;
  let keptBytes = 0;
  const blobsDir = join(store.root, 'sha256');
  for (const shard of await list(blobsDir)) {
    for (const name of await list(join(blobsDir, shard))) {
      const file = join(blobsDir, shard, name);
      const s = await stat(file).catch(() => undefined);
      if (!s) continue;
      if (live.has(name) || s.mtimeMs > now - o.orphanGraceMs) {
        kept++;
        keptBytes += s.size;
        continue;
      }
      // Decided and done under the store's lock: a put of the same content meanwhile freshens the file first.
      const gone = await store.exclusive(async () => {
        const again = await stat(file).catch(() => undefined);
        if (!again || again.mtimeMs > now - o.orphanGraceMs) return false;
        return removeFile(file);
      });
      if (!gone) {
        kept++;
        keptBytes += s.size;
        continue;
      }
      freedBytes += s.size;
      if (everReferenced.has(name)) deleted.expired++;
      else deleted.orphans++;
    }
  }
  const tmpDir = join(store.root, 'tmp');
  for (const name of await list(tmpDir)) {
    const file = join(tmpDir, name);
    const s = await stat(file).catch(() => undefined);
    if (s && s.mtimeMs <= now - o.orphanGraceMs && (await removeFile(file))) {
      deleted.partial++;
      freedBytes += s.size;
    }
  }
  let logsDeleted = 0;
  for (const name of oldLogs) if (await removeFile(join(refsDir, name))) logsDeleted++;
  return { kept, keptBytes, deleted, freedBytes, logsDeleted };
}

/** Blobs on disk and their bytes (what the soak reports). */
export async function blobUsage(store: Pick<BlobStore, 'root'>): Promise<{ blobs: number; bytes: number }> {
  let blobs = 0;
  let bytes = 0;
  const dir = join(store.root, 'sha256');
  for (const shard of await list(dir)) {
    for (const name of await list(join(dir, shard))) {
      const s = await stat(join(dir, shard, name)).catch(() => undefined);
      if (!s) continue;
      blobs++;
      bytes += s.size;
    }
  }
  return { blobs, bytes };
}
