/**
 * The HTTP side of a process (node:http, no framework): one server per process, whether it runs
 * one agent or several. Each agent is mounted at `/agents/<name>/` with its `/healthz` (alive: the
 * process answers and the agent's read loops and handlers are not stuck), `/readyz` (Redis answers
 * and its consumer groups exist, checked afresh on every request), `/metrics` (its own series) and
 * its own routes. At the root the process answers for all of them: `/healthz` and `/readyz` (the
 * agent's own body when it is the only one, else every agent's), `/metrics` (the process's series
 * once, then every agent's, each labelled with its agent), and each agent route whose path no other
 * agent of the process uses.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { errorMessage, type Logger } from '@hive/bus';
import type { Registry } from 'prom-client';
import { withTimeout } from './with-timeout.js';

/** How long /readyz and /metrics wait for Redis before answering without it. */
export const DEFAULT_PROBE_TIMEOUT_MS = 1_000;

export interface Readiness {
  readonly ready: boolean;
  /** "ok", or why Redis could not be checked. */
  readonly redis: string;
  /** Per stream read: does this agent's consumer group exist? */
  readonly groups: Record<string, boolean>;
  readonly stopping?: boolean;
}

/** /healthz's body: `live` false (a dead read loop, a stuck handler) answers 503. */
export interface AgentHealth extends Record<string, unknown> {
  readonly live: boolean;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** What one agent serves. */
export interface AgentEndpoints {
  health: () => AgentHealth;
  readiness: () => Promise<Readiness>;
  /** The agent's own metrics (labelled with its name). */
  registry: Registry;
  routes?: Readonly<Record<string, RouteHandler>>;
}

/** One agent's place on the process's server. */
export interface AgentHttpServer {
  /** The agent's base URL, e.g. http://127.0.0.1:43121/agents/box: its /healthz, /readyz and /metrics are below it. */
  readonly url: string;
  readonly port: number;
  /** Take the agent off the server (the server stays up for the others). */
  close(): Promise<void>;
}

/** What the process adds to its root /healthz and /readyz besides the mounted agents (e.g. agents the host could not start). */
export interface ProcessStatus {
  readonly ok: boolean;
  readonly [key: string]: unknown;
}

export interface HttpHostOptions {
  host: string;
  /** 0 for a random free port. */
  port: number;
  log: Logger;
  /** The process's own series (CPU, memory, event loop): served once at the root /metrics. */
  processRegistry?: Registry;
  probeTimeoutMs?: number;
  /** Extra state for the root /healthz and /readyz; `ok: false` answers 503. */
  status?: () => ProcessStatus;
}

/** The process's HTTP server. */
export interface HttpHost {
  /** e.g. http://127.0.0.1:43121 (the host name when bound to all interfaces). */
  readonly url: string;
  readonly port: number;
  /** Serve an agent under /agents/<name>; a second mount of the same name replaces the first. */
  mount(name: string, endpoints: AgentEndpoints): AgentHttpServer;
  /** The agents mounted now, by name. */
  agents(): string[];
  close(): Promise<void>;
}

/**
 * Prometheus text of every metric of these registries that answers in time, each family once with
 * the samples of every registry that has it. A gauge that reads Redis (lag, pending) must not take
 * the process metrics down with it while Redis is away; it is left out instead.
 */
export async function metricsText(registries: readonly Registry[], timeoutMs: number, log: Logger): Promise<string> {
  const families = new Map<string, Registry[]>();
  for (const r of registries) for (const m of r.getMetricsAsArray()) (families.get(m.name) ?? families.set(m.name, []).get(m.name)!).push(r);
  const parts = await Promise.all(
    [...families].map(async ([name, regs]) => {
      const texts = await Promise.all(
        regs.map((r) =>
          withTimeout(r.getSingleMetricAsString(name), timeoutMs, `metric ${name}`).catch((err) => {
            log.debug({ metric: name, err: errorMessage(err) }, 'metric left out of this scrape');
            return '';
          }),
        ),
      );
      const present = texts.filter((t) => t !== '');
      if (present.length === 0) return '';
      // "# HELP" and "# TYPE" once (from the first), then every registry's samples: one family, contiguous.
      const [first, ...rest] = present;
      return [first!.trimEnd(), ...rest.map((t) => t.split('\n').filter((l) => l !== '' && !l.startsWith('#')).join('\n'))].filter((t) => t !== '').join('\n');
    }),
  );
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

const AGENT_PATH = /^\/agents\/([^/]+)(\/.*)?$/;

/** Start the process's server; resolves once it listens. */
export async function startHttpHost(opts: HttpHostOptions): Promise<HttpHost> {
  const timeoutMs = opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const mounted = new Map<string, AgentEndpoints>();
  const contentType = 'text/plain; version=0.0.4; charset=utf-8';

  const serveAgent = async (a: AgentEndpoints, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (path === '/healthz') {
      const h = a.health();
      send(res, h.live ? 200 : 503, { ok: h.live, ...h });
      return true;
    }
    if (path === '/readyz') {
      const r = await a.readiness();
      send(res, r.ready ? 200 : 503, r);
      return true;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': contentType });
      res.end(await metricsText([a.registry], timeoutMs, opts.log));
      return true;
    }
    const route = a.routes?.[path];
    if (!route) return false;
    await route(req, res);
    return true;
  };

  const serveRoot = async (path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const extra = opts.status?.();
    const only = mounted.size === 1 && !extra ? [...mounted.values()][0] : undefined;
    if ((path === '/healthz' || path === '/readyz') && only) return serveAgent(only, path, req, res);
    if (path === '/healthz') {
      const agents = Object.fromEntries([...mounted].map(([n, a]) => [n, a.health()]));
      const ok = Object.values(agents).every((h) => h.live) && (extra?.ok ?? true);
      send(res, ok ? 200 : 503, { ok, ...extra, agents });
      return true;
    }
    if (path === '/readyz') {
      const entries = await Promise.all([...mounted].map(async ([n, a]) => [n, await a.readiness()] as const));
      const ready = entries.every(([, r]) => r.ready) && (extra?.ok ?? true);
      send(res, ready ? 200 : 503, { ready, ...extra, agents: Object.fromEntries(entries) });
      return true;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': contentType });
      res.end(await metricsText([...(opts.processRegistry ? [opts.processRegistry] : []), ...[...mounted.values()].map((a) => a.registry)], timeoutMs, opts.log));
      return true;
    }
    // An agent's own route at the root, when it is the only agent of the process serving that path.
    const owners = [...mounted.values()].filter((a) => a.routes?.[path]);
    if (owners.length !== 1) return false;
    await owners[0]!.routes![path]!(req, res);
    return true;
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    void (async () => {
      try {
        const m = AGENT_PATH.exec(path);
        const agent = m ? mounted.get(decodeURIComponent(m[1]!)) : undefined;
        const served = agent ? await serveAgent(agent, m![2] ?? '/', req, res) : m ? false : await serveRoot(path, req, res);
        if (!served) send(res, 404, { error: `no route ${path}` });
      } catch (err) {
        opts.log.error({ path, err: errorMessage(err) }, 'HTTP handler failed');
        if (!res.headersSent) send(res, 500, { error: errorMessage(err) });
        else res.end();
      }
    })();
  });
  // Keep-alive sockets from a scraper must not hold shutdown open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = addr !== null && typeof addr === 'object' ? addr.port : opts.port;
  const wildcard = opts.host === '0.0.0.0' || opts.host === '::';
  const host = wildcard ? hostname() : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    mount(name, endpoints) {
      mounted.set(name, endpoints);
      return {
        url: `${url}/agents/${encodeURIComponent(name)}`,
        port,
        close: async () => {
          if (mounted.get(name) === endpoints) mounted.delete(name);
        },
      };
    },
    agents: () => [...mounted.keys()],
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
