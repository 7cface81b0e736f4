/**
 * Ingress: a message a port received becomes one wa.inbound entry, or nothing. Strangers are
 * logged (ids only, never text) and get no reply; media is fetched only for accepted messages,
 * refused with a clear reply over the size cap, and stored in the blob store (the entry carries
 * its hash, size and mime, never the bytes); the publish is idempotent on the WhatsApp message id
 * (the bus's `idempotent` publish: check, append and mark in one Lua script).
 *
 * WhatsApp will not resend a message, so one that cannot be published now (Redis full: REDIS_OOM,
 * or away) is not lost: it goes to the on-disk spool (spool.ts), and the drainer publishes the
 * spool in order, with backoff, once Redis accepts writes again. While anything waits there, new
 * messages queue behind it, so a chat's messages stay in order.
 */
import type { BlobStore } from '@hive/blobs';
import { errorMessage, type Logger, type PublishOptions, type PublishResult } from '@hive/agent';
import type { AllowList } from './domain/allow-list.js';
import { DEFAULT_INBOUND_BURST, DEFAULT_INBOUND_MAX_CHARS, DEFAULT_INBOUND_PER_MINUTE, DEFAULT_MEDIA_MAX_BYTES, envelopeIdFor, rateLimitedReply, toInboundPayload, tooLargeReply, tooLongReply, triage, type DownloadedMedia, type InboundPayload, type MediaKind, type MediaRef } from './domain/inbound.js';
import { TokenBuckets } from './domain/rate-limit.js';
import { SpoolFullError, type Spool, type SpooledMessage } from './spool.js';
import type { IncomingMessage, IngressOutcome, MessageListener } from './whatsapp/port.js';

/** How long a WhatsApp message id is remembered: past any redelivery after a reconnect (minutes to hours). */
export const DEFAULT_DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Waits between attempts to drain the spool while Redis refuses: doubling from the first to the last. */
export const SPOOL_RETRY_MS = { first: 500, max: 30_000 } as const;

export interface IngressOptions {
  /** Publish to wa.inbound as kami (the runtime's publish: validated against the contract). */
  readonly publish: (data: InboundPayload, options: PublishOptions) => Promise<PublishResult>;
  readonly allowList: AllowList;
  /** Where attachments go (the entry carries only the reference). */
  readonly blobs: BlobStore;
  /** Messages waiting for Redis. */
  readonly spool: Spool;
  /** Largest attachment taken. @defaultValue DEFAULT_MEDIA_MAX_BYTES */
  readonly mediaMaxBytes?: number;
  readonly log: Logger;
  /** @defaultValue DEFAULT_DEDUP_WINDOW_MS */
  readonly dedupWindowMs?: number;
  /** @defaultValue SPOOL_RETRY_MS */
  readonly spoolRetryMs?: { readonly first: number; readonly max: number };
  /** Per-sender limits on what is passed on: text length and rate. @defaultValue the DEFAULT_INBOUND_* constants */
  readonly limits?: InboundLimits;
  /** Called for every message from an allowed sender (kami remembers the chat, so it may answer it). */
  readonly onAccepted?: (chatId: string) => Promise<void>;
  /** @defaultValue Date.now */
  readonly now?: () => number;
  /** Tell the sender something (a voice note we could not fetch or keep). Best effort. */
  readonly notify?: (chatId: string, text: string, replyTo: string) => Promise<void>;
}

/** What one sender may send: longest text, and a token bucket (burst, then perMinute). */
export interface InboundLimits {
  readonly maxChars: number;
  readonly perMinute: number;
  readonly burst: number;
}

export interface Ingress {
  /** The listener a port calls for every received message. */
  readonly listener: MessageListener;
  /** Blob hashes of messages not yet published (being stored, or spooled): the sweeper keeps them. */
  inFlight(): string[];
  /** Publish what the spool holds now, in order; resolves when it is empty or Redis refused again (then retries later). */
  drain(): Promise<void>;
  /** Stop retrying (what waits in the spool stays there for the next start). */
  stop(): Promise<void>;
}

/** Codes that waiting will not fix: the message itself is refused. */
const PERMANENT = ['SCHEMA_INVALID', 'UNKNOWN_TYPE', 'MESSAGE_TOO_LARGE', 'CONFIG_INVALID'];

