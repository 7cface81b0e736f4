/**
 * The blob store: media off the bus. Voice notes and images live on disk under the data dir, named
 * by the SHA-256 of their content; a message carries only the reference (hash, size, mime). kami
 * writes, vox reads, the sweeper deletes what no message refers to any more.
 *
 *   <root>/sha256/<first two hex>/<hex>   a blob (the same bytes are stored once)
 *   <root>/tmp/<random>.part              a write in progress (renamed into place when complete)
 *   <root>/refs/<bucket>.log              one line per reference: "<hex>\n"; bucket = floor(ms / refBucketMs)
 *
 * A blob is written completely (fsync'd) and renamed into place before `put` resolves, so a reader
 * that sees a reference finds the whole file. `reference` records that a published message refers
 * to a blob; the sweeper (sweeper.ts) keeps a blob while a reference is younger than the retention,
 * and deletes blobs no reference keeps (past retention, or never referenced: orphans of a crash or a
 * message that was never published) once they are older than a grace period.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/** What a message carries instead of the bytes. */
export interface BlobRef {
  /** SHA-256 of the content, lower-case hex: the blob's name. */
  readonly sha256: string;
  readonly bytes: number;
  readonly mime: string;
}

/** Default span of one reference log file: an hour. */
export const DEFAULT_REF_BUCKET_MS = 3_600_000;

const HEX64 = /^[0-9a-f]{64}$/;

/** No blob by that hash (never stored, or swept). */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  readonly code = 'BLOB_NOT_FOUND';
  constructor(readonly sha256: string) {
    super(`no blob ${sha256} in the blob store (never stored here, or swept after its retention)`);
  }
}

/** The file's bytes do not hash to its name: damaged on disk, or replaced. */
export class BlobCorruptError extends Error {
  override readonly name = 'BlobCorruptError';
  readonly code = 'BLOB_CORRUPT';
  constructor(readonly sha256: string, actual: string) {
    super(`blob ${sha256} is damaged: its content hashes to ${actual}`);
  }
}

/** A hash that cannot name a blob (a path trick, or garbage). */
export class BlobRefError extends Error {
  override readonly name = 'BlobRefError';
  readonly code = 'BLOB_REF_INVALID';
}

export interface OpenedBlob {
  readonly size: number;
  /** The bytes, checked against the hash. */
  read(): Promise<Buffer>;
}

export interface BlobStoreOptions {
  /** Span of one reference log file; the sweeper keeps a reference up to this much past its retention. @defaultValue DEFAULT_REF_BUCKET_MS */
  readonly refBucketMs?: number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

export interface BlobStore {
  readonly root: string;
  readonly refBucketMs: number;
  /** Store `data` (once per content) and resolve with its reference once it is durable. */
  put(data: Buffer, mime: string): Promise<BlobRef>;
  /** Record that a message now refers to these blobs (kept until the retention after the last reference). */
  reference(sha256s: readonly string[]): Promise<void>;
  /** The file of a blob. */
  path(sha256: string): string;
  /** A blob's size, and its bytes on demand; rejects with BlobNotFoundError. */
  open(sha256: string): Promise<OpenedBlob>;
  /** Run `fn` while no other put or deletion runs (the sweeper's deletions take this lock). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The clock the store stamps with. */
  readonly now: () => number;
}

/** Throws a BlobRefError unless `sha256` is 64 lower-case hex characters. */
export function assertSha256(sha256: string): void {
  if (!HEX64.test(sha256)) throw new BlobRefError(`"${sha256.slice(0, 80)}" is not a blob reference: expected a SHA-256 in lower-case hex`);
}

/** The SHA-256 of `data`, lower-case hex. */
export function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Open (creating its directories) the blob store at `root`. */
export async function openBlobStore(root: string, options: BlobStoreOptions = {}): Promise<BlobStore> {
  const refBucketMs = options.refBucketMs ?? DEFAULT_REF_BUCKET_MS;
  if (!Number.isSafeInteger(refBucketMs) || refBucketMs < 1) throw new RangeError(`refBucketMs must be a positive integer, got ${refBucketMs}`);
  const now = options.now ?? Date.now;
  await Promise.all(['sha256', 'tmp', 'refs'].map((d) => mkdir(join(root, d), { recursive: true })));
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
  const path = (sha256: string) => blobPath(root, sha256);

  return {
    root,
    refBucketMs,
    now,
    path,
    exclusive,
    async put(data, mime) {
      const sha256 = sha256Of(data);
      const file = path(sha256);
      await exclusive(async () => {
        if (await exists(file)) {
          // Already stored: freshen it, so the sweeper's grace covers the reference about to be made.
          const t = new Date(now());
          await utimes(file, t, t);
          return;
        }
        await mkdir(join(root, 'sha256', sha256.slice(0, 2)), { recursive: true });
        const part = join(root, 'tmp', `${randomBytes(8).toString('hex')}.part`);
        const fh = await open(part, 'wx');
        try {
          await fh.writeFile(data);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(part, file);
      });
      return { sha256, bytes: data.length, mime };
    },
    async reference(sha256s) {
      if (sha256s.length === 0) return;
      for (const h of sha256s) assertSha256(h);
      const bucket = Math.floor(now() / refBucketMs);
      await appendFile(join(root, 'refs', `${bucket}.log`), sha256s.map((h) => `${h}\n`).join(''));
    },
    open: (sha256) => openBlob(root, sha256),
  };
}

/** The file of blob `sha256` under `root`; throws a BlobRefError for anything that is not a hash. */
export function blobPath(root: string, sha256: string): string {
  assertSha256(sha256);
  return join(root, 'sha256', sha256.slice(0, 2), sha256);
}

/**
 * Open blob `sha256` of the store at `root` for reading, without writing anything there (vox reads
 * as its own user): its size, and its bytes checked against the hash. Rejects with BlobNotFoundError.
 */
export async function openBlob(root: string, sha256: string): Promise<OpenedBlob> {
  const file = blobPath(root, sha256);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(sha256);
    throw err;
  }
  return {
    size,
    async read() {
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(sha256);
        throw err;
      }
      const actual = sha256Of(data);
      if (actual !== sha256) throw new BlobCorruptError(sha256, actual);
      return data;
    },
  };
}

/** Run a file operation: true when it did, false when the file is not there; any other failure is thrown. */
async function unlessMissing(operation: Promise<unknown>): Promise<boolean> {
  try {
    await operation;
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function exists(file: string): Promise<boolean> {
  return unlessMissing(stat(file));
}

/** Remove a file, ignoring one that is already gone; true when it was removed here. */
export function removeFile(file: string): Promise<boolean> {
  return unlessMissing(unlink(file));
}
