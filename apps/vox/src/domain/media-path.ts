/**
 * Voice notes too large to travel inline arrive as a path on storage kami and vox share. vox reads
 * such a path only inside its media root: a message on the bus must not be able to make it upload
 * an arbitrary file (a key, a database) to a third-party API.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The absolute path of `path` (relative ones taken from `root`), or undefined when it lies outside `root`. */
export function pathWithin(path: string, root: string): string | undefined {
  const base = resolve(root);
  const full = resolve(base, path);
  const rel = relative(base, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return full;
}
