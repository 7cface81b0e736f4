/**
 * The spool: received messages kami could not publish yet (Redis full, or away), kept on disk in
 * arrival order until Redis accepts writes again. WhatsApp does not resend a message, so this is
 * what makes "nothing lost" hold at the edge: one JSON file per message, written durably (fsync,
 * rename) before the sender's message counts as taken, read back in order after a restart.
 *
 *   <kami data dir>/spool/<ms>-<seq>.json        waiting, oldest first
 *   <kami data dir>/spool/rejected/<file>        refused for good when drained (an invalid payload):
 *                                                kept for an operator, never deleted by kami
 */
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { InboundPayload } from './domain/inbound.js';

/** One message waiting to be published. */
export interface SpooledMessage {
  readonly payload: InboundPayload;
  /** The bus message id (idempotent publish: a drain that repeats a publish appends nothing). */
  readonly id: string;
  readonly windowMs: number;
  readonly receivedAt: string;
}

/** Default most messages the spool holds; beyond it kami tells the sender to try again later. */
export const DEFAULT_SPOOL_MAX = 10_000;

/** The spool is at its limit: the message was not taken. */
export class SpoolFullError extends Error {
  override readonly name = 'SpoolFullError';
  readonly code = 'SPOOL_FULL';
  constructor(max: number) {
    super(`kami's spool already holds ${max} messages waiting for Redis (KAMI_SPOOL_MAX)`);
  }
}

export class Spool {
  private files: string[] = [];
  /** Blob hashes of the waiting messages, by file: the blob sweeper must keep them. */
  private readonly blobs = new Map<string, string>();
  private seq = 0;

  private constructor(
    readonly dir: string,
    readonly max: number,
  ) {}

  /** Open the spool at `dir`, picking up what a previous run left, in order. */
  static async open(dir: string, max: number = DEFAULT_SPOOL_MAX): Promise<Spool> {
    const s = new Spool(dir, max);
    await mkdir(join(dir, 'rejected'), { recursive: true });
    s.files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    for (const f of s.files) {
      const m = await s.read(f).catch(() => undefined);
      if (m?.payload.media?.sha256) s.blobs.set(f, m.payload.media.sha256);
    }
    return s;
  }

  /** Messages waiting. */
  get size(): number {
    return this.files.length;
  }

  /** Blob hashes the waiting messages refer to. */
  hashes(): string[] {
    return [...this.blobs.values()];
  }

  /** Add a message at the end, durably; throws SpoolFullError at the limit. */
  async add(m: SpooledMessage): Promise<void> {
    if (this.files.length >= this.max) throw new SpoolFullError(this.max);
    const name = `${String(Date.now()).padStart(15, '0')}-${String(this.seq++ % 1_000_000).padStart(6, '0')}.json`;
    const part = join(this.dir, `${name}.part`);
    const fh = await open(part, 'wx');
    try {
      await fh.writeFile(JSON.stringify(m));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(part, join(this.dir, name));
    this.files.push(name);
    if (m.payload.media?.sha256) this.blobs.set(name, m.payload.media.sha256);
  }

  /** The oldest waiting message (or why its file cannot be read), or undefined when none waits. */
  async first(): Promise<{ file: string; message: SpooledMessage } | { file: string; unreadable: string } | undefined> {
    const file = this.files[0];
    if (file === undefined) return undefined;
    try {
      return { file, message: await this.read(file) };
    } catch (err) {
      return { file, unreadable: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Done with a message (published): remove it. */
  async remove(file: string): Promise<void> {
    await unlink(join(this.dir, file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.forget(file);
  }

  /** A message that can never be published (its payload is refused): set aside for an operator. */
  async reject(file: string): Promise<string> {
    const to = join(this.dir, 'rejected', file);
    await rename(join(this.dir, file), to);
    this.forget(file);
    return to;
  }

  private forget(file: string): void {
    this.files = this.files.filter((f) => f !== file);
    this.blobs.delete(file);
  }

  private async read(file: string): Promise<SpooledMessage> {
    return JSON.parse(await readFile(join(this.dir, file), 'utf8')) as SpooledMessage;
  }
}
