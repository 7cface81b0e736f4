/**
 * Prometheus HTTP service discovery from the agent registry: agents bind their metrics server to a
 * free port unless told otherwise, so the registry (each record's httpUrl) is the one place that
 * knows where to scrape. infra/monitoring/prometheus.yml points `http_sd_configs` here.
 */
import { listAgents } from '@hive/bus/admin';
import type { ConsoleApp, RouteContext } from './context.js';

/** One target group in Prometheus's HTTP SD format. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** Register GET /api/prometheus/targets. */
export function prometheusRoutes(app: ConsoleApp, ctx: RouteContext): void {
  app.get('/api/prometheus/targets', async (c) => {
    const groups: TargetGroup[] = [];
    for (const a of await listAgents(ctx.redis, ctx.keys)) {
      if (!a.httpUrl) continue;
      let host: string;
      try {
        host = new URL(a.httpUrl).host;
      } catch {
        continue;
      }
      groups.push({ targets: [host], labels: { agent: a.name, agent_instance: a.instance, agent_version: a.version } });
    }
    return c.json(groups);
  });
}