function isPermanent(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && PERMANENT.includes(code);
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Build the ingress: its listener, and the drainer of its spool (started at once if the spool holds anything). */
export function createIngress(options: IngressOptions): Ingress {
  const log = options.log.child({ part: 'ingress' });
  const maxBytes = options.mediaMaxBytes ?? DEFAULT_MEDIA_MAX_BYTES;
  const retry = options.spoolRetryMs ?? SPOOL_RETRY_MS;
  const spool = options.spool;
  const storing = new Map<string, number>();
  let stopped = false;
  let draining: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoff = retry.first;
  const limits = options.limits ?? { maxChars: DEFAULT_INBOUND_MAX_CHARS, perMinute: DEFAULT_INBOUND_PER_MINUTE, burst: DEFAULT_INBOUND_BURST };
  const now = options.now ?? Date.now;
  const senders = new TokenBuckets({ perMinute: limits.perMinute, burst: limits.burst, maxWaitMs: 0 });
  // A limited sender is told once per pause, not once per message (a reply per message would be a flood of its own).
  const toldUntil = new Map<string, number>();

  const hold = (sha: string) => storing.set(sha, (storing.get(sha) ?? 0) + 1);
  const release = (sha: string) => {
    const n = (storing.get(sha) ?? 1) - 1;
    if (n <= 0) storing.delete(sha);
    else storing.set(sha, n);
  };

  const publishOne = async (m: SpooledMessage): Promise<PublishResult> => {
    const r = await options.publish(m.payload, { id: m.id, corr: m.id, idempotent: { windowMs: m.windowMs } });
    // Referenced only once a message refers to it for sure: until then the spool or `storing` holds it.
    if (m.payload.media?.sha256) await options.blobs.reference([m.payload.media.sha256]);
    return r;
  };

  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain();
    }, backoff);
    timer.unref?.();
    backoff = Math.min(retry.max, backoff * 2);
  };

  const drainOnce = async (): Promise<void> => {
    for (;;) {
      if (stopped) return;
      const next = await spool.first();
      if (!next) {
        backoff = retry.first;
        return;
      }
      if ('unreadable' in next) {
        const to = await spool.reject(next.file);
        log.error({ file: to, err: next.unreadable }, 'a spooled message cannot be read; set aside for an operator');
        continue;
      }
      const m = next.message;
      const ids = { messageId: m.payload.messageId, chatId: m.payload.chatId };
      try {
        const r = await publishOne(m);
        await spool.remove(next.file);
        log.info({ ...ids, entryId: r.entryId, duplicate: r.duplicate === true, waiting: spool.size }, 'spooled message published to wa.inbound');
      } catch (err) {
        if (isPermanent(err)) {
          const to = await spool.reject(next.file);
          log.error({ ...ids, err: errorMessage(err), file: to }, 'a spooled message was refused for good; set aside for an operator');
          continue;
        }
        log.warn({ ...ids, err: errorMessage(err), code: codeOf(err), waiting: spool.size, retryInMs: backoff }, 'Redis still refuses: the spool waits');
        schedule();
        return;
      }
    }
  };

  const drain = (): Promise<void> => (draining ??= drainOnce().finally(() => (draining = undefined)));

  const toSpool = async (m: SpooledMessage, ids: { messageId: string; chatId: string }, why: string): Promise<IngressOutcome> => {
    try {
      await spool.add(m);
    } catch (err) {
      const full = err instanceof SpoolFullError;
      log.error({ ...ids, err: errorMessage(err) }, full ? 'the spool is full: the message was not taken; the sender is asked to resend' : 'could not spool a received message');
      await options
        .notify?.(ids.chatId, "Sorry, I can't take messages right now (my storage is full). Could you send that again in a little while?", ids.messageId)
        .catch((e: unknown) => log.warn({ ...ids, err: errorMessage(e) }, 'could not tell the sender'));
      return { status: 'failed', ...ids, reason: full ? 'spool full' : errorMessage(err) };
    }
    log.warn({ ...ids, why, waiting: spool.size }, 'Redis does not take the message now: spooled on disk, published when it does');
    // Each arrival is also a chance to find Redis writable again (a drain attempt is one XADD).
    void drain();
    return { status: 'queued', ...ids, reason: why };
  };

  const tell = (ids: { messageId: string; chatId: string }, text: string, what: string) =>
    options.notify?.(ids.chatId, text, ids.messageId).catch((err: unknown) => log.warn({ ...ids, err: errorMessage(err) }, `could not tell the sender about ${what}`));

  /** The sender's limits, checked before any media is downloaded: an outcome when the message is refused. */
  const overLimits = async (msg: IncomingMessage, ids: { messageId: string; chatId: string }): Promise<IngressOutcome | undefined> => {
    const chars = [...msg.text].length;
    if (chars > limits.maxChars) {
      log.info({ ...ids, from: msg.from, chars, maxChars: limits.maxChars }, 'text over the length limit: refused, the sender is told');
      await tell(ids, tooLongReply(chars, limits.maxChars), 'the length limit');
      return { status: 'ignored', ...ids, reason: `text_too_long: ${chars} characters, the limit is ${limits.maxChars} (KAMI_INBOUND_MAX_CHARS)` };
    }
    const t = now();
    const slot = senders.reserve(msg.from, t);
    senders.prune(t);
    for (const [sender, until] of toldUntil) if (until <= t) toldUntil.delete(sender);
    if (slot.ok) return undefined;
    const told = toldUntil.has(msg.from);
    log.info({ ...ids, from: msg.from, retryInMs: slot.retryInMs, told: !told }, 'sender over the rate limit: refused');
    if (!told) {
      toldUntil.set(msg.from, t + slot.retryInMs);
      await tell(ids, rateLimitedReply(slot.retryInMs), 'the rate limit');
    }
    return { status: 'ignored', ...ids, reason: `rate_limited: more than ${limits.burst} messages at once or ${limits.perMinute} a minute from ${msg.from} (KAMI_INBOUND_BURST, KAMI_INBOUND_PER_MINUTE); next one taken in ${slot.retryInMs} ms` };
  };

  const listener = async (msg: IncomingMessage): Promise<IngressOutcome> => {
    const ids = { messageId: msg.messageId, chatId: msg.chatId };
    const verdict = triage(msg, options.allowList);
    if (!verdict.accept) {
      if (verdict.reason === 'stranger') log.warn({ ...ids, from: msg.from, type: msg.type }, 'message from a sender not on the allow-list: ignored, no reply');
      else log.debug({ ...ids, type: msg.type, reason: verdict.reason }, 'message ignored');
      return { status: 'ignored', ...ids, reason: verdict.reason };
    }

    await options.onAccepted?.(msg.chatId).catch((err: unknown) => log.warn({ ...ids, err: errorMessage(err) }, 'could not remember the chat'));
    const refused = await overLimits(msg, ids);
    if (refused) return refused;

    let media: { kind: MediaKind; ref: MediaRef; filename?: string | undefined } | undefined;
    if (verdict.mediaKind !== undefined && msg.hasMedia) {
      let downloaded: DownloadedMedia | undefined;
      try {
        downloaded = await msg.downloadMedia();
      } catch (err) {
        log.warn({ ...ids, err: errorMessage(err) }, 'downloading the media failed');
      }
      if (!downloaded) {
        // Without its attachment a voice note is an empty message: say so rather than pass on nothing.
        if (msg.text === '') {
          await options.notify?.(msg.chatId, 'Sorry, I could not download that attachment. Could you send it again?', msg.messageId).catch((err: unknown) =>
            log.warn({ ...ids, err: errorMessage(err) }, 'could not tell the sender about the failed download'),
          );
          return { status: 'failed', ...ids, reason: 'media could not be downloaded' };
        }
      } else if (downloaded.data.length > maxBytes) {
        log.info({ ...ids, kind: verdict.mediaKind, bytes: downloaded.data.length, maxBytes }, 'attachment over the size cap: refused, the sender is told');
        await options.notify?.(msg.chatId, tooLargeReply(verdict.mediaKind, downloaded.data.length, maxBytes), msg.messageId).catch((err: unknown) =>
          log.warn({ ...ids, err: errorMessage(err) }, 'could not tell the sender about the size cap'),
        );
        return { status: 'ignored', ...ids, reason: `media_too_large: ${downloaded.data.length} bytes, the cap is ${maxBytes}` };
      } else {
        const ref = await options.blobs.put(downloaded.data, downloaded.mime);
        media = { kind: verdict.mediaKind, ref, filename: downloaded.filename };
      }
    }

    const id = envelopeIdFor(msg.messageId);
    const m: SpooledMessage = { payload: toInboundPayload(msg, media), id, windowMs: options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS, receivedAt: new Date().toISOString() };
    const sha = media?.ref.sha256;
    if (sha) hold(sha);
    try {
      // Messages already wait for Redis: this one queues behind them, so the chat's order holds.
      if (spool.size > 0) return await toSpool(m, ids, 'earlier messages are waiting in the spool');
      try {
        const r = await publishOne(m);
        if (r.duplicate) {
          log.info({ ...ids, entryId: r.entryId }, 'duplicate WhatsApp message: already published');
          return { status: 'duplicate', ...ids, entryId: r.entryId };
        }
        log.info({ ...ids, entryId: r.entryId, media: media?.kind }, 'message published to wa.inbound');
        return { status: 'published', ...ids, entryId: r.entryId };
      } catch (err) {
        if (isPermanent(err)) {
          log.error({ ...ids, err: errorMessage(err) }, 'a received message was refused by its contract: not published');
          return { status: 'failed', ...ids, reason: errorMessage(err) };
        }
        return await toSpool(m, ids, `${codeOf(err) ?? 'error'}: ${errorMessage(err)}`);
      }
    } finally {
      if (sha) release(sha);
    }
  };

  if (spool.size > 0) void drain();

  return {
    listener,
    inFlight: () => [...storing.keys(), ...spool.hashes()],
    drain,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await draining?.catch(() => undefined);
    },
  };
}
