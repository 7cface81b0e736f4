/**
 * The agent's HTTP server (node:http, no framework): /healthz (the process answers), /readyz (Redis
 * answers and the consumer groups exist, checked afresh on every request), /metrics (Prometheus),
 * plus the agent's own routes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { errorMessage, type Logger } from '@hive/bus';
import type { Registry } from 'prom-client';

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

export interface AgentHttpOptions {
  host: string;
  /** 0 for a random free port. */
  port: number;
  health: () => Record<string, unknown>;
  readiness: () => Promise<Readiness>;
  registry: Registry;
  probeTimeoutMs?: number;
  routes?: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>>;
  log: Logger;
}

export interface AgentHttpServer {
  /** Where the server answers, e.g. http://127.0.0.1:43121 (the host name when bound to all interfaces). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Resolve with `p`, or reject after `ms` saying what timed out. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Prometheus text of every metric that answers in time. A gauge that reads Redis (lag, pending)
 * must not take the process metrics down with it while Redis is away; it is left out instead.
 */
async function metricsText(registry: Registry, timeoutMs: number, log: Logger): Promise<string> {
  const names = registry.getMetricsAsArray().map((m) => m.name);
  const parts = await Promise.all(
    names.map((name) =>
      withTimeout(registry.getSingleMetricAsString(name), timeoutMs, `metric ${name}`).catch((err) => {
        log.debug({ metric: name, err: errorMessage(err) }, 'metric left out of this scrape');
        return '';
      }),
    ),
  );
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Start the server; resolves once it listens. */
export async function startHttpServer(opts: AgentHttpOptions): Promise<AgentHttpServer> {
  const timeoutMs = opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    void (async () => {
      try {
        if (path === '/healthz') return send(res, 200, { ok: true, ...opts.health() });
        if (path === '/readyz') {
          const r = await opts.readiness();
          return send(res, r.ready ? 200 : 503, r);
        }
        if (path === '/metrics') {
          const text = await metricsText(opts.registry, timeoutMs, opts.log);
          res.writeHead(200, { 'content-type': opts.registry.contentType });
          res.end(text);
          return;
        }
        const route = opts.routes?.[path];
        if (route) return await route(req, res);
        send(res, 404, { error: `no route ${path}` });
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
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
