/**
 * kami's own environment variables, as a zod object keyed by variable name (the runtime's
 * `parseEnv` reports every bad one at once, by name). `resolveConfig` turns them into what the
 * agent uses: the mode, the allow-list, the owner's chat, the rate limits.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { envInt } from '@hive/agent';
import { AllowListError, parseAllowList, type AllowList } from './domain/allow-list.js';
import { toChatId, tryChatId } from './domain/chat-id.js';
import { DEFAULT_INBOUND_BURST, DEFAULT_INBOUND_MAX_CHARS, DEFAULT_INBOUND_PER_MINUTE, DEFAULT_MEDIA_MAX_BYTES } from './domain/inbound.js';
import { DEFAULT_DEDUP_WINDOW_MS, SPOOL_RETRY_MS } from './ingress.js';
import { DEFAULT_SPOOL_MAX } from './spool.js';
import { isLoopbackHost, SimulatorTokenRequiredError } from './whatsapp/simulator.js';
import { DEFAULT_RATE_BURST, DEFAULT_RATE_MAX_WAIT_MS, DEFAULT_RATE_PER_MINUTE, type RateLimitOptions } from './domain/rate-limit.js';

/** The simulator's owner when WHATSAPP_OWNER is unset: a fictional number (555-01xx is reserved for fiction). */
export const SIM_DEFAULT_OWNER = '15555550100@c.us';
export const DEFAULT_SIM_PORT = 7777;
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** A send that has not returned by then is treated as failed (and retried by the bus). */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;
/** Attachments are kept this long after the last message referring to them (vox reads them within seconds; a dead letter retried days later still finds them). */
export const DEFAULT_MEDIA_RETENTION_DAYS = 7;
/** How often the blob store is swept. */
export const DEFAULT_MEDIA_SWEEP_MS = 3_600_000;

