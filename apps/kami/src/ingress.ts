/**
 * Ingress: a message a port received becomes one wa.inbound entry, or nothing. Strangers are
 * logged (ids only, never text) and get no reply; media is fetched only for accepted messages,
 * inline when small, else written under kami's data dir; the publish is idempotent on the
 * WhatsApp message id (the bus's `idempotent` publish: check, append and mark in one Lua script)
 * and retried while Redis is briefly away, since WhatsApp will not resend.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger, PublishOptions, PublishResult } from '@hive/bus';
import type { AllowList } from './domain/allow-list.js';
import { envelopeIdFor, mediaFileName, mediaPlacement, toInboundPayload, triage, type DownloadedMedia, type InboundPayload, type PlacedMedia } from './domain/inbound.js';
import type { IncomingMessage, IngressOutcome, MessageListener } from './whatsapp/port.js';

/** How long a WhatsApp message id is remembered: long past any redelivery after a reconnect. */
export const DEFAULT_DEDUP_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Waits between publish attempts while Redis is unreachable (then the message is reported lost). */
export const PUBLISH_RETRY_DELAYS_MS = [250, 1_000, 2_000, 4_000, 8_000] as const;

export interface IngressOptions {
  /** Publish to wa.inbound as kami (the runtime's publish: validated against the contract). */
  readonly publish: (data: InboundPayload, options: PublishOptions) => Promise<PublishResult>;
  readonly allowList: AllowList;
  /** kami's data dir; large media goes to `<dataDir>/media`. */
  readonly dataDir: string;
  readonly mediaInlineBytes: number;
  readonly log: Logger;
  readonly dedupWindowMs?: number;
  /** @defaultValue PUBLISH_RETRY_DELAYS_MS */
  readonly retryDelaysMs?: readonly number[];
  /** Tell the sender something went wrong on our side (a voice note we could not fetch). Best effort. */
  readonly notify?: (chatId: string, text: string, replyTo: string) => Promise<void>;
}

/** The listener a port calls for every received message. */
export function createIngress(options: IngressOptions): MessageListener {
  const log = options.log.child({ part: 'ingress' });
  const delays = options.retryDelaysMs ?? PUBLISH_RETRY_DELAYS_MS;

  return async (msg: IncomingMessage): Promise<IngressOutcome> => {
    const ids = { messageId: msg.messageId, chatId: msg.chatId };
    const verdict = triage(msg, options.allowList);
    if (!verdict.accept) {
      if (verdict.reason === 'stranger') log.warn({ ...ids, from: msg.from, type: msg.type }, 'message from a sender not on the allow-list: ignored, no reply');
      else log.debug({ ...ids, type: msg.type, reason: verdict.reason }, 'message ignored');
      return { status: 'ignored', ...ids, reason: verdict.reason };
    }

    let media: Parameters<typeof toInboundPayload>[1];
    if (verdict.mediaKind !== undefined && msg.hasMedia) {
      let downloaded: DownloadedMedia | undefined;
      try {
        downloaded = await msg.downloadMedia();
      } catch (err) {
        log.warn({ ...ids, err: errorText(err) }, 'downloading the media failed');
      }
      if (!downloaded) {
        // Without its attachment a voice note is an empty message: say so rather than pass on nothing.
        if (msg.text === '') {
          await options.notify?.(msg.chatId, 'Sorry, I could not download that attachment. Could you send it again?', msg.messageId).catch((err: unknown) =>
            log.warn({ ...ids, err: errorText(err) }, 'could not tell the sender about the failed download'),
          );
          return { status: 'failed', ...ids, reason: 'media could not be downloaded' };
        }
      } else {
        media = { kind: verdict.mediaKind, downloaded, placed: await place(msg.messageId, downloaded) };
      }
    }

    const payload = toInboundPayload(msg, media);
    const id = envelopeIdFor(msg.messageId);
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await options.publish(payload, { id, corr: id, idempotent: { windowMs: options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS } });
        if (r.duplicate) {
          log.info({ ...ids, entryId: r.entryId }, 'duplicate WhatsApp message: already published');
          return { status: 'duplicate', ...ids, entryId: r.entryId };
        }
        log.info({ ...ids, entryId: r.entryId, media: media?.kind }, 'message published to wa.inbound');
        return { status: 'published', ...ids, entryId: r.entryId };
      } catch (err) {
        const delay = delays[attempt];
        // Validation and size errors will not get better by waiting.
        if (delay === undefined || isPermanent(err)) {
          log.error({ ...ids, err: errorText(err), attempts: attempt + 1 }, 'could not publish a received message: it is lost');
          return { status: 'failed', ...ids, reason: errorText(err) };
        }
        log.warn({ ...ids, err: errorText(err), retryInMs: delay }, 'publishing a received message failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  async function place(messageId: string, downloaded: DownloadedMedia): Promise<PlacedMedia> {
    if (mediaPlacement(downloaded.data.length, options.mediaInlineBytes) === 'inline') return { base64: downloaded.data.toString('base64') };
    const dir = join(options.dataDir, 'media');
    await mkdir(dir, { recursive: true });
    const path = join(dir, mediaFileName(messageId, downloaded.mime));
    // Readers may look at the path as soon as the entry exists: write aside, then rename into place.
    await writeFile(`${path}.tmp`, downloaded.data);
    await rename(`${path}.tmp`, path);
    return { path };
  }
}

function isPermanent(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && ['SCHEMA_INVALID', 'UNKNOWN_TYPE', 'MESSAGE_TOO_LARGE', 'CONFIG_INVALID', 'BUS_CLOSED'].includes(code);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
