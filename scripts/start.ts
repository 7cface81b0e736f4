/**
 * `npm start`: find or start Redis, run the agents under the supervisor, print how to talk to the
 * network, and stop everything on SIGINT, SIGTERM or SIGHUP (or, started by npm, when npm has gone):
 * once, gracefully, within a bound.
 *
 *   npm start                          every agent in one process (the host), from source
 *   npm start -- --processes           one process per agent
 *   npm start -- --compiled            from dist/ (after `npm run build`), as production runs
 *   HIVE_AGENTS=box,iris npm start     only those agents
 *   HIVE_CONSOLE=0 npm start           without the web console (else at http://127.0.0.1:7780, HIVE_CONSOLE_PORT)
 *
 * It records where its Redis is in <data dir>/redis.json for `hive` (dev-network.ts). From source in
 * one process, an agent app created while it runs (`hive new agent`) is started at once (watch-apps.ts).
 *
 * scripts/hive.mjs loads this file into its own process (tsx registered there), so the top of the
 * tree is one process: it gets the terminal's SIGINT, and the children, each in its own process
 * group, get one SIGTERM from the supervisor. The imports are relative: that process has no
 * "@hive/source" condition, and the supervisor's process side needs only node's own modules.
 */
import { join } from 'node:path';
import {
  agentNames,
  agentProcess,
  clearDevRedis,
  recordDevRedis,
  consoleProcess,
  discoverAgents,
  ensureRedis,
  hostProcess,
  RedisUnavailableError,
  REPO_ROOT,
  Supervisor,
  type CodeFrom,
  type ProcessSpec,
} from '../packages/supervisor/src/index.js';

const USAGE = 'usage: npm start [-- --processes] [--compiled]';

/** How often a network started by npm looks whether npm's shell is still its parent. */
const PARENT_CHECK_MS = 1_000;

/**
 * Stop when npm has gone. npm runs a script as `sh -c "node scripts/hive.mjs start"`, and a SIGTERM
 * to npm reaches that shell, which dies of it without passing it on: this process, reparented,
 * would run on with the whole network under it (and a SIGKILL of npm passes nothing on at all).
 * So, started by npm (npm_lifecycle_event), it stops as for SIGTERM once its parent is no longer
 * the one it started under. Started by hand (`node scripts/hive.mjs start`, under nohup say), it
 * keeps running when its shell exits, as such a process would.
 */
function watchParent(shutdown: (why: string) => void): void {
  const parent = process.ppid;
  if (!process.env.npm_lifecycle_event || parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    shutdown(`npm (its parent, pid ${parent}) has gone`);
  }, PARENT_CHECK_MS);
  timer.unref();
}

/** The supervisor waits this long after SIGTERM: above a host's own shutdown bound (18 s by default). */
const GRACE_MS = 25_000;

/** Run the network until a signal; resolves never (the process exits when it is stopped). */
export async function start(argv: readonly string[]): Promise<void> {
  let processes = false;
  let from: CodeFrom = 'source';
  for (const a of argv) {
    if (a === '--processes') processes = true;
    else if (a === '--compiled') from = 'dist';
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a !== '--') {
      process.stderr.write(`npm start: unknown option "${a}"\n${USAGE}\n`);
      process.exit(2);
    }
  }
  const root = REPO_ROOT;
  const say = (line: string) => process.stdout.write(`hive │ ${line}\n`);
  const dataDir = process.env.HIVE_DATA_DIR || join(root, '.data');

  let redis;
  try {
    redis = await ensureRedis({
      url: process.env.REDIS_URL,
      dataDir,
      port: process.env.HIVE_REDIS_PORT ? Number(process.env.HIVE_REDIS_PORT) : undefined,
      log: say,
    });
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  // `hive` (and `hive new agent`, `hive dev`) find this network's Redis here without REDIS_URL.
  const recorded = recordDevRedis(dataDir, redis.url, process.pid, !processes && from === 'source');

  const withConsole = process.env.HIVE_CONSOLE !== '0';
  const consoleUrl = `http://${process.env.HIVE_CONSOLE_HOST || '127.0.0.1'}:${process.env.HIVE_CONSOLE_PORT || 7780}`;
  const env = { REDIS_URL: redis.url, HIVE_DATA_DIR: dataDir, HIVE_LOG_LEVEL: process.env.HIVE_LOG_LEVEL ?? 'info' };
  const only = process.env.HIVE_AGENTS?.split(',').map((s) => s.trim()).filter(Boolean);
  let names: string[] = [];
  let specs: ProcessSpec[] = [];
  try {
    const apps = agentNames(root).length === 0 ? [] : discoverAgents(root, { from, ...(only?.length ? { only } : {}) });
    names = apps.map((a) => a.name);
    // The console: in the host's process (HIVE_CONSOLE=1), or a process of its own beside one per agent.
    if (apps.length > 0) {
      specs = processes
        ? [...apps.map((a) => agentProcess(a, env)), ...(withConsole ? [consoleProcess(env, { root, from })] : [])]
        : [hostProcess({ ...env, HIVE_CONSOLE: withConsole ? '1' : '0', HIVE_WATCH_APPS: from === 'source' ? '1' : '0' }, { root, from, agents: names })];
    }
  } catch (err) {
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    clearDevRedis(dataDir);
    await redis.stop();
    process.exit(1);
  }
  const supervisor = new Supervisor(specs, { labels: processes && withConsole ? [...names, 'console'] : names, graceMs: GRACE_MS });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      say(`${signal}: already stopping (at most ${GRACE_MS / 1000} s)`);
      return;
    }
    stopping = true;
    say(`${signal}: stopping…`);
    void (async () => {
      await supervisor.stop();
      clearDevRedis(dataDir);
      await redis.stop();
      say('stopped.');
      process.exit(0);
    })();
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => shutdown(s));
  watchParent(shutdown);

  supervisor.start();
  say(`Redis: ${redis.url}${redis.owned ? ` (started by Hive; AOF in ${join(dataDir, 'redis')})` : ''}; npx hive finds it through ${recorded}`);
  if (names.length === 0) {
    say('No agents yet: this checkout has the bus only. Try the bus from another terminal:');
    say('  npx hive streams');
  } else {
    const how = processes ? 'one process per agent' : 'in one process (npm start -- --processes: one process per agent)';
    say(`running ${names.length} agents ${how}, ${from === 'source' ? 'from source' : 'compiled (dist/)'}: ${names.join(', ')}`);
    if (withConsole) say(`console: ${consoleUrl}   (HIVE_CONSOLE=0 npm start: without it)`);
    say('talk to it from another terminal:');
    say('  npx hive say "I had 2 eggs and toast"');
    say('  npx hive say "remind me in 2 minutes to stretch"');
    say('  npx hive say help');
    say('  npx hive streams     # the bus underneath');
    say('  npx hive new agent NAME     # a new agent, running here within seconds');
  }
  say('Ctrl-C stops everything.');
}
