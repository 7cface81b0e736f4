/**
 * kami, the WhatsApp gateway: what people write on WhatsApp becomes wa.inbound; what the agents
 * put on wa.outbound, and sentinel's ops.alert, goes back out. With WHATSAPP_ENABLED=1 it drives a
 * real account through whatsapp-web.js; otherwise it runs the local simulator that `hive say` talks to.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, defineAgent, errorMessage, type Logger, type StartContext } from '@hive/agent';
import { openBlobStore, sweepBlobs, type SweepResult } from '@hive/blobs';
import { kamiConfigSchema, resolveConfig, type KamiConfig, type KamiEnv } from './config.js';
import { describeAllowList } from './domain/allow-list.js';
import { handleOpsAlert } from './handlers/ops-alert.js';
import { handleWaSend } from './handlers/wa-send.js';
import { createIngress, SPOOL_RETRY_MS } from './ingress.js';
import { pruneLegacyMedia } from './legacy-media.js';
import { mediaRootsFor, OutboundGuard } from './outbound-guard.js';
import { Outbox } from './outbox.js';
import { Spool } from './spool.js';
import { createSimulatorPort } from './whatsapp/simulator.js';
import type { WhatsAppPort } from './whatsapp/port.js';

/** Deliveries of an outbound message before it is dead-lettered: about two minutes of backoff. */
export const SEND_MAX_DELIVERIES = 8;

export interface KamiDeps {
  /** Build the WhatsApp port; tests inject a whatsapp-web.js port over a fake Client. @defaultValue from the config's mode */
  readonly createPort?: (config: KamiConfig, log: Logger) => WhatsAppPort | Promise<WhatsAppPort>;
  /** Clock for the rate limiter. @defaultValue Date.now */
  readonly now?: () => number;
  /** Called after each sweep of the blob store (the soak counts what was deleted). */
  readonly onSweep?: (result: SweepResult) => void;
}

/** The port the configuration asks for: the simulator, or whatsapp-web.js (loaded only then: it pulls in puppeteer). */
export async function defaultPort(config: KamiConfig, log: Logger): Promise<WhatsAppPort> {
  if (config.mode === 'simulator') {
    return createSimulatorPort({ host: config.simulator.host, port: config.simulator.port, token: config.simulator.token, defaultFrom: config.ownerChatId!, log });
  }
  if (!existsSync(config.chromiumPath)) {
    throw new ConfigError(`kami: no browser at CHROMIUM_PATH=${config.chromiumPath}; install Chromium (apt-get install chromium) or point CHROMIUM_PATH at one`);
  }
  const [{ createWwebjsPort }, { terminalAndPngQr }] = await Promise.all([import('./whatsapp/wwebjs.js'), import('./whatsapp/qr.js')]);
  return createWwebjsPort({ dataDir: config.dataDir, chromiumPath: config.chromiumPath, log, qr: terminalAndPngQr(config.dataDir), sendTimeoutMs: config.sendTimeoutMs });
}

