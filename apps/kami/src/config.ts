/**
 * kami's own environment variables, as a zod object keyed by variable name (the runtime's
 * `parseEnv` reports every bad one at once, by name). `resolveConfig` turns them into what the
 * agent uses: the mode, the allow-list, the owner's chat, the rate limits.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AllowListError, parseAllowList, type AllowList } from './domain/allow-list.js';
import { toChatId, tryChatId } from './domain/chat-id.js';
import { DEFAULT_MEDIA_INLINE_BYTES } from './domain/inbound.js';
import { DEFAULT_RATE_BURST, DEFAULT_RATE_MAX_WAIT_MS, DEFAULT_RATE_PER_MINUTE, type RateLimitOptions } from './domain/rate-limit.js';

/** The simulator's owner when WHATSAPP_OWNER is unset: a fictional number (555-01xx is reserved for fiction). */
export const SIM_DEFAULT_OWNER = '15555550100@c.us';
export const DEFAULT_SIM_PORT = 7777;
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** A send that has not returned by then is treated as failed (and retried by the bus). */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;

function int(min: number, max: number) {
  return z.string().transform((s, ctx) => {
    const n = Number(s.trim());
    if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
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
    KAMI_SIM_PORT: int(0, 65_535).default(DEFAULT_SIM_PORT),
    KAMI_SIM_HOST: z.string().min(1).default('127.0.0.1'),
    KAMI_RATE_PER_MINUTE: int(1, 10_000).default(DEFAULT_RATE_PER_MINUTE),
    KAMI_RATE_BURST: int(1, 1_000).default(DEFAULT_RATE_BURST),
    KAMI_RATE_MAX_WAIT_MS: int(0, 600_000).default(DEFAULT_RATE_MAX_WAIT_MS),
    KAMI_MEDIA_INLINE_BYTES: int(0, 700_000).default(DEFAULT_MEDIA_INLINE_BYTES),
    KAMI_SEND_TIMEOUT_MS: int(1_000, 600_000).default(DEFAULT_SEND_TIMEOUT_MS),
  })
  .superRefine((c, ctx) => {
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
  /** kami's own directory under HIVE_DATA_DIR: the WhatsApp session, the login QR, stored media. */
  readonly dataDir: string;
  readonly chromiumPath: string;
  readonly simulator: { readonly host: string; readonly port: number };
  readonly rateLimit: RateLimitOptions;
  readonly mediaInlineBytes: number;
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
    simulator: { host: env.KAMI_SIM_HOST, port: env.KAMI_SIM_PORT },
    rateLimit: { perMinute: env.KAMI_RATE_PER_MINUTE, burst: env.KAMI_RATE_BURST, maxWaitMs: env.KAMI_RATE_MAX_WAIT_MS },
    mediaInlineBytes: env.KAMI_MEDIA_INLINE_BYTES,
    sendTimeoutMs: env.KAMI_SEND_TIMEOUT_MS,
  };
}
