/**
 * Request/reply over streams. A requester publishes a request that names its own instance in the
 * envelope (`replyTo`) and the agent expected to answer (`from`); the responder's handler returns
 * `reply(message, type, data)`, which the bus publishes (before the ack, like any follow-up) to the
 * reply stream of that requester, that responder and that instance:
 * `keys.replies(<request src>, <responder>, <instance>)`.
 *
 * Replies cannot be forged: one reply stream per responder, and the generated ACL lets only that
 * responder append to `reply:<requester>:<responder>:*`. The requester reads only the streams of the
 * responders it asked, resolves a request only with a reply from the stream of the responder it
 * named (and whose `src` says so), and drops anything else with a logged REPLY_FORGED error.
 *
 * Each bus has one requester, started by the first `request()`: its reply streams (one per responder
 * asked, created on the first request to it), read by one reader doing XREAD BLOCK on its own
 * connection, and a map of requests waiting, each with its timer. A reply resolves the request
 * whose id is its `cause`; a request that times out leaves the map at once, timer cleared, and a
 * reply arriving later finds nobody, is logged and discarded. Every reply read is deleted.
 *
 * Clean-up: each reply stream carries a TTL the reader keeps refreshing, so a crashed requester's
 * streams expire; `close()` deletes them. A reply to a requester whose stream is gone (or who never
 * asked that responder) is dropped by Redis (XADD NOMKSTREAM), never left in a key nobody reads.
 */
