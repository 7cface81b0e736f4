/**
 * The one seam between kami and WhatsApp. Two implementations: whatsapp-web.js (a real account
 * through Chromium) and the local simulator (HTTP, no browser). kami's handlers only ever see this.
 */
import type { DownloadedMedia, ReceivedMessage } from '../domain/inbound.js';

/** Where a port is in its life; logged on every change. */
export type PortState = 'stopped' | 'starting' | 'qr' | 'authenticated' | 'ready' | 'auth_failure' | 'disconnected';

/** A received message, plus a way to fetch its media (only done for accepted messages). */
export interface IncomingMessage extends ReceivedMessage {
  /** The attachment's bytes; undefined when WhatsApp no longer has them. */
  downloadMedia(): Promise<DownloadedMedia | undefined>;
}

/** What kami did with a received message; the simulator answers its POST with it. */
export type IngressOutcome =
  | { readonly status: 'published'; readonly messageId: string; readonly chatId: string; readonly entryId: string }
  | { readonly status: 'duplicate'; readonly messageId: string; readonly chatId: string; readonly entryId: string }
  | { readonly status: 'ignored'; readonly messageId: string; readonly chatId: string; readonly reason: string }
  /** Taken, but Redis does not accept writes now (full, or away): kept in kami's spool on disk, published once it does. */
  | { readonly status: 'queued'; readonly messageId: string; readonly chatId: string; readonly reason: string }
  | { readonly status: 'failed'; readonly messageId: string; readonly chatId: string; readonly reason: string };

export type MessageListener = (message: IncomingMessage) => Promise<IngressOutcome>;

/** Media to send: inline base64 or a file kami can read. */
export interface OutgoingMedia {
  readonly kind: string;
  readonly mime: string;
  readonly base64?: string | undefined;
  readonly path?: string | undefined;
  readonly filename?: string | undefined;
}

export interface OutgoingText {
  readonly chatId: string;
  readonly text: string;
  /** WhatsApp message id to quote. */
  readonly replyTo?: string | undefined;
  readonly media?: OutgoingMedia | undefined;
}

export interface SentMessage {
  /** WhatsApp's id of the sent message. */
  readonly messageId: string;
}

export interface WhatsAppPort {
  readonly kind: 'whatsapp' | 'simulator';
  readonly state: PortState;
  /** Set the one listener for received messages (before start). */
  onMessage(listener: MessageListener): void;
  /** Connect (or listen); resolves once started, not necessarily ready (a QR may still need scanning). */
  start(): Promise<void>;
  /**
   * Send one message. Rejects when it was not sent (not connected, WhatsApp refused): the caller
   * throws, so the bus retries it and eventually dead-letters it; nothing is dropped silently.
   */
  send(message: OutgoingText, signal?: AbortSignal): Promise<SentMessage>;
  /** Resolves once the port can send, or rejects after `timeoutMs` / when `signal` aborts. */
  whenReady(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** The port cannot send right now (connecting, logged out, stopping); the bus will retry. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
  readonly code = 'WHATSAPP_NOT_READY';
  constructor(readonly state: PortState, waitedMs: number) {
    super(`WhatsApp is not ready (state "${state}") after waiting ${waitedMs} ms`);
  }
}

/** A send did not finish in time; it may or may not have gone out, and the bus will retry it. */
export class SendTimeoutError extends Error {
  override readonly name = 'SendTimeoutError';
  readonly code = 'WHATSAPP_SEND_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`WhatsApp did not confirm the send within ${timeoutMs} ms`);
  }
}

/** Callers waiting for a port to become ready; the port calls `changed()` on every state change. */
export class Readiness {
  private waiters = new Set<() => void>();

  /** Wake every waiter (call on each state change). */
  changed(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Wait until `isReady()` or fail with NotReadyError after `timeoutMs`. */
  wait(isReady: () => boolean, state: () => PortState, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (isReady()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (isReady()) done();
      };
      const onAbort = () => done(new NotReadyError(state(), Date.now() - started));
      const timer = setTimeout(() => done(new NotReadyError(state(), Date.now() - started)), timeoutMs);
      timer.unref?.();
      this.waiters.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
