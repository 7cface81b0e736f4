/**
 * Before the blob store (wa.message v2), kami wrote attachments over 512 KB to
 * `<kami data dir>/media/<hash>.<ext>` and never deleted them. Entries referring to them leave
 * Redis with their stream's retention, so the sweeper removes those files once they are older than
 * the media retention, like blobs; the directory empties within a retention after an upgrade.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Delete files in `dir` last modified longer than `retentionMs` ago; returns how many and their bytes. */
export async function pruneLegacyMedia(dir: string, retentionMs: number, now: number = Date.now()): Promise<{ deleted: number; bytes: number }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { deleted: 0, bytes: 0 };
    throw err;
  }
  let deleted = 0;
  let bytes = 0;
  for (const name of names) {
    const file = join(dir, name);
    const s = await stat(file).catch(() => undefined);
    if (!s?.isFile() || s.mtimeMs > now - retentionMs) continue;
    await unlink(file).then(
      () => {
        deleted++;
        bytes += s.size;
      },
      () => undefined,
    );
  }
  return { deleted, bytes };
}
