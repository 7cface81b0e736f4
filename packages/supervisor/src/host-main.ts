/**
 * The one-process host: every agent app (or those HIVE_AGENTS names, comma-separated) in this
 * process, each as its own agent (host.ts). Run compiled in production, from source by `npm start`:
 *
 *   node --max-semi-space-size=4 --heap-growing-percent=50 --expose-gc packages/supervisor/dist/host-main.js
 *   node --conditions=@hive/source --import tsx packages/supervisor/src/host-main.ts
 *
 * Besides what the agents read: HIVE_AGENTS, HIVE_ENV_DIR and HIVE_REDIS_URL_<AGENT> (agent-env.ts),
 * and HIVE_HTTP_HOST / HIVE_HTTP_PORT for the process's one HTTP server (every agent under
 * /agents/<name>/, the process's /healthz, /readyz and /metrics at the root).
 * With HIVE_CONSOLE=1 (as `npm start` sets it) the process also serves the web console (apps/console,
 * settings HIVE_CONSOLE_*; Redis from HIVE_CONSOLE_REDIS_URL, else REDIS_URL): a web server beside the
 * agents, not an agent, loaded only then. One that cannot start is logged and the agents go on.
 * SIGTERM or SIGINT stops every agent gracefully, once; an uncaught error exits 70 to be restarted.
 * With HIVE_WATCH_APPS=1 (as `npm start` sets it) an agent app that appears under apps/ while it runs
 * (`hive new agent`) is loaded and started too, without a restart (watch-apps.ts).
 */
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, errorMessage } from '@hive/bus';
import { createRedactingLogger, LOG_LEVELS, runUntilStopped, startHttpHost, type AnyAgentDefinition, type SharedServices } from '@hive/agent';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { agentEnv } from './agent-env.js';
import { agentNames, discoverAgents, loadDefinition, REPO_ROOT, RUNNING_FROM } from './discovery.js';
import { startHost, type HostedAgent } from './host.js';
import { watchNewApps } from './watch-apps.js';

const env = process.env;
const level = (LOG_LEVELS as readonly string[]).includes(env.HIVE_LOG_LEVEL ?? '') ? env.HIVE_LOG_LEVEL! : 'info';
// One pino for the process; each agent logs through a child bound to its name, at its own level.
const log = createRedactingLogger({}, level) as SharedServices['log'];

const only = env.HIVE_AGENTS?.split(',').map((s) => s.trim()).filter(Boolean);
let apps;
try {
  apps = discoverAgents(REPO_ROOT, only && only.length > 0 ? { only } : {});
} catch (err) {
  process.stderr.write(`hive host: ${errorMessage(err)}\n`);
  process.exit(1);
}
if (apps.length === 0) {
  process.stderr.write(`hive host: no agent apps under ${REPO_ROOT}apps\n`);
  process.exit(1);
}

// An agent whose module cannot even be imported is one failed agent, not a failed process.
const agents: HostedAgent[] = [];
const unloadable: Record<string, string> = {};
for (const app of apps) {
  try {
    agents.push({ definition: (await loadDefinition(app)) as AnyAgentDefinition, env: agentEnv(app.name, env, { usesModel: app.usesModel }) });
  } catch (err) {
    unloadable[app.name] = errorMessage(err);
    log.error({ agent: app.name, err: unloadable[app.name] }, 'cannot load the agent (the other agents go on)');
  }
}

const port = Number(env.HIVE_HTTP_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`hive host: HIVE_HTTP_PORT must be a whole number from 0 to 65535 (got ${JSON.stringify(env.HIVE_HTTP_PORT)})\n`);
  process.exit(1);
}
const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });
// Assigned once below, but read by the HTTP host's status callback, which may run before that.
// eslint-disable-next-line prefer-const
let host: ReturnType<typeof startHost> | undefined;
const http = await startHttpHost({
  host: env.HIVE_HTTP_HOST || '127.0.0.1',
  port,
  log,
  processRegistry,
  status: () => {
    const s = host?.status() ?? { ok: false };
    const failed = Object.keys(unloadable).length > 0;
    return failed ? { ...s, ok: false, unloadable } : s;
  },
});
host = startHost(agents, { shared: { http, log } });
const running = host;
// The signal handlers first: an agent registers before the console is bundled, and a Ctrl-C in
// between must stop everything gracefully, not kill the process.
const later: { web?: { close(): Promise<void> } | undefined; unwatch?: (() => void) | undefined } = {};
runUntilStopped({
  name: 'hive host',
  log,
  stop: async () => {
    later.unwatch?.();
    await later.web?.close();
    await running.stop();
    await http.close();
  },
  // The agents stop side by side: the slowest one's bound, and never less than a lone agent's.
  budgetMs: () => Math.max(DEFAULT_SHUTDOWN_TIMEOUT_MS + 8_000, running.stopTimeoutMs() + 1_000),
  exitOnUncaught: true,
});
later.web = env.HIVE_CONSOLE === '1' ? await startConsole() : undefined;
// Every app present at start is known, HIVE_AGENTS or not: only apps created later are new.
later.unwatch =
  env.HIVE_WATCH_APPS === '1'
    ? watchNewApps(REPO_ROOT, new Set(agentNames(REPO_ROOT)), {
        log,
        start: async (app) => running.add({ definition: (await loadDefinition(app)) as AnyAgentDefinition, env: agentEnv(app.name, env, { usesModel: app.usesModel }) }),
      })
    : undefined;
await running.settled;
const up = running.states().filter((s) => s.phase === 'running').map((s) => s.name);
log.info({ agents: up, from: RUNNING_FROM, pid: process.pid, httpUrl: http.url }, `${up.length} of ${apps.length} agents running in one process`);

/** The web console in this process; undefined (logged) when it cannot start, e.g. its port is taken. */
async function startConsole(): Promise<{ url: string; close(): Promise<void> } | undefined> {
  try {
    const { consoleOptionsFromEnv, createConsole } = await import('@hive/console');
    const redisUrl = env.HIVE_CONSOLE_REDIS_URL || env.REDIS_URL;
    const handle = await createConsole({ ...consoleOptionsFromEnv(env), ...(redisUrl ? { redisUrl } : {}), logger: log.child({ component: 'console' }) });
    log.info({ url: handle.url, readOnly: handle.readOnly }, `console at ${handle.url}`);
    return handle;
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'the console did not start (the agents go on)');
    return undefined;
  }
}
