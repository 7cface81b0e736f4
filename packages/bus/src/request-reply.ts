/**
 * Request/reply over streams. A requester publishes a request that names its own reply stream in
 * the envelope (`replyTo`, the requester instance); the responder's handler returns `reply(message,
 * type, data)`, which the bus publishes (before the ack, like any follow-up) to that reply stream.
 *
 * Each bus has one requester, started by the first `request()`: one reply stream
 * (`keys.replies(instance)`, instance unique per bus), read by one reader doing XREAD BLOCK on its
 * own connection, and a map of requests waiting, each with its timer. A reply resolves the request
 * whose id is its `cause`; a request that times out leaves the map at once, timer cleared, and a
 * reply arriving later finds nobody, is logged and discarded. Every reply read is deleted.
 *
 * Clean-up: the reply stream carries a TTL the reader keeps refreshing, so a crashed requester's
 * stream expires; `close()` deletes it. A reply to a requester whose stream is gone is dropped by
 * Redis (XADD NOMKSTREAM), never left in a key nobody reads.
 */
import { randomBytes } from 'node:crypto';
import { parseStreamReads } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import { decodeEntry, DEFAULT_MAX_MESSAGE_BYTES, type Message } from './envelope.js';
import { ClosedError, ConfigError, errorMessage, TimeoutError } from './errors.js';
import { newMessageId } from './ids.js';
import { assertName } from './keys.js';
import type { Logger } from './logger.js';
import type { OutgoingMessage, PublisherContext, PublishOptions } from './outgoing.js';
import { publishOne } from './publisher.js';

/** How long `request()` waits for a reply by default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** A reply stream outlives its requester's last sign of life by this much. */
export const REPLY_STREAM_TTL_MS = 60_000;
/** Longest one blocking read of the reply stream waits before the reader looks around. */
export const REPLY_READ_BLOCK_MS = 2_000;
/** Cap on a reply stream's length, in case its reader stalls. */
export const REPLY_STREAM_MAX_LEN = 1_000;
/** The stream name replies are published under (metrics label, contract lookup): they go to reply streams. */
export const REPLY_STREAM_NAME = 'reply';

export interface RequestOptions extends Omit<PublishOptions, 'replyTo' | 'idempotent'> {
  /** Give up and reject with a TimeoutError after this long. @defaultValue 10000 */
  timeoutMs?: number;
}

/**
 * The answer to a request, as a handler's return value: published to the requester's reply stream
 * with `corr` and `cause` taken from the request. Throws a ConfigError when the message is not a
 * request (it has no `replyTo`). `options.stream` names the contract to check the reply against.
 */
export function reply(request: Message, type: string, data: unknown, options: PublishOptions & { stream?: string } = {}): OutgoingMessage {
  if (!request.replyTo) {
    throw new ConfigError(`message ${request.id} (${request.type}) is not a request: it has no replyTo to answer`, { id: request.id, type: request.type });
  }
  const { stream, replyTo: _ignored, ...rest } = options;
  return {
    maxLen: REPLY_STREAM_MAX_LEN,
    ...rest,
    stream: stream ?? REPLY_STREAM_NAME,
    type,
    data,
    corr: options.corr ?? request.corr,
    cause: request.id,
    toReplyStream: request.replyTo,
  };
}

export interface RequesterOptions {
  readonly publisher: PublisherContext;
  readonly log: Logger;
  /** Name of this requester (its reply stream's); unique per process. @defaultValue `${source}-<random>` */
  readonly instance?: string;
  /** @defaultValue 1 MiB */
  readonly maxMessageBytes?: number;
  /** @defaultValue REPLY_READ_BLOCK_MS */
  readonly blockMs?: number;
  /** @defaultValue REPLY_STREAM_TTL_MS */
  readonly ttlMs?: number;
}

