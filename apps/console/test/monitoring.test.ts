/**
 * infra/monitoring: the Grafana dashboard asks only for metrics the agents serve, and the compose
 * scrape job lists exactly the agents in apps/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBusMetrics, createKeys, type RedisDriver } from '@hive/bus';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MONITORING = join(ROOT, 'infra', 'monitoring');

/** Every metric name an agent's /metrics serves: the bus's, the LLM port's, and prom-client's process metrics. */
function servedMetrics(): Set<string> {
  const registry = new Registry();
  // The Redis-backed gauges are registered up front and only read Redis when scraped.
  createBusMetrics({ registry, redis: { driver: {} as RedisDriver, keys: createKeys('x:'), streams: () => [] } });
  collectDefaultMetrics({ register: registry });
  const names = new Set(registry.getMetricsAsArray().map((m) => m.name));
  // The LLM metrics live in @hive/agent (not a dependency of the console): read their names from the source.
  const llm = readFileSync(join(ROOT, 'packages', 'agent', 'src', 'llm', 'metrics.ts'), 'utf8');
  for (const m of llm.matchAll(/name: '(hive_[a-z_]+)'/g)) names.add(m[1]!);
  return names;
}

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(join(MONITORING, 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };

  it('queries only metrics the agents serve', () => {
    const served = servedMetrics();
    expect(served.has('hive_group_lag')).toBe(true);
    const asked = new Set<string>();
    for (const p of dashboard.panels) {
      for (const t of p.targets) {
        for (const m of t.expr.matchAll(/\b([a-z_]+)\{/g)) asked.add(m[1]!.replace(/_(bucket|sum|count)$/, ''));
      }
    }
    asked.delete('up'); // Prometheus's own, per target
    expect(asked.size).toBeGreaterThan(10);
    expect([...asked].filter((m) => !served.has(m))).toEqual([]);
  });
});

describe('the Prometheus scrape config', () => {
  it('lists every agent in apps/ for the compose job, and nothing else', () => {
    const yml = readFileSync(join(MONITORING, 'prometheus.yml'), 'utf8');
    const targets = [...yml.matchAll(/^\s+- ([a-z][a-z0-9-]*):8080$/gm)].map((m) => m[1]!);
    const agents = readdirSync(join(ROOT, 'apps'))
      .filter((n) => existsSync(join(ROOT, 'apps', n, 'package.json')))
      .filter((n) => (JSON.parse(readFileSync(join(ROOT, 'apps', n, 'package.json'), 'utf8')) as { hive?: { agent?: boolean } }).hive?.agent === true)
      .sort();
    expect(agents).toHaveLength(13);
    expect(targets).toEqual(agents);
    expect(yml).toContain('http://127.0.0.1:7780/api/prometheus/targets');
  });
});
