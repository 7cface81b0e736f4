/**
 * The network under test, as `npm start -- --processes` runs it: scripts/start.ts (the supervisor)
 * in a child process of its own, one process per agent below it, on a redis-server of the run's
 * own (packages/test-redis, AOF on, fsync `always`). The run can SIGKILL any of these processes,
 * SIGSTOP them, and start the supervisor again. Beside the supervisor's agents runs a second
 * ledger instance of the run's own (another consumer in ledger's groups), so that a ledger stopped
 * past its lease is reclaimed from by a live one, as in a deployment with two instances.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDriver, createKeys, type Keys, type RedisDriver } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { startRedis, type RedisServer } from '@hive/test-redis';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHAOS_DIR = fileURLToPath(new URL('../', import.meta.url));

/** The agent apps (apps/<name> whose package.json says `"hive": {"agent": true}`), as the supervisor finds them. */
export const AGENTS: readonly string[] = readdirSync(join(ROOT, 'apps'))
  .sort()
  .filter((name) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'apps', name, 'package.json'), 'utf8')) as { hive?: { agent?: boolean } }).hive?.agent === true;
    } catch {
      return false;
    }
  });

export interface ChaosNetworkOptions {
  readonly dataDir: string;
  /** Where the SQLite agents (scribe, archivist) keep their databases: a small file system for the disk-full fault. */
  readonly sqliteDir: string;
  readonly simPort: number;
  readonly logFile: string;
  /** @defaultValue 'always' */
  readonly appendfsync?: 'always' | 'everysec';
}

export interface ChaosNetwork {
  readonly redis: RedisServer;
  /** The run's own connection (reconnects after Redis restarts). */
  readonly driver: RedisDriver;
  readonly keys: Keys;
  readonly env: Record<string, string>;
  /** PIDs of the supervisor's agent processes, by agent (read from /proc: children of the supervisor). */
  agentPids(): Map<string, number>;
  /** The supervisor's PID. */
  supervisorPid(): number | undefined;
  /** The second ledger instance's PID (the run's own). */
  secondLedgerPid(): number | undefined;
  /** SIGKILL the supervisor (its agents notice and stop), wait for them to go, and start it again. */
  restartSupervisor(): Promise<void>;
  /** Resolves once every agent is registered as running and kami's simulator answers. */
  waitUntilUp(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Children of `ppid`, by the agent whose entry their command line runs (apps/<agent>/src|dist/…). */
function agentChildren(ppid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== ppid || fields[0] === 'Z') continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const m = /apps\/([a-z0-9-]+)\/(?:src|dist)\//.exec(cmd);
      if (m) out.set(m[1]!, Number(d));
    } catch {
      // gone between the listing and the read
    }
  }
  return out;
}

