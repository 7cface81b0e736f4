/**
 * The whole network for end-to-end tests: a test redis-server, the agents under the supervisor
 * exactly as `npm start` runs them, and a client for kami's simulator. Two modes, as `npm start`
 * has: every agent in one process (the host; the default) or one process per agent; and two kinds
 * of code: from source (through tsx) or compiled (`dist/`, after `npm run build`).
 *
 *   HIVE_E2E_MODES=host,processes   which modes the e2e suite runs (default: both)
 *   HIVE_E2E_FROM=source|dist       which code they run (default: source)
 */
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver, createKeys, type Keys, type RedisDriver } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { agentProcess, discoverAgents, hostProcess, Supervisor, type CodeFrom } from '@hive/supervisor';
import { freePort, randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { kamiClient, type KamiClient } from './kami-client.js';

export { kamiClient, type KamiClient, type SentMessage } from './kami-client.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One process for every agent (`npm start`'s default), or one process per agent (`--processes`). */
export type NetworkMode = 'host' | 'processes';
export const NETWORK_MODES: readonly NetworkMode[] = ['host', 'processes'];

/** The modes HIVE_E2E_MODES asks for (both by default). */
export function modesFromEnv(env: NodeJS.ProcessEnv = process.env): NetworkMode[] {
  const asked = (env.HIVE_E2E_MODES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = asked.filter((m) => !NETWORK_MODES.includes(m as NetworkMode));
  if (bad.length > 0) throw new Error(`HIVE_E2E_MODES: unknown mode ${bad.join(', ')} (modes: ${NETWORK_MODES.join(', ')})`);
  return asked.length > 0 ? (asked as NetworkMode[]) : [...NETWORK_MODES];
}

/** The code HIVE_E2E_FROM asks for (source by default). */
export function fromEnv(env: NodeJS.ProcessEnv = process.env): CodeFrom {
  const v = env.HIVE_E2E_FROM ?? 'source';
  if (v !== 'source' && v !== 'dist') throw new Error(`HIVE_E2E_FROM must be "source" or "dist", got "${v}"`);
  return v;
}

/** The supervisor's name for the host process. */
const HOST = 'agents';

export interface Network extends KamiClient {
  readonly mode: NetworkMode;
  readonly from: CodeFrom;
  readonly redis: RedisServer;
  readonly driver: RedisDriver;
  readonly keys: Keys;
  readonly supervisor: Supervisor;
  readonly kamiUrl: string;
  readonly agents: string[];
  readonly logFile: string;
  /** HIVE_DATA_DIR of the agents (kami's media, scribe's and archivist's SQLite files). */
  readonly dataDir: string;
  /** The PID of the process an agent runs in (the host's, in host mode). */
  pidOf(agent: string): number | undefined;
  /** Every PID of the network's processes (the supervisor's children). */
  pids(): number[];
  /** SIGKILL the process an agent runs in (in host mode: the host, with every agent). */
  kill(agent: string): void;
  /** How often the process an agent runs in has been restarted. */
  restarts(agent: string): number;
  stop(): Promise<void>;
}

export interface StartNetworkOptions {
  /** Only these agents (default: every agent app). */
  only?: string[];
  env?: Record<string, string>;
  /** @defaultValue "host" */
  mode?: NetworkMode;
  /** @defaultValue fromEnv() */
  from?: CodeFrom;
  /**
   * The test Redis's AOF fsync. The tests' default is every write on disk before its reply; the
   * network benchmark passes `npm start`'s (LOCAL_REDIS_APPENDFSYNC of @hive/supervisor), to measure
   * what users run. @defaultValue "always"
   */
  appendfsync?: 'always' | 'everysec' | 'no';
}

/**
 * A fixed-offset zone where it is now around midday, so that a conversation that takes minutes never
 * crosses midnight (or a Monday) between logging a meal and asking for the day's briefing: a run that
 * started at 23:57 UTC once saw "nothing logged yet" for a meal logged three minutes earlier.
 * Etc/GMT-N is UTC+N (POSIX signs).
 */
export function middayZone(now: Date = new Date()): string {
  const offset = Math.max(-12, Math.min(14, 12 - now.getUTCHours()));
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/** Start Redis and the agents; resolves once every agent is in the registry and kami's simulator answers. */
export async function startNetwork(opts: StartNetworkOptions = {}): Promise<Network> {
  const mode = opts.mode ?? 'host';
  const from = opts.from ?? fromEnv();
  const redis = await startRedis({ aof: true, appendfsync: opts.appendfsync ?? 'always' });
  const prefix = randomPrefix('e2e');
  const dataDir = mkdtempSync(join(tmpdir(), 'hive-e2e-'));
  const simPort = await freePort();
  const apps = discoverAgents(ROOT, { from, ...(opts.only ? { only: opts.only } : {}) });
  const names = apps.map((a) => a.name);
  const env = {
    REDIS_URL: redis.url,
    HIVE_PREFIX: prefix,
    HIVE_DATA_DIR: dataDir,
    HIVE_TZ: middayZone(),
    HIVE_LOG_LEVEL: 'info',
    HIVE_HTTP_PORT: '0',
    KAMI_SIM_PORT: String(simPort),
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
    ...opts.env,
  };
  const logFile = join(dataDir, 'network.log');
  const out: WriteStream = createWriteStream(logFile);
  const specs = mode === 'host' ? [hostProcess(env, { root: ROOT, from, agents: names, name: HOST })] : apps.map((a) => agentProcess(a, env));
  const supervisor = new Supervisor(specs, { out, colour: false, restartBaseMs: 200, restartMaxMs: 2_000, graceMs: 25_000, labels: names });
  supervisor.start();
  const driver = createDriver('ioredis', { url: redis.url });
  await driver.connect();
  const keys = createKeys(prefix);
  const kamiUrl = `http://127.0.0.1:${simPort}`;
  const kami = kamiClient(kamiUrl);

  const deadline = Date.now() + 90_000;
  for (;;) {
    const live = new Set((await listAgents(driver, keys)).filter((a) => a.status === 'running').map((a) => a.name));
    const kamiUp = !names.includes('kami') || (await kami.healthy());
    if (names.every((n) => live.has(n)) && kamiUp) break;
    if (Date.now() > deadline) {
      await supervisor.stop();
      throw new Error(`agents not all up after 90 s: missing ${names.filter((n) => !live.has(n)).join(', ')}; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const processOf = (agent: string) => (mode === 'host' ? HOST : agent);
  const state = (agent: string) => supervisor.states().find((s) => s.name === processOf(agent));

  return {
    ...kami,
    mode,
    from,
    redis,
    driver,
    keys,
    supervisor,
    kamiUrl,
    agents: names,
    logFile,
    dataDir,
    pidOf: (agent) => state(agent)?.pid,
    pids: () => supervisor.states().flatMap((s) => (s.pid !== undefined && s.running ? [s.pid] : [])),
    kill: (agent) => supervisor.kill(processOf(agent), 'SIGKILL'),
    restarts: (agent) => state(agent)?.restarts ?? 0,
    async stop() {
      await supervisor.stop();
      await driver.close();
      await redis.stop();
      out.end();
      if (!process.env.HIVE_E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
