/**
 * The network's footprint: how much memory every process it runs holds (summed; redis-server
 * excluded), after the 25-message conversation and a short idle, and how long it took from the
 * start command to 13 agents registered.
 *
 *   pnpm --filter @hive/e2e rss -- --mode npm-start            # `npm start` as a user runs it
 *   pnpm --filter @hive/e2e rss -- --mode npm-start --processes  # `npm start -- --processes`
 *   … [--idle 5000] [--json]
 *
 * Each run uses a test Redis, its own key prefix, data directory and simulator port. The figures
 * go into BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDriver, createKeys, listAgents } from '@hive/bus';
import { freePort, randomPrefix, startRedis } from '@hive/test-redis';
import { holdConversation } from './conversation.js';
import { kamiClient } from './kami-client.js';
import { memoryOfAll, processTree, type ProcessMemory } from '@hive/supervisor';
import { ROOT } from './network.js';

interface Args {
  mode: 'npm-start';
  processes: boolean;
  idleMs: number;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'npm-start', processes: false, idleMs: 5_000, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    else if (a === '--json') args.json = true;
    else if (a === '--processes') args.processes = true;
    else if (a === '--idle') args.idleMs = Number(argv[++i]);
    else if (a === '--mode') {
      const m = argv[++i];
      if (m !== 'npm-start') throw new Error(`--mode takes npm-start; got "${m}"`);
      args.mode = m;
    } else throw new Error(`unknown option "${a}"`);
  }
  return args;
}

const MiB = (kib: number) => kib / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

const args = parseArgs(process.argv.slice(2));
const redis = await startRedis();
const prefix = randomPrefix('rss');
const dataDir = mkdtempSync(join(tmpdir(), 'hive-rss-'));
const simPort = await freePort();
const logFile = join(dataDir, 'network.log');
const log = createWriteStream(logFile);
const env = {
  ...process.env,
  REDIS_URL: redis.url,
  HIVE_PREFIX: prefix,
  HIVE_DATA_DIR: dataDir,
  HIVE_TZ: 'UTC',
  KAMI_SIM_PORT: String(simPort),
  OPENAI_API_KEY: '',
  OPENAI_BASE_URL: '',
  SENTINEL_POLL_MS: '1000',
};
const driver = createDriver('ioredis', { url: redis.url });
await driver.connect();
const keys = createKeys(prefix);
const kami = kamiClient(`http://127.0.0.1:${simPort}`);

const t0 = performance.now();
// Its own process group, as a terminal would give it, so that anything left behind can be found and killed.
const top = spawn(process.execPath, [join(ROOT, 'scripts', 'hive.mjs'), 'start', ...(args.processes ? ['--processes'] : [])], {
  cwd: ROOT,
  env,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
top.stdout!.pipe(log);
top.stderr!.pipe(log);

let startupMs = 0;
let rows: ProcessMemory[] = [];
let answered = 0;
try {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const live = (await listAgents(driver, keys)).filter((a) => a.status === 'running');
    if (new Set(live.map((a) => a.name)).size >= 13 && (await kami.healthy())) break;
    if (top.exitCode !== null) throw new Error(`the network exited (code ${top.exitCode}); see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`13 agents not registered after 180 s (${live.length} are); see ${logFile}`);
    await sleep(100);
  }
  startupMs = performance.now() - t0;
  answered = await holdConversation(kami, '+15555550142');
  await sleep(args.idleMs);
  rows = memoryOfAll(processTree(top.pid!)).filter((p) => p.name !== 'redis-server');
} finally {
  const pids = processTree(top.pid!);
  top.kill('SIGTERM');
  await Promise.race([exited(top), sleep(30_000)]);
  await sleep(500);
  const left = pids.filter((pid) => processTree(pid).length > 0);
  if (left.length > 0) {
    process.stderr.write(`left behind after SIGTERM to ${top.pid}: ${left.join(', ')}; killing the group\n`);
    try {
      process.kill(-top.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await driver.close();
  await redis.stop();
  log.end();
  if (!process.env.HIVE_RSS_KEEP) rmSync(dataDir, { recursive: true, force: true });
}

const total = rows.reduce((n, r) => n + r.rssKiB, 0);
const totalPss = rows.reduce((n, r) => n + r.pssKiB, 0);
const nodeAgents = rows.filter((r) => r.name !== 'esbuild');
const result = {
  mode: args.mode,
  processes: args.processes,
  node: process.version,
  startupMs: Math.round(startupMs),
  answered,
  messages: 25,
  idleMs: args.idleMs,
  rssMiB: Number(MiB(total).toFixed(1)),
  pssMiB: Number(MiB(totalPss).toFixed(1)),
  processCount: rows.length,
  nodeProcesses: nodeAgents.length,
  rows: rows.map((r) => ({ pid: r.pid, name: r.name, command: r.command, rssMiB: Number(MiB(r.rssKiB).toFixed(1)), pssMiB: Number(MiB(r.pssKiB).toFixed(1)) })),
};
if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  console.log(`mode ${args.mode}${args.processes ? ' --processes' : ''}: ${rows.length} processes; ${answered}/25 messages answered; 13 agents registered ${(startupMs / 1000).toFixed(1)} s after the start command`);
  console.log('| process | command | RSS (MiB) | PSS (MiB) |\n|---|---|---:|---:|');
  for (const r of result.rows) console.log(`| ${r.name} | \`${r.command.replace(ROOT, '')}\` | ${r.rssMiB.toFixed(1)} | ${r.pssMiB.toFixed(1)} |`);
  console.log(`| **all ${rows.length}** | | **${result.rssMiB.toFixed(1)}** | **${result.pssMiB.toFixed(1)}** |`);
}
