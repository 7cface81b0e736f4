/**
 * The audio of a voice note: from the blob store by its hash (wa.message v3: what kami writes), or,
 * for entries written at v2, decoded from the message's base64 or read from the path kami stored it
 * at, which must lie inside vox's media directory (domain/media-path.ts), symlinks resolved. The
 * size is known before the bytes are read, so an oversized file is refused without loading it.
 */
import { realpath, readFile, stat } from 'node:fs/promises';
import { BlobCorruptError, BlobNotFoundError, openBlob } from '@hive/blobs';
import { errorMessage } from '@hive/agent';
import { pathWithin } from './domain/media-path.js';
import type { InboundMedia } from './domain/voice-note.js';

/** The audio cannot be had: not valid base64, outside the media directory, missing or unreadable. */
export class MediaUnreadableError extends Error {
  override readonly name = 'MediaUnreadableError';
}

export interface OpenedAudio {
  readonly size: number;
  read(): Promise<Buffer>;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** Find a voice note's audio and its size; rejects with a MediaUnreadableError. */
export async function openAudio(media: InboundMedia, dirs: { readonly blobDir: string; readonly mediaDir: string }): Promise<OpenedAudio> {
  if (media.sha256 !== undefined) {
    const unreadable = (err: unknown) => {
      if (err instanceof BlobNotFoundError) return new MediaUnreadableError(`the audio ${media.sha256} is not in the blob store ${dirs.blobDir} (never stored there, or swept after its retention)`, { cause: err });
      if (err instanceof BlobCorruptError) return new MediaUnreadableError(err.message, { cause: err });
      return new MediaUnreadableError(`cannot read the audio ${media.sha256} from the blob store ${dirs.blobDir}: ${errorMessage(err)}`, { cause: err });
    };
    try {
      const blob = await openBlob(dirs.blobDir, media.sha256);
      return {
        size: blob.size,
        read: () =>
          blob.read().catch((err: unknown) => {
            throw unreadable(err);
          }),
      };
    } catch (err) {
      throw unreadable(err);
    }
  }
  const mediaDir = dirs.mediaDir;
  if (media.base64 !== undefined) {
    if (!BASE64.test(media.base64)) throw new MediaUnreadableError('the inline audio is not valid base64');
    const bytes = Buffer.from(media.base64, 'base64');
    return { size: bytes.length, read: async () => bytes };
  }
  const path = media.path!;
  const inside = pathWithin(path, mediaDir);
  if (inside === undefined) throw new MediaUnreadableError(`the audio path ${JSON.stringify(path)} is outside the media directory ${mediaDir} (VOX_MEDIA_DIR)`);
  let real: string;
  try {
    real = await realpath(inside);
    // A symlink inside the directory may point anywhere; judge where it leads.
    if (pathWithin(real, await realpath(mediaDir)) === undefined) throw new MediaUnreadableError(`the audio path ${JSON.stringify(path)} leads outside the media directory ${mediaDir}`);
    const s = await stat(real);
    if (!s.isFile()) throw new MediaUnreadableError(`the audio path ${JSON.stringify(path)} is not a file`);
    return {
      size: s.size,
      read: async () => {
        try {
          return await readFile(real);
        } catch (err) {
          throw new MediaUnreadableError(`cannot read the audio at ${JSON.stringify(path)}: ${errorMessage(err)}`, { cause: err });
        }
      },
    };
  } catch (err) {
    if (err instanceof MediaUnreadableError) throw err;
    throw new MediaUnreadableError(`cannot open the audio at ${JSON.stringify(path)}: ${errorMessage(err)}`, { cause: err });
  }
}