/** A kami definition; `deps` replace its edges for tests. */
export function createKami(deps: KamiDeps = {}) {
  // Handlers can run before `start` (the bus reads as soon as the groups exist), so both take the
  // configuration from the same parsed environment the runtime hands to each of them.
  let resolved: { env: KamiEnv; config: KamiConfig; outbox: Outbox; guard: OutboundGuard } | undefined;
  const setup = (env: KamiEnv) => {
    if (resolved?.env !== env) {
      const config = resolveConfig(env);
      resolved = {
        env,
        config,
        outbox: new Outbox({ rateLimit: config.rateLimit, readyTimeoutMs: config.sendTimeoutMs, ...(deps.now ? { now: deps.now } : {}) }),
        guard: new OutboundGuard({
          allowList: config.allowList,
          mediaRoots: mediaRootsFor(config.dataDir, config.blobDir),
          mediaMaxBytes: config.media.maxBytes,
          recentChatsFile: join(config.dataDir, 'recent-chats.json'),
          ...(deps.now ? { now: deps.now } : {}),
        }),
      };
    }
    return resolved;
  };

  let active: { port: WhatsAppPort; config: KamiConfig } | undefined;

  return defineAgent({
    name: 'kami',
    version: '0.1.0',
    description: 'WhatsApp gateway: receives your messages (WhatsApp or the local simulator) and sends the agents\' replies and ops alerts.',
    skills: [],
    config: kamiConfigSchema,
    reads: {
      'wa.outbound': { 'wa.send': handleWaSend(setup) },
      'ops.alert': { 'ops.alert': handleOpsAlert(setup) },
    },
    writes: ['wa.inbound'],
    // Several chats at once; within one chat, in order (the runtime orders by chatId).
    concurrency: 4,
    streamOptions: {
      'wa.outbound': { maxDeliveries: SEND_MAX_DELIVERIES },
      'ops.alert': { maxDeliveries: SEND_MAX_DELIVERIES },
    },
    routes: {
      // For operators and sentinel: is WhatsApp connected? (/healthz only says the process is up.)
      '/whatsapp': (_req, res) => {
        const body = JSON.stringify(active ? { mode: active.config.mode, state: active.port.state } : { mode: null, state: 'stopped' });
        res.writeHead(active?.port.state === 'ready' ? 200 : 503, { 'content-type': 'application/json' });
        res.end(body);
      },
    },
    async start(ctx: StartContext<KamiEnv, 'wa.inbound'>) {
      const s = setup(ctx.config);
      const { config } = s;
      ctx.log.info({ mode: config.mode, allowed: describeAllowList(config.allowList), owner: config.ownerChatId ?? null, dataDir: config.dataDir, blobDir: config.blobDir }, 'kami starting');
      const port = await (deps.createPort ?? defaultPort)(config, ctx.log);
      const blobs = await openBlobStore(config.blobDir, { refBucketMs: config.media.refBucketMs });
      const spool = await Spool.open(join(config.dataDir, 'spool'), config.spoolMax);
      if (spool.size > 0) ctx.log.warn({ waiting: spool.size }, 'messages from the last run wait in the spool; publishing them first');
      const ingress = createIngress({
        publish: (data, options) => ctx.publish('wa.inbound', 'wa.message', data, options),
        allowList: config.allowList,
        blobs,
        spool,
        mediaMaxBytes: config.media.maxBytes,
        limits: config.inbound,
        onAccepted: (chatId) => s.guard.sawInbound(chatId, ctx.log),
        ...(deps.now ? { now: deps.now } : {}),
        dedupWindowMs: config.dedupWindowMs,
        spoolRetryMs: { first: Math.min(SPOOL_RETRY_MS.first, config.spoolRetryMaxMs), max: config.spoolRetryMaxMs },
        log: ctx.log,
        notify: async (chatId, text, replyTo) => void (await port.send({ chatId, text, replyTo })),
      });
      port.onMessage(ingress.listener);
      // The blob store's bound: what no message refers to any more (and nothing in flight holds) goes.
      let sweeping: Promise<void> | undefined;
      const sweep = () =>
        (sweeping ??= sweepBlobs(blobs, { retentionMs: config.media.retentionMs, orphanGraceMs: config.media.orphanGraceMs, inUse: ingress.inFlight() })
          .then(async (r) => {
            deps.onSweep?.(r);
            if (r.freedBytes > 0) ctx.log.info({ ...r.deleted, freedBytes: r.freedBytes, kept: r.kept, keptBytes: r.keptBytes }, 'blob store swept');
            const legacy = await pruneLegacyMedia(join(config.dataDir, 'media'), config.media.retentionMs);
            if (legacy.deleted > 0) ctx.log.info({ ...legacy }, 'old media files (from before the blob store) removed after the media retention');
          })
          .catch((err: unknown) => ctx.log.warn({ err: errorMessage(err) }, 'sweeping the blob store failed; trying again next time'))
          .finally(() => (sweeping = undefined)));
      const sweeper = setInterval(sweep, config.media.sweepMs);
      sweeper.unref();
      // Attached first: sends wait for the port to be ready, which a QR scan may delay a while.
      s.outbox.attach(port);
      active = { port, config };
      try {
        await port.start();
      } catch (err) {
        clearInterval(sweeper);
        s.outbox.detach();
        active = undefined;
        await ingress.stop();
        throw err;
      }
      return async () => {
        clearInterval(sweeper);
        s.outbox.detach();
        active = undefined;
        await port.stop();
        await ingress.stop();
        await sweeping;
      };
    },
  });
}

/** kami as `npm start` runs it. */
export const kami = createKami();
