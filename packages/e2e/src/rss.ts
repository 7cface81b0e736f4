/**
 * The network's footprint: the memory of every process it runs, summed (redis-server excluded),
 * after the 25-message conversation and a short idle; and, for `npm start`, the time from the
 * command to 13 agents registered. One scenario after another, each on a test Redis with its own
 * key prefix, data directory and simulator port:
 *
 *   compiled-host        every agent in one process, from dist/ (production: hive-network.service, AGENT=all)
 *   compiled-processes   one process per agent, from dist/ (production: hive-agent@, one container each)
 *   npm-start            `npm start` as a user runs it (node scripts/hive.mjs start): the host, from source
 *   npm-start-processes  `npm start -- --processes`
 *   source-host, source-processes   the supervisor's processes only, from source
 *
 *   pnpm --filter @hive/e2e rss -- [scenario …] [--idle 5000] [--json]
 *   (default: compiled-host compiled-processes npm-start; the compiled ones need `npm run build`)
 *
 * RSS counts pages shared between processes (the node binary) once per process, as `ps` and the
 * targets do; PSS shares them out, so its sum is what the processes take together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDriver, createKeys } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { memoryOfAll, processTree, type ProcessMemory } from '@hive/supervisor';
import { freePort, randomPrefix, startRedis } from '@hive/test-redis';
import { holdConversation } from './conversation.js';
import { kamiClient } from './kami-client.js';
import { ROOT, startNetwork, type NetworkMode } from './network.js';

type Scenario = { kind: 'npm-start'; args: string[] } | { kind: 'harness'; mode: NetworkMode; from: 'source' | 'dist' };

const SCENARIOS: Record<string, Scenario> = {
  'compiled-host': { kind: 'harness', mode: 'host', from: 'dist' },
  'compiled-processes': { kind: 'harness', mode: 'processes', from: 'dist' },
  'npm-start': { kind: 'npm-start', args: [] },
  'npm-start-processes': { kind: 'npm-start', args: ['--processes'] },
  'source-host': { kind: 'harness', mode: 'host', from: 'source' },
  'source-processes': { kind: 'harness', mode: 'processes', from: 'source' },
};
const DEFAULT = ['compiled-host', 'compiled-processes', 'npm-start'];
const USER = '+15555550142';

interface Result {
  scenario: string;
  /** From the start command (or the supervisor's start) to 13 agents registered and kami's simulator up. */
  startupMs: number;
  answered: number;
  rssMiB: number;
  pssMiB: number;
  /** CPU time the processes used from their start to the measurement (start-up, the conversation, the idle), in s. */
  cpuSeconds: number;
  /** Of which the conversation and the idle after it, in s. */
  conversationCpuSeconds: number;
  /** Node processes (agents, hosts, the supervisor) and others (tsx's esbuild). */
  processes: { pid: number; name: string; command: string; rssMiB: number; pssMiB: number }[];
}