import { randomBytes } from 'node:crypto';
import { backoffMs } from './backoff.js';
import { parseStreamReads } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import { decodeEntry, DEFAULT_MAX_MESSAGE_BYTES, type Message } from './envelope.js';
import { ClosedError, ConfigError, errorMessage, HiveError, TimeoutError } from './errors.js';
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
  /** The agent expected to answer (its bus `source`): only its reply stream is read for the answer. */
  from: string;
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
    toRequester: request.src,
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
  /** The responder asked. */
  readonly from: string;
  readonly resolve: (m: Message) => void;
  readonly reject: (err: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/** One reply stream: the replies of one responder to this requester instance. */
interface ReplyStream {
  readonly responder: string;
  readonly key: string;
  lastId: string;
}

/** One bus's requests in flight and the reader of its reply streams. */
export class Requester {
  readonly instance: string;
  private readonly driver: RedisDriver;
  private readonly blocking: RedisDriver;
  private readonly waiting = new Map<string, Waiting>();
  /** By responder. */
  private readonly streams = new Map<string, ReplyStream>();
  private readonly opening = new Map<string, Promise<ReplyStream>>();
  private readonly blockMs: number;
  private readonly ttlMs: number;
  private loop: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  private closed = false;
  private ttlRefreshedAt = 0;

  constructor(private readonly opts: RequesterOptions) {
    this.instance = opts.instance ?? `${opts.publisher.source}-${randomBytes(6).toString('hex')}`;
    assertName('requester instance', this.instance);
    this.driver = opts.publisher.driver;
    this.blocking = this.driver.duplicate(`hive:${this.instance}:replies`);
    this.blockMs = opts.blockMs ?? REPLY_READ_BLOCK_MS;
    this.ttlMs = opts.ttlMs ?? REPLY_STREAM_TTL_MS;
  }

  /** Requests waiting for their reply. */
  get pending(): number {
    return this.waiting.size;
  }

  /** The reply stream on which `responder` answers this requester. */
  replyKey(responder: string): string {
    return this.opts.publisher.keys.replies(this.opts.publisher.source, responder, this.instance);
  }

  /** Publish a request and resolve with its reply from `from`, or reject with a TimeoutError after `timeoutMs`. */
  async request(stream: string, type: string, data: unknown, options: RequestOptions): Promise<Message> {
    if (this.closed) throw new ClosedError('requester');
    const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, from, ...publish } = options;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ConfigError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
    assertName('responder (from)', from);
    try {
      await this.open(from);
    } catch (err) {
      // Closed while the reply stream was being opened: its connection's error is not the news.
      throw this.closed ? new ClosedError('bus') : err;
    }
    // Closed meanwhile (after close() rejected what was waiting): no reply can come any more.
    if (this.closed) throw new ClosedError('bus');
    const id = publish.id ?? newMessageId();
    if (this.waiting.has(id)) throw new ConfigError(`a request with id "${id}" is already waiting for its reply`, { id });
    return new Promise<Message>((resolve, reject) => {
      // Waiting before publishing: a fast responder's reply finds its request.
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new TimeoutError(`no reply from ${from} to ${type} on stream "${stream}" within ${timeoutMs} ms`, { stream, type, id, from, timeoutMs }));
      }, timeoutMs);
      this.waiting.set(id, { from, resolve, reject, timer });
      publishOne(this.opts.publisher, { ...publish, stream, type, data, id, replyTo: this.instance }).catch((err: unknown) => {
        this.settle(id)?.reject(err);
      });
    });
  }

  /** Stop reading, reject what still waits with a ClosedError, delete the reply streams. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blocking.disconnect();
    await Promise.all([...this.opening.values()].map((p) => p.catch(() => undefined)));
    await this.loop;
    for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(new ClosedError('bus'));
    if (this.streams.size > 0) await this.driver.call(['DEL', ...[...this.streams.values()].map((r) => r.key)]).catch(() => undefined);
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

  /** The reply stream of `responder`, created (and the reader started, or woken to read it too) on first use. */
  private open(responder: string): Promise<ReplyStream> {
    const known = this.streams.get(responder);
    if (known) return Promise.resolve(known);
    let p = this.opening.get(responder);
    if (!p) {
      p = (async () => {
        const key = this.replyKey(responder);
        const lastId = await this.create(key);
        const r: ReplyStream = { responder, key, lastId };
        const watched = [...this.streams.values()][0];
        this.streams.set(responder, r);
        // One reader, however many streams open at once: the first opener starts it (set before any
        // await, so that concurrent openers see it), the others wait for it to be connected.
        const first = !this.started;
        this.started ??= this.startReader();
        await this.started;
        if (!first && watched) {
          // The reader may be blocked on the streams it knew: a wake-up entry makes it read this one too.
          await this.driver.call(['XADD', watched.key, '*', 'wake', this.instance]);
        }
        return r;
      })().finally(() => this.opening.delete(responder));
      this.opening.set(responder, p);
    }
    return p;
  }

  /** Connect the blocking connection and start the one read loop; a failed connection lets the next open try again. */
  private async startReader(): Promise<void> {
    try {
      this.ttlRefreshedAt = Date.now();
      await this.blocking.connect();
      this.loop = this.read();
    } catch (err) {
      this.started = undefined;
      throw err;
    }
  }

  /** Create an empty reply stream with its TTL (replies are appended only to a stream that exists); its last id. */
  private async create(key: string): Promise<string> {
    const first = String(await this.driver.call(['XADD', key, '*', 'open', this.instance]));
    await this.driver.pipeline([
      ['XDEL', key, first],
      ['PEXPIRE', key, this.ttlMs],
    ]);
    return first;
  }

  private async read(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        if (Date.now() - this.ttlRefreshedAt > this.ttlMs / 3) {
          this.ttlRefreshedAt = Date.now();
          for (const r of this.streams.values()) {
            const kept = Number(await this.driver.call(['PEXPIRE', r.key, this.ttlMs]));
            if (kept === 0) {
              this.opts.log.warn({ replyStream: r.key }, 'reply stream was gone (expired or deleted); replies sent meanwhile were dropped');
              await this.create(r.key);
            }
          }
        }
        const streams = [...this.streams.values()];
        const res = await this.blocking.call(['XREAD', 'COUNT', 100, 'BLOCK', this.blockMs, 'STREAMS', ...streams.map((r) => r.key), ...streams.map((r) => r.lastId)]);
        failures = 0;
        for (const read of parseStreamReads(res)) {
          const r = streams.find((x) => x.key === read.stream);
          if (!r || read.entries.length === 0) continue;
          r.lastId = read.entries[read.entries.length - 1]!.id;
          for (const e of read.entries) this.deliver(r, e.id, e.fields);
          await this.driver.call(['XDEL', r.key, ...read.entries.map((e) => e.id)]);
        }
      } catch (err) {
        if (this.closed) return;
        failures++;
        this.opts.log.warn({ err: errorMessage(err), attempt: failures }, 'reading the reply streams failed; retrying');
        await new Promise((res) => setTimeout(res, backoffMs(failures + 1, 50, 2_000)));
      }
    }
  }

  private deliver(r: ReplyStream, entryId: string, fields: string[] | null): void {
    if (fields && fields[0] === 'wake' && fields.length === 2) return;
    const decoded = decodeEntry(fields, this.opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    if (!decoded.ok) {
      this.opts.log.warn({ replyStream: r.key, entryId, err: decoded.error.message }, 'undecodable entry on the reply stream; discarded');
      return;
    }
    const m = decoded.message;
    const w = this.waiting.get(m.cause);
    if (w && (w.from !== r.responder || m.src !== r.responder)) {
      // Not from the responder asked: it neither resolves nor cancels the request, which waits on for its answer.
      const err = new HiveError('REPLY_FORGED', `a reply to ${m.cause} came from ${m.src} on ${r.responder}'s reply stream, but ${w.from} was asked; dropped`, {
        details: { replyStream: r.key, entryId, cause: m.cause, expected: w.from, stream: r.responder, src: m.src },
      });
      this.opts.log.error({ err: err.message, code: err.code, ...err.details }, 'forged reply dropped');
      return;
    }
    if (!w) {
      this.opts.log.warn(
        { replyStream: r.key, entryId, cause: m.cause, type: m.type, corr: m.corr, src: m.src },
        'reply to no waiting request (it timed out, or was never made here); discarded',
      );
      return;
    }
    this.settle(m.cause);
    w.resolve(m);
  }
}