function positive(max: number) {
  return z.string().transform((s, ctx) => {
    const n = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a number above 0 and at most ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

const flag = z
  .string()
  .transform((s, ctx) => {
    const v = s.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    ctx.addIssue({ code: 'custom', message: 'must be 1 or 0' });
    return z.NEVER;
  })
  .default(false);

const chatIdVar = z.string().refine((s) => tryChatId(s) !== undefined, {
  message: 'must be a phone number with country code (e.g. +491701234567) or a chat id (e.g. 491701234567@c.us)',
});

/** kami's variables; empty values count as unset (the runtime drops them before parsing). */
export const kamiConfigSchema = z
  .object({
    WHATSAPP_ENABLED: flag,
    WHATSAPP_OWNER: chatIdVar.optional(),
    WHATSAPP_ALLOWED: z.string().optional(),
    CHROMIUM_PATH: z.string().min(1).default(DEFAULT_CHROMIUM_PATH),
    HIVE_DATA_DIR: z.string().min(1).default('.data'),
    HIVE_BLOB_DIR: z.string().min(1).optional(),
    KAMI_SIM_PORT: envInt(0, 65_535).default(DEFAULT_SIM_PORT),
    KAMI_SIM_HOST: z.string().min(1).default('127.0.0.1'),
    KAMI_SIM_TOKEN: z.string().min(16, { message: 'must be at least 16 characters (e.g. openssl rand -hex 16)' }).optional(),
    KAMI_INBOUND_MAX_CHARS: envInt(1, 65_536).default(DEFAULT_INBOUND_MAX_CHARS),
    KAMI_INBOUND_PER_MINUTE: envInt(1, 100_000).default(DEFAULT_INBOUND_PER_MINUTE),
    KAMI_INBOUND_BURST: envInt(1, 100_000).default(DEFAULT_INBOUND_BURST),
    KAMI_RATE_PER_MINUTE: envInt(1, 10_000).default(DEFAULT_RATE_PER_MINUTE),
    KAMI_RATE_BURST: envInt(1, 1_000).default(DEFAULT_RATE_BURST),
    KAMI_RATE_MAX_WAIT_MS: envInt(0, 600_000).default(DEFAULT_RATE_MAX_WAIT_MS),
    KAMI_MEDIA_MAX_BYTES: envInt(1, 2_000_000_000).default(DEFAULT_MEDIA_MAX_BYTES),
    KAMI_MEDIA_RETENTION_DAYS: positive(36_500).default(DEFAULT_MEDIA_RETENTION_DAYS),
    KAMI_MEDIA_SWEEP_MS: envInt(10, 86_400_000).default(DEFAULT_MEDIA_SWEEP_MS),
    KAMI_DEDUP_WINDOW_MS: envInt(1, 30 * 86_400_000).default(DEFAULT_DEDUP_WINDOW_MS),
    KAMI_SPOOL_MAX: envInt(1, 10_000_000).default(DEFAULT_SPOOL_MAX),
    KAMI_SPOOL_RETRY_MAX_MS: envInt(10, 600_000).default(SPOOL_RETRY_MS.max),
    KAMI_SEND_TIMEOUT_MS: envInt(1_000, 600_000).default(DEFAULT_SEND_TIMEOUT_MS),
  })
  .superRefine((c, ctx) => {
    if (!c.WHATSAPP_ENABLED && c.KAMI_SIM_TOKEN === undefined && !isLoopbackHost(c.KAMI_SIM_HOST)) {
      ctx.addIssue({ code: 'custom', path: ['KAMI_SIM_TOKEN'], message: new SimulatorTokenRequiredError(c.KAMI_SIM_HOST).message });
    }
    try {
      parseAllowList({ allowed: c.WHATSAPP_ALLOWED, owner: c.WHATSAPP_OWNER, simulator: !c.WHATSAPP_ENABLED });
    } catch (err) {
      if (!(err instanceof AllowListError)) throw err;
      const variable = err.message.startsWith('WHATSAPP_ALLOWED') ? 'WHATSAPP_ALLOWED' : 'WHATSAPP_OWNER';
      ctx.addIssue({ code: 'custom', path: [variable], message: err.message.replace(/^WHATSAPP_\w+: /, '') });
    }
  });

export type KamiEnv = z.output<typeof kamiConfigSchema>;

export interface KamiConfig {
  readonly mode: 'whatsapp' | 'simulator';
  readonly allowList: AllowList;
  /** Where ops alerts go; in the simulator, also who `hive say` speaks as by default. */
  readonly ownerChatId: string | undefined;
  /** kami's own directory under HIVE_DATA_DIR: the WhatsApp session, the login QR, the spool. */
  readonly dataDir: string;
  /** The blob store (shared with vox): HIVE_BLOB_DIR, else HIVE_DATA_DIR/blobs. */
  readonly blobDir: string;
  readonly chromiumPath: string;
  /** The simulator's address, and the token it requires (when set; it must be when it listens beyond loopback). */
  readonly simulator: { readonly host: string; readonly port: number; readonly token: string | undefined };
  /** What one sender may send: longest text, burst, then messages per minute. */
  readonly inbound: { readonly maxChars: number; readonly perMinute: number; readonly burst: number };
  readonly rateLimit: RateLimitOptions;
  readonly media: {
    readonly maxBytes: number;
    readonly retentionMs: number;
    /** A blob no message refers to is deleted only once older than this (min(1 h, a 24th of the retention)). */
    readonly orphanGraceMs: number;
    /** Span of one reference log of the blob store (min(1 h, a 24th of the retention)): a blob outlives its retention by at most this. */
    readonly refBucketMs: number;
    readonly sweepMs: number;
  };
  readonly dedupWindowMs: number;
  readonly spoolMax: number;
  /** Longest wait between attempts to publish the spool while Redis refuses. */
  readonly spoolRetryMaxMs: number;
  readonly sendTimeoutMs: number;
}

/** The agent's configuration from its parsed variables. */
export function resolveConfig(env: KamiEnv): KamiConfig {
  const simulator = !env.WHATSAPP_ENABLED;
  const owner = env.WHATSAPP_OWNER !== undefined ? toChatId(env.WHATSAPP_OWNER) : simulator ? SIM_DEFAULT_OWNER : undefined;
  return {
    mode: simulator ? 'simulator' : 'whatsapp',
    allowList: parseAllowList({ allowed: env.WHATSAPP_ALLOWED, owner, simulator }),
    ownerChatId: owner,
    dataDir: join(resolve(env.HIVE_DATA_DIR), 'kami'),
    chromiumPath: env.CHROMIUM_PATH,
    simulator: { host: env.KAMI_SIM_HOST, port: env.KAMI_SIM_PORT, token: env.KAMI_SIM_TOKEN },
    inbound: { maxChars: env.KAMI_INBOUND_MAX_CHARS, perMinute: env.KAMI_INBOUND_PER_MINUTE, burst: env.KAMI_INBOUND_BURST },
    rateLimit: { perMinute: env.KAMI_RATE_PER_MINUTE, burst: env.KAMI_RATE_BURST, maxWaitMs: env.KAMI_RATE_MAX_WAIT_MS },
    blobDir: resolve(env.HIVE_BLOB_DIR ?? join(env.HIVE_DATA_DIR, 'blobs')),
    media: {
      maxBytes: env.KAMI_MEDIA_MAX_BYTES,
      retentionMs: Math.round(env.KAMI_MEDIA_RETENTION_DAYS * 86_400_000),
      orphanGraceMs: Math.min(3_600_000, Math.round((env.KAMI_MEDIA_RETENTION_DAYS * 86_400_000) / 24)),
      refBucketMs: Math.max(1, Math.min(3_600_000, Math.round((env.KAMI_MEDIA_RETENTION_DAYS * 86_400_000) / 24))),
      sweepMs: env.KAMI_MEDIA_SWEEP_MS,
    },
    dedupWindowMs: env.KAMI_DEDUP_WINDOW_MS,
    spoolMax: env.KAMI_SPOOL_MAX,
    spoolRetryMaxMs: env.KAMI_SPOOL_RETRY_MAX_MS,
    sendTimeoutMs: env.KAMI_SEND_TIMEOUT_MS,
  };
}