interface Waiting {
  readonly resolve: (m: Message) => void;
  readonly reject: (err: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/** One bus's requests in flight and the reader of its reply stream. */
export class Requester {
  readonly instance: string;
  readonly replyKey: string;
  private readonly driver: RedisDriver;
  private readonly blocking: RedisDriver;
  private readonly waiting = new Map<string, Waiting>();
  private readonly blockMs: number;
  private readonly ttlMs: number;
  private started: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private closed = false;
  private lastId = '0-0';
  private ttlRefreshedAt = 0;

  constructor(private readonly opts: RequesterOptions) {
    this.instance = opts.instance ?? `${opts.publisher.source}-${randomBytes(6).toString('hex')}`;
    assertName('requester instance', this.instance);
    this.driver = opts.publisher.driver;
    this.replyKey = opts.publisher.keys.replies(this.instance);
    this.blocking = this.driver.duplicate(`hive:${this.instance}:replies`);
    this.blockMs = opts.blockMs ?? REPLY_READ_BLOCK_MS;
    this.ttlMs = opts.ttlMs ?? REPLY_STREAM_TTL_MS;
  }

  /** Requests waiting for their reply. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Publish a request and resolve with its reply, or reject with a TimeoutError after `timeoutMs`. */
  async request(stream: string, type: string, data: unknown, options: RequestOptions = {}): Promise<Message> {
    if (this.closed) throw new ClosedError('requester');
    const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, ...publish } = options;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ConfigError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
    await (this.started ??= this.start().catch((err: unknown) => {
      this.started = undefined; // Redis was away: the next request tries again
      throw err;
    }));
    const id = publish.id ?? newMessageId();
    if (this.waiting.has(id)) throw new ConfigError(`a request with id "${id}" is already waiting for its reply`, { id });
    return new Promise<Message>((resolve, reject) => {
      // Waiting before publishing: a fast responder's reply finds its request.
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new TimeoutError(`no reply to ${type} on stream "${stream}" within ${timeoutMs} ms`, { stream, type, id, timeoutMs }));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      publishOne(this.opts.publisher, { ...publish, stream, type, data, id, replyTo: this.instance }).catch((err: unknown) => {
        this.settle(id)?.reject(err);
      });
    });
  }

  /** Stop reading, reject what still waits with a ClosedError, delete the reply stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blocking.disconnect();
    await this.started?.catch(() => undefined);
    await this.loop;
    for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(new ClosedError('bus'));
    if (this.started) await this.driver.call(['DEL', this.replyKey]).catch(() => undefined);
    await this.blocking.close().catch(() => undefined);
  }

  /** Take a request out of the waiting map and clear its timer. */
  private settle(id: string): Waiting | undefined {
    const w = this.waiting.get(id);
    if (!w) return undefined;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    return w;
  }

  private async start(): Promise<void> {
    // Create the (empty) reply stream now: replies are appended only to a stream that exists.
    const first = String(await this.driver.call(['XADD', this.replyKey, '*', 'open', this.instance]));
    await this.driver.pipeline([
      ['XDEL', this.replyKey, first],
      ['PEXPIRE', this.replyKey, this.ttlMs],
    ]);
    this.lastId = first;
    this.ttlRefreshedAt = Date.now();
    await this.blocking.connect();
    this.loop = this.read();
  }

  private async read(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        if (Date.now() - this.ttlRefreshedAt > this.ttlMs / 3) {
          this.ttlRefreshedAt = Date.now();
          const kept = Number(await this.driver.call(['PEXPIRE', this.replyKey, this.ttlMs]));
          if (kept === 0) {
            this.opts.log.warn({ replyStream: this.replyKey }, 'reply stream was gone (expired or deleted); replies sent meanwhile were dropped');
            await this.recreate();
          }
        }
        const r = await this.blocking.call(['XREAD', 'COUNT', 100, 'BLOCK', this.blockMs, 'STREAMS', this.replyKey, this.lastId]);
        failures = 0;
        const entries = parseStreamReads(r)[0]?.entries ?? [];
        if (entries.length === 0) continue;
        this.lastId = entries[entries.length - 1]!.id;
        for (const e of entries) this.deliver(e.id, e.fields);
        await this.driver.call(['XDEL', this.replyKey, ...entries.map((e) => e.id)]);
      } catch (err) {
        if (this.closed) return;
        failures++;
        this.opts.log.warn({ err: errorMessage(err), attempt: failures }, 'reading the reply stream failed; retrying');
        await new Promise((res) => setTimeout(res, Math.min(50 * 2 ** failures, 2_000)));
      }
    }
  }

  private async recreate(): Promise<void> {
    const id = String(await this.driver.call(['XADD', this.replyKey, '*', 'open', this.instance]));
    await this.driver.pipeline([
      ['XDEL', this.replyKey, id],
      ['PEXPIRE', this.replyKey, this.ttlMs],
    ]);
  }

  private deliver(entryId: string, fields: string[] | null): void {
    const decoded = decodeEntry(fields, this.opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    if (!decoded.ok) {
      this.opts.log.warn({ replyStream: this.replyKey, entryId, err: decoded.error.message }, 'undecodable entry on the reply stream; discarded');
      return;
    }
    const m = decoded.message;
    const w = this.settle(m.cause);
    if (!w) {
      this.opts.log.warn(
        { replyStream: this.replyKey, entryId, cause: m.cause, type: m.type, corr: m.corr, src: m.src },
        'reply to no waiting request (it timed out, or was never made here); discarded',
      );
      return;
    }
    w.resolve(m);
  }
}
