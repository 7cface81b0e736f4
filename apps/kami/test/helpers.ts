/** Starting kami for tests: on a real Redis through the runtime's harness, with its WhatsApp port at hand. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@hive/agent';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createKami } from '../src/agent.js';
import type { KamiEnv } from '../src/config.js';
import { terminalAndPngQr } from '../src/whatsapp/qr.js';
import { createSimulatorPort, type SimulatorPort } from '../src/whatsapp/simulator.js';
import type { WhatsAppPort } from '../src/whatsapp/port.js';
import { createWwebjsPort } from '../src/whatsapp/wwebjs.js';
import { FakeClient, type Boot } from './fake-client.js';

export const OWNER = '491701234567@c.us';
export const FRIEND = '447700900123@c.us';
export const STRANGER = '33612345678@c.us';

/** Short timings so retries and dead-lettering take milliseconds, not minutes. */
export const FAST_STREAMS = { blockMs: 50, retry: { baseMs: 10, maxMs: 30, jitter: 0 } } as const;

export interface WwebjsKami {
  readonly t: TestAgent<KamiEnv, 'wa.inbound'>;
  /** Every Client kami created, oldest first (one more after each reconnect). */
  readonly clients: FakeClient[];
  readonly dataDir: string;
  /** What the QR sink printed. */
  readonly terminal: string[];
  readonly port: () => WhatsAppPort;
  /** The client in use now. */
  client(): FakeClient;
  stop(): Promise<void>;
}

/** kami with its real whatsapp-web.js port over fake Clients; `boots` says how each new client starts. */
export async function startWwebjsKami(redis: RedisServer, options: { boots?: Boot[]; env?: Env } = {}): Promise<WwebjsKami> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kami-test-'));
  const clients: FakeClient[] = [];
  const terminal: string[] = [];
  const boots = [...(options.boots ?? [])];
  let port: WhatsAppPort | undefined;
  const kami = createKami({
    createPort: (config, log) =>
      (port = createWwebjsPort({
        dataDir: config.dataDir,
        chromiumPath: config.chromiumPath,
        log,
        qr: terminalAndPngQr(config.dataDir, { write: (s: string) => terminal.push(s) }),
        createClient: (o) => {
          const c = new FakeClient(o, boots.shift() ?? 'restore');
          clients.push(c);
          return c;
        },
        reconnect: { baseMs: 20, maxMs: 40, jitter: 0 },
        sendTimeoutMs: config.sendTimeoutMs,
      })),
  });
  const t = await createTestAgent(kami, {
    redis,
    env: { WHATSAPP_ENABLED: '1', WHATSAPP_OWNER: '+49 170 1234567', WHATSAPP_ALLOWED: FRIEND, HIVE_DATA_DIR: dataDir, KAMI_SEND_TIMEOUT_MS: '2000', ...options.env },
    streamDefaults: FAST_STREAMS,
  });
  return {
    t,
    clients,
    dataDir,
    terminal,
    port: () => port!,
    client: () => clients.at(-1)!,
    async stop() {
      await t.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SimKami {
  readonly t: TestAgent<KamiEnv, 'wa.inbound'>;
  readonly sim: SimulatorPort;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** kami with the simulator on a free port. */
export async function startSimKami(
  redis: RedisServer,
  options: { env?: Env; failSendsTo?: (chatId: string) => Error | undefined; prefix?: string; dataDir?: string; keepDataDir?: boolean } = {},
): Promise<SimKami> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kami-sim-'));
  let sim: SimulatorPort | undefined;
  const kami = createKami({
    createPort: (config, log) =>
      (sim = createSimulatorPort({
        host: '127.0.0.1',
        port: 0,
        defaultFrom: config.ownerChatId!,
        log,
        ...(options.failSendsTo ? { failSendsTo: options.failSendsTo } : {}),
      })),
  });
  const t = await createTestAgent(kami, { redis, env: { HIVE_DATA_DIR: dataDir, ...options.env }, streamDefaults: FAST_STREAMS, ...(options.prefix ? { prefix: options.prefix } : {}) });
  return {
    t,
    sim: sim!,
    dataDir,
    async stop() {
      await t.stop();
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Poll `cond` until it holds, or fail after `timeoutMs` saying what was awaited. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What a kami test file shares: its Redis, started once for the file. */
export interface KamiTestFile {
  /** The file's Redis (started before its first test). */
  readonly redis: RedisServer;
}

/**
 * The setup every kami test file repeats: one Redis for the file, stopped after it, and `afterEach`
 * (stop what the test started: kami, a stand-in subscription) run after each test.
 */
export function kamiTestFile(afterEachTest: () => Promise<void>): KamiTestFile {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(afterEachTest);
  return {
    get redis() {
      if (!redis) throw new Error('the Redis of this file is not started yet: use it inside a test');
      return redis;
    },
  };
}