/** Start Redis and the network; resolves when every agent is up. */
export async function startChaosNetwork(o: ChaosNetworkOptions): Promise<ChaosNetwork> {
  const redis = await startRedis({ aof: true, appendfsync: o.appendfsync ?? 'always' });
  const prefix = 'hive:';
  const log: WriteStream = createWriteStream(o.logFile, { flags: 'a' });
  const env: Record<string, string> = {
    REDIS_URL: redis.url,
    HIVE_PREFIX: prefix,
    HIVE_DATA_DIR: o.dataDir,
    HIVE_CONSOLE: '0',
    // Every agent, whatever the caller's environment says.
    HIVE_AGENTS: AGENTS.join(','),
    HIVE_LOG_LEVEL: 'warn',
    HIVE_HTTP_PORT: '0',
    // A fixed zone where it is around midday now: a run never crosses midnight between a meal and its check.
    HIVE_TZ: middayZone(),
    KAMI_SIM_PORT: String(o.simPort),
    // The run writes to each chat hundreds of times a minute; the per-chat send limit would make retries no user causes.
    KAMI_RATE_PER_MINUTE: '10000',
    KAMI_RATE_BURST: '1000',
    // Nor may kami's per-sender inbound limit answer "slow down" to the resends after a fault (a
    // second reply to one message that no user's pace would cause), as the soak raises it too.
    KAMI_INBOUND_PER_MINUTE: '100000',
    KAMI_INBOUND_BURST: '100000',
    HERMES_BRIEFING_AT: '',
    SCRIBE_DB_PATH: join(o.sqliteDir, 'scribe', 'notes.db'),
    ARCHIVIST_DB_PATH: join(o.sqliteDir, 'archivist', 'history.db'),
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
  };
  const driver = createDriver('ioredis', { url: redis.url });
  await driver.connect();
  const keys = createKeys(prefix);

  let supervisor: ChildProcess | undefined;
  const launchSupervisor = () => {
    const startUrl = pathToFileURL(join(ROOT, 'scripts', 'start.ts')).href;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(startUrl)}); await m.start(['--processes']);`], {
      cwd: CHAOS_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    supervisor = child;
  };

  // The second ledger: the same entry, its own consumer name, outside the supervisor (the run restarts it if it dies).
  let ledger2: ChildProcess | undefined;
  let stopping = false;
  const launchLedger2 = () => {
    const child = spawn(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', join(ROOT, 'apps', 'ledger', 'src', 'index.ts')], {
      cwd: join(ROOT, 'apps', 'ledger'),
      env: { ...process.env, ...env, HIVE_INSTANCE: 'chaos2', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.on('exit', () => {
      if (!stopping) setTimeout(launchLedger2, 500);
    });
    ledger2 = child;
  };

  const net: ChaosNetwork = {
    redis,
    driver,
    keys,
    env,
    agentPids: () => (supervisor?.pid !== undefined ? agentChildren(supervisor.pid) : new Map()),
    supervisorPid: () => supervisor?.pid,
    secondLedgerPid: () => ledger2?.pid,
    async restartSupervisor() {
      const old = supervisor;
      const pids = [...net.agentPids().values()];
      if (old?.pid !== undefined) process.kill(old.pid, 'SIGKILL');
      // Its agents see the channel close and stop gracefully (handlers finish, acks, close); wait for them.
      const deadline = Date.now() + 40_000;
      while (pids.some(alive) && Date.now() < deadline) await sleep(200);
      for (const p of pids.filter(alive)) process.kill(p, 'SIGKILL');
      launchSupervisor();
    },
    async waitUntilUp(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pids = net.agentPids();
        let live = new Set<string>();
        try {
          // Registered by the process running now (a killed one's record outlives it for a while).
          live = new Set((await listAgents(driver, keys)).filter((a) => a.status === 'running' && a.pid === pids.get(a.name)).map((a) => a.name));
        } catch {
          // Redis is restarting
        }
        const kamiUp = await fetch(`http://127.0.0.1:${o.simPort}/health`).then((r) => r.ok, () => false);
        if (AGENTS.every((a) => pids.has(a) && live.has(a)) && kamiUp) return;
        if (Date.now() > deadline) throw new Error(`the network is not up after ${timeoutMs} ms: missing ${AGENTS.filter((a) => !pids.has(a) || !live.has(a)).join(', ') || 'kami'}; see ${o.logFile}`);
        await sleep(500);
      }
    },
    async stop() {
      stopping = true;
      const pids = [...net.agentPids().values()];
      if (supervisor?.pid !== undefined && alive(supervisor.pid)) {
        // npm start's own way out: SIGTERM, every agent stopped gracefully.
        const exited = new Promise<void>((r) => supervisor!.once('exit', () => r()));
        supervisor.kill('SIGTERM');
        await Promise.race([exited, sleep(40_000)]);
      }
      if (ledger2?.pid !== undefined && alive(ledger2.pid)) {
        const exited = new Promise<void>((r) => ledger2!.once('exit', () => r()));
        ledger2.kill('SIGTERM');
        await Promise.race([exited, sleep(30_000)]);
      }
      for (const p of [...pids, supervisor?.pid, ledger2?.pid]) if (p !== undefined && alive(p)) process.kill(p, 'SIGKILL');
      await driver.close().catch(() => undefined);
      await redis.stop();
      await new Promise<void>((r) => log.end(r));
    },
  };
  launchSupervisor();
  launchLedger2();
  return net;
}

/**
 * A fixed-offset zone where it is now around midday, so that a run of minutes never crosses
 * midnight (or the end of a month) between an expense and its check. Etc/GMT-N is UTC+N.
 */
export function middayZone(now: Date = new Date()): string {
  const offset = Math.max(-12, Math.min(14, 12 - now.getUTCHours()));
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}
