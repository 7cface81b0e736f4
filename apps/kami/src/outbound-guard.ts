/**
 * What kami agrees to send. Ten agents write wa.outbound, so a `wa.send` is not trusted as it comes:
 *
 * - its chat must be one kami may talk to: the owner, a chat on the allow-list (WHATSAPP_ALLOWED),
 *   or a chat that wrote in recently (remembered on disk, bounded: see RecentChats). With the
 *   allow-list open to everyone (`*`, or the simulator's default) every chat is.
 * - its media, when given by path, must be a regular file inside kami's media dir
 *   (`<HIVE_DATA_DIR>/kami/media`) or the blob store's content (`<HIVE_BLOB_DIR>/sha256`), after
 *   symlinks are resolved; `..` is refused outright. The file is read here (opened without
 *   following a final symlink) and handed to the port as content, so the port never opens a path.
 *
 * A refusal is a SendRefusedError: an UnrecoverableError, so the bus dead-letters the message at
 * once with the refusal and its reason (`hive dlq list wa.outbound`), never retried, never dropped.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { errorMessage, type Logger, UnrecoverableError } from '@hive/agent';
import type { AllowList } from './domain/allow-list.js';
import { RecentChats } from './domain/recent-chats.js';
import type { OutgoingText } from './whatsapp/port.js';

/** Why a send was refused; the dead letter's error starts with it. */
export type SendRefusal = 'chat_not_allowed' | 'media_path_outside' | 'media_path_unreadable' | 'media_too_large';

/** kami will not send this message, whatever retries: dead-lettered at once with the refusal and the reason. */
export class SendRefusedError extends UnrecoverableError {
  readonly refusal: SendRefusal;
  constructor(refusal: SendRefusal, reason: string) {
    super(`SendRefusedError ${refusal}: ${reason}`);
    this.refusal = refusal;
  }
}

export interface OutboundGuardOptions {
  readonly allowList: AllowList;
  /** Directories a media path may point into (kami's media dir, the blob store's content). */
  readonly mediaRoots: readonly string[];
  /** Largest media file sent. */
  readonly mediaMaxBytes: number;
  /** Where the chats that wrote in are kept across restarts. */
  readonly recentChatsFile: string;
  /** @defaultValue new RecentChats() (the default bounds) */
  readonly recent?: RecentChats;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

/** A saved sighting is refreshed on disk at most this often (a new chat is saved at once). */
const REFRESH_SAVE_MS = 3_600_000;

export class OutboundGuard {
  private readonly recent: RecentChats;
  private readonly now: () => number;
  private loaded: Promise<void> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private savedAt = 0;

  constructor(private readonly options: OutboundGuardOptions) {
    this.recent = options.recent ?? new RecentChats();
    this.now = options.now ?? Date.now;
  }

  /** Remember that `chatId` wrote to kami (an accepted message); saved so a restart keeps it. */
  async sawInbound(chatId: string, log: Logger): Promise<void> {
    if (this.options.allowList.kind === 'everyone') return;
    await this.load(log);
    const isNew = this.recent.saw(chatId, this.now());
    if (isNew || this.now() - this.savedAt > REFRESH_SAVE_MS) await this.save(log);
  }

  /** The message as the port should send it (media read into content); throws SendRefusedError when kami will not send it. */
  async check(message: OutgoingText, log: Logger): Promise<OutgoingText> {
    if (!(await this.mayTalkTo(message.chatId, log))) {
      throw new SendRefusedError(
        'chat_not_allowed',
        `chat ${message.chatId} is not the owner, not on the allow-list (WHATSAPP_ALLOWED) and has not written to kami; nothing was sent`,
      );
    }
    const media = message.media;
    if (media?.path === undefined) return message;
    const base64 = (await readConfinedFile(media.path, this.options.mediaRoots, this.options.mediaMaxBytes)).toString('base64');
    const { path: _path, ...rest } = media;
    return { ...message, media: { ...rest, base64 } };
  }

  private async mayTalkTo(chatId: string, log: Logger): Promise<boolean> {
    const list = this.options.allowList;
    if (list.kind === 'everyone' || list.chatIds.has(chatId)) return true;
    await this.load(log);
    return this.recent.has(chatId, this.now());
  }

  private load(log: Logger): Promise<void> {
    return (this.loaded ??= readFile(this.options.recentChatsFile, 'utf8').then(
      (text) => {
        const saved = JSON.parse(text) as { chats?: unknown };
        const chats = Array.isArray(saved.chats) ? saved.chats.filter((e): e is [string, number] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') : [];
        this.recent.load(chats, this.now());
        this.savedAt = this.now();
      },
      (err: NodeJS.ErrnoException) => {
        // No file: a first start. Anything else: start empty (those chats are answered again once they write).
        if (err.code !== 'ENOENT') log.warn({ file: this.options.recentChatsFile, err: errorMessage(err) }, 'could not read the chats that wrote in; starting with none');
      },
    ).catch((err: unknown) => log.warn({ file: this.options.recentChatsFile, err: errorMessage(err) }, 'the saved chats that wrote in are unreadable; starting with none')));
  }

  private save(log: Logger): Promise<void> {
    this.savedAt = this.now();
    const body = JSON.stringify({ v: 1, chats: this.recent.entries() });
    const file = this.options.recentChatsFile;
    this.saving = this.saving.then(async () => {
      try {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        const part = `${file}.part`;
        await writeFile(part, body, { mode: 0o600 });
        await rename(part, file);
      } catch (err) {
        log.warn({ file, err: errorMessage(err) }, 'could not save the chats that wrote in; kept in memory');
      }
    });
    return this.saving;
  }
}

/**
 * The content of a file under one of `roots`: refuses `..`, paths that resolve (symlinks
 * followed) outside every root, anything but a regular file, and files over `maxBytes`.
 */
export async function readConfinedFile(path: string, roots: readonly string[], maxBytes: number): Promise<Buffer> {
  if (path.includes('\0') || path.split(/[\\/]/).includes('..')) {
    throw new SendRefusedError('media_path_outside', `media path "${path}" contains ".." (or a NUL); paths must stay inside kami's media dir or the blob store`);
  }
  const first = roots[0];
  const candidate = isAbsolute(path) || first === undefined ? path : resolve(first, path);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    throw new SendRefusedError('media_path_unreadable', `media path "${path}" cannot be resolved (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  const realRoots = (await Promise.all(roots.map((r) => realpath(r).catch(() => undefined)))).filter((r): r is string => r !== undefined);
  if (!realRoots.some((root) => real.startsWith(root + sep))) {
    throw new SendRefusedError('media_path_outside', `media path "${path}" resolves to ${real}, outside kami's media dirs (${roots.join(', ')})`);
  }
  let handle;
  try {
    // O_NOFOLLOW: a final symlink swapped in after the check is refused rather than followed.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw new SendRefusedError('media_path_unreadable', `media path "${path}" cannot be opened (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new SendRefusedError('media_path_unreadable', `media path "${path}" is not a regular file`);
    if (s.size > maxBytes) throw new SendRefusedError('media_too_large', `media file "${path}" is ${s.size} bytes; kami sends files up to ${maxBytes} bytes (KAMI_MEDIA_MAX_BYTES)`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Where a media path may point, for kami's configuration: its media dir and the blob store's content. */
export function mediaRootsFor(dataDir: string, blobDir: string): string[] {
  return [join(dataDir, 'media'), join(blobDir, 'sha256')];
}
