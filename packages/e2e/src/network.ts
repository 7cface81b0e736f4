/**
 * The whole network for end-to-end tests: a test redis-server, every agent in `apps/` as its own
 * process under the supervisor (exactly what `npm start` runs), and a client for kami's simulator.
 */
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver, createKeys, type Keys, type RedisDriver } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { agentProcess, discoverAgents, Supervisor } from '@hive/supervisor';
import { freePort, randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface SentMessage {
  seq: number;
  messageId: string;
  chatId: string;
  text: string;
  replyTo?: string;
  at: string;
}

export interface Network {
  readonly redis: RedisServer;
  readonly driver: RedisDriver;
  readonly keys: Keys;
  readonly supervisor: Supervisor;
  readonly kamiUrl: string;
  readonly agents: string[];
  readonly logFile: string;
  /** HIVE_DATA_DIR of the agents (kami's media, scribe's and archivist's SQLite files). */
  readonly dataDir: string;
  /** Send a simulated WhatsApp message; resolves with the chat id and a cursor for its replies. */
  send(text: string, from?: string): Promise<{ chatId: string; cursor: number; messageId: string; status: string }>;
  /** Wait for kami to have sent `count` messages to the chat after the cursor (long polls). */
  replies(chatId: string, after: number, count: number, timeoutMs: number): Promise<SentMessage[]>;
  /** Everything kami sent to the chat after the cursor, waiting `quietMs` for stragglers. */
  drain(chatId: string, after: number, quietMs: number): Promise<SentMessage[]>;
  stop(): Promise<void>;
}

export interface StartNetworkOptions {
  /** Only these agents (default: every agent app). */
  only?: string[];
  env?: Record<string, string>;
}

/** Start Redis and every agent; resolves once every agent is in the registry. */
export async function startNetwork(opts: StartNetworkOptions = {}): Promise<Network> {
  const redis = await startRedis({ aof: true, appendfsync: 'always' });
  const prefix = randomPrefix('e2e');
  const dataDir = mkdtempSync(join(tmpdir(), 'hive-e2e-'));
  const simPort = await freePort();
  const apps = discoverAgents(ROOT).filter((a) => !opts.only || opts.only.includes(a.name));
  const env = {
    REDIS_URL: redis.url,
    HIVE_PREFIX: prefix,
    HIVE_DATA_DIR: dataDir,
    HIVE_TZ: 'UTC',
    HIVE_LOG_LEVEL: 'info',
    HIVE_HTTP_PORT: '0',
    KAMI_SIM_PORT: String(simPort),
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
    ...opts.env,
  };
  const logFile = join(dataDir, 'network.log');
  const out: WriteStream = createWriteStream(logFile);
  const supervisor = new Supervisor(
    apps.map((a) => agentProcess(a, env)),
    { out, colour: false, restartBaseMs: 200, restartMaxMs: 2_000, graceMs: 10_000 },
  );
  supervisor.start();
  const driver = createDriver('ioredis', { url: redis.url });
  await driver.connect();
  const keys = createKeys(prefix);
  const names = apps.map((a) => a.name);
  const kamiUrl = `http://127.0.0.1:${simPort}`;

  const deadline = Date.now() + 90_000;
  for (;;) {
    const live = new Set((await listAgents(driver, keys)).filter((a) => a.status === 'running').map((a) => a.name));
    const kamiUp = !names.includes('kami') || (await fetch(`${kamiUrl}/health`).then((r) => r.ok, () => false));
    if (names.every((n) => live.has(n)) && kamiUp) break;
    if (Date.now() > deadline) {
      await supervisor.stop();
      throw new Error(`agents not all up after 90 s: missing ${names.filter((n) => !live.has(n)).join(', ')}; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${kamiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const fetchSent = async (chatId: string, after: number, waitMs: number) => {
    const res = await fetch(`${kamiUrl}/chats/${encodeURIComponent(chatId)}/messages?after=${after}&wait=${waitMs}`);
    if (!res.ok) throw new Error(`GET messages: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { messages: SentMessage[] }).messages;
  };

  return {
    redis,
    driver,
    keys,
    supervisor,
    kamiUrl,
    agents: names,
    logFile,
    dataDir,
    async send(text, from) {
      const r = await post('/messages', from ? { text, from } : { text });
      const outcome = r.outcome as { status: string; messageId?: string };
      return { chatId: String(r.chatId), cursor: Number(r.cursor), messageId: String(outcome.messageId ?? ''), status: outcome.status };
    },
    async replies(chatId, after, count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let got: SentMessage[] = [];
      while (got.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        got = await fetchSent(chatId, after, Math.min(left, 5_000));
      }
      return got;
    },
    async drain(chatId, after, quietMs) {
      let got = await fetchSent(chatId, after, 0);
      for (;;) {
        const more = await fetchSent(chatId, got.at(-1)?.seq ?? after, quietMs);
        if (more.length === 0) return got;
        got = [...got, ...more];
      }
    },
    async stop() {
      await supervisor.stop();
      await driver.close();
      await redis.stop();
      out.end();
      if (!process.env.HIVE_E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