const MiB = (kib: number) => Number((kib / 1024).toFixed(1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cpuOf = (rows: readonly ProcessMemory[]) => rows.filter((r) => r.name !== 'redis-server').reduce((n, r) => n + r.cpuMs, 0);

function summary(scenario: string, startupMs: number, answered: number, rows: ProcessMemory[], cpuAtStartMs: number): Result {
  const kept = rows.filter((r) => r.name !== 'redis-server');
  return {
    scenario,
    startupMs: Math.round(startupMs),
    answered,
    rssMiB: MiB(kept.reduce((n, r) => n + r.rssKiB, 0)),
    pssMiB: MiB(kept.reduce((n, r) => n + r.pssKiB, 0)),
    cpuSeconds: Number((cpuOf(kept) / 1000).toFixed(1)),
    conversationCpuSeconds: Number(((cpuOf(kept) - cpuAtStartMs) / 1000).toFixed(1)),
    processes: kept.map((r) => ({ pid: r.pid, name: r.name, command: r.command.replace(ROOT, ''), rssMiB: MiB(r.rssKiB), pssMiB: MiB(r.pssKiB) })),
  };
}

/** The supervisor's children as the e2e harness runs them (the harness's own process is the test's, not the network's). */
async function harness(name: string, mode: NetworkMode, from: 'source' | 'dist', idleMs: number): Promise<Result> {
  const t0 = performance.now();
  const net = await startNetwork({ mode, from, env: { SENTINEL_POLL_MS: '1000' } });
  const startupMs = performance.now() - t0;
  try {
    const cpu0 = cpuOf(memoryOfAll(net.pids().flatMap((p) => processTree(p))));
    const answered = await holdConversation(net, USER);
    await sleep(idleMs);
    return summary(name, startupMs, answered, memoryOfAll(net.pids().flatMap((p) => processTree(p))), cpu0);
  } finally {
    await net.stop();
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** `node scripts/hive.mjs start …`, the whole tree under it; stopped with SIGTERM to the top afterwards. */
async function npmStart(name: string, args: string[], idleMs: number): Promise<Result> {
  const redis = await startRedis();
  const prefix = randomPrefix('rss');
  const dataDir = mkdtempSync(join(tmpdir(), 'hive-rss-'));
  const simPort = await freePort();
  const logFile = join(dataDir, 'network.log');
  const log = createWriteStream(logFile);
  const driver = createDriver('ioredis', { url: redis.url });
  await driver.connect();
  const keys = createKeys(prefix);
  const kami = kamiClient(`http://127.0.0.1:${simPort}`);
  const env = { ...process.env, REDIS_URL: redis.url, HIVE_PREFIX: prefix, HIVE_DATA_DIR: dataDir, HIVE_TZ: 'UTC', KAMI_SIM_PORT: String(simPort), OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SENTINEL_POLL_MS: '1000' };
  const t0 = performance.now();
  // Its own process group, as a terminal gives it: anything left behind can be found and killed.
  const top = spawn(process.execPath, [join(ROOT, 'scripts', 'hive.mjs'), 'start', ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  top.stdout!.pipe(log);
  top.stderr!.pipe(log);
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const live = new Set((await listAgents(driver, keys)).filter((a) => a.status === 'running').map((a) => a.name));
      if (live.size >= 13 && (await kami.healthy())) break;
      if (top.exitCode !== null) throw new Error(`the network exited (code ${top.exitCode}); see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`13 agents not registered after 180 s (${live.size} are); see ${logFile}`);
      await sleep(100);
    }
    const startupMs = performance.now() - t0;
    const cpu0 = cpuOf(memoryOfAll(processTree(top.pid!)));
    const answered = await holdConversation(kami, USER);
    await sleep(idleMs);
    return summary(name, startupMs, answered, memoryOfAll(processTree(top.pid!)), cpu0);
  } finally {
    const pids = processTree(top.pid!);
    top.kill('SIGTERM');
    await Promise.race([exited(top), sleep(40_000)]);
    // A child whose parent has just exited (tsx's esbuild, on its closed stdin) takes a moment to go.
    for (let i = 0; i < 50 && pids.some((pid) => processTree(pid).length > 0); i++) await sleep(100);
    const left = pids.filter((pid) => processTree(pid).length > 0);
    if (left.length > 0) {
      process.stderr.write(`${name}: left behind after SIGTERM to ${top.pid}: ${left.join(', ')}; killing them\n`);
      for (const pid of left) process.kill(pid, 'SIGKILL');
    }
    await driver.close();
    await redis.stop();
    log.end();
    if (!process.env.HIVE_RSS_KEEP) rmSync(dataDir, { recursive: true, force: true });
  }
}

function parseArgs(argv: readonly string[]): { scenarios: string[]; idleMs: number; json: boolean } {
  const out = { scenarios: [] as string[], idleMs: 5_000, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--json') out.json = true;
    else if (a === '--idle') out.idleMs = Number(argv[++i]);
    else if (a in SCENARIOS) out.scenarios.push(a);
    else throw new Error(`unknown scenario or option "${a}"; scenarios: ${Object.keys(SCENARIOS).join(', ')}; options: --idle MS, --json`);
  }
  if (out.scenarios.length === 0) out.scenarios = DEFAULT;
  return out;
}

const args = parseArgs(process.argv.slice(2));
const results: Result[] = [];
for (const name of args.scenarios) {
  const s = SCENARIOS[name]!;
  process.stderr.write(`[rss] ${name} …\n`);
  results.push(s.kind === 'npm-start' ? await npmStart(name, s.args, args.idleMs) : await harness(name, s.mode, s.from, args.idleMs));
}
if (args.json) {
  process.stdout.write(`${JSON.stringify({ node: process.version, idleMs: args.idleMs, messages: 25, results }, null, 2)}\n`);
} else {
  console.log(`Node ${process.version}; after the 25-message conversation and ${args.idleMs / 1000} s idle; redis-server excluded.\n`);
  console.log('| scenario | processes | RSS (MiB) | per node process | PSS (MiB) | CPU (s): all, conversation | answered | 13 registered after |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const nodes = r.processes.filter((p) => p.name === 'node').length;
    console.log(`| ${r.scenario} | ${r.processes.length} | **${r.rssMiB.toFixed(1)}** | ${(r.rssMiB / Math.max(1, nodes)).toFixed(1)} | ${r.pssMiB.toFixed(1)} | ${r.cpuSeconds.toFixed(1)}, ${r.conversationCpuSeconds.toFixed(1)} | ${r.answered}/25 | ${(r.startupMs / 1000).toFixed(1)} s |`);
  }
  for (const r of results) {
    console.log(`\n${r.scenario}:\n\n| process | command | RSS (MiB) | PSS (MiB) |\n|---|---|---:|---:|`);
    for (const p of r.processes) console.log(`| ${p.name} | \`${p.command}\` | ${p.rssMiB.toFixed(1)} | ${p.pssMiB.toFixed(1)} |`);
  }
}
