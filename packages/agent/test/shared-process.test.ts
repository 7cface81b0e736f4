/**
 * Two agents sharing one process: one HTTP server (each agent under /agents/<name>, the process at
 * the root), /metrics with every metric family once and each agent's series labelled with its
 * name, agent routes at the root when only one agent has that path. And the liveness rule itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@hive/bus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { assessLiveness, livenessLimits, startAgent, startHttpHost, type AgentHandle, type HttpHost, type SharedServices } from '../src/index.js';
import { echo } from './fixtures/agents.js';

const classified = (text: string) => ({
  chatId: 'c@c.us',
  from: 'c@c.us',
  sourceMessageId: `w${Math.random()}`,
  via: 'text' as const,
  text,
  intent: 'unknown' as const,
  entities: {},
  confidence: 0.5,
  classifier: 'rules' as const,
  sentAt: new Date().toISOString(),
});

describe('agents sharing a process', () => {
  let redis: RedisServer;
  let http: HttpHost;
  const handles: AgentHandle[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const log = createLogger({}, 'warn') as SharedServices['log'];
    const processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    http = await startHttpHost({ host: '127.0.0.1', port: 0, log, processRegistry });
    const routed = (name: string, route: string) => ({ ...echo, name, routes: { [route]: (_req: unknown, res: { end(s: string): void }) => res.end(name) } });
    for (const [name, route] of [['echo-a', '/shared'], ['echo-b', '/shared']] as const) {
      handles.push(await startAgent(routed(name, route) as typeof echo, { env: { REDIS_URL: redis.url, HIVE_PREFIX: 'sp:', HIVE_INSTANCE: name }, shared: { http, log } }));
    }
    handles.push(await startAgent({ ...echo, name: 'echo-c', routes: { '/only-c': (_req, res) => void res.end('c') } }, { env: { REDIS_URL: redis.url, HIVE_PREFIX: 'sp:' }, shared: { http, log } }));
  });
  afterAll(async () => {
    for (const h of handles) await h.stop();
    await http?.close();
    await redis?.stop();
  });

  it('serves each agent under /agents/<name>, and registers that as its URL', async () => {
    expect(handles.map((h) => h.url)).toEqual(['echo-a', 'echo-b', 'echo-c'].map((n) => `${http.url}/agents/${n}`));
    const body = (await (await fetch(`${handles[1]!.url}/healthz`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ok: true, live: true, agent: 'echo-b' });
    expect((await fetch(`${handles[2]!.url}/readyz`)).status).toBe(200);
  });

  it('answers for the whole process at the root', async () => {
    const health = (await (await fetch(`${http.url}/healthz`)).json()) as { ok: boolean; agents: Record<string, unknown> };
    expect(health.ok).toBe(true);
    expect(Object.keys(health.agents).sort()).toEqual(['echo-a', 'echo-b', 'echo-c']);
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200);
    // A route one agent has is at the root too; one two agents have is only under each agent.
    expect(await (await fetch(`${http.url}/only-c`)).text()).toBe('c');
    expect((await fetch(`${http.url}/shared`)).status).toBe(404);
    expect(await (await fetch(`${http.url}/agents/echo-b/shared`)).text()).toBe('echo-b');
  });

  it('serves /metrics with each family once: the process series once, every agent series labelled', async () => {
    const input = await handles[0]!.bus.publish('intent.classified', 'intent.classified', classified('hi'));
    await expect.poll(async () => (await (await fetch(`${http.url}/metrics`)).text()).match(/hive_handled_total\{[^}]*outcome="acked"[^}]*\}/g)?.length ?? 0, { timeout: 10_000 }).toBe(3);
    const text = await (await fetch(`${http.url}/metrics`)).text();
    for (const family of ['hive_handled_total', 'hive_published_total', 'process_cpu_user_seconds_total']) {
      expect(text.match(new RegExp(`^# TYPE ${family} `, 'gm')), family).toHaveLength(1);
    }
    expect(text.match(/^process_cpu_user_seconds_total /gm)).toHaveLength(1);
    for (const a of ['echo-a', 'echo-b', 'echo-c']) expect(text).toMatch(new RegExp(`hive_handled_total\\{stream="${input.stream}",group="${a}",type="intent.classified",outcome="acked",agent="${a}"\\} 1`));
    // An agent's own /metrics: its series only.
    const own = await (await fetch(`${handles[0]!.url}/metrics`)).text();
    expect(own).toContain('agent="echo-a"');
    expect(own).not.toContain('agent="echo-b"');
    expect(own).not.toContain('process_cpu_user_seconds_total');
  });
});

describe('liveness', () => {
  const limits = livenessLimits([{ stream: 's', claimIdleMs: 1_000, blockMs: 100 }], {});
  const loop = { stream: 's', reading: true, loopTurnedAt: 0, inFlight: 0, concurrency: 1 };

  it('defaults: stuck after four leases (at least 2 min), stalled after ten reads (at least 30 s)', () => {
    expect(limits.stuckHandlerMs.get('s')).toBe(120_000);
    expect(limits.stalledLoopMs.get('s')).toBe(30_000);
    expect(livenessLimits([{ stream: 's', claimIdleMs: 60_000 }]).stuckHandlerMs.get('s')).toBe(240_000);
  });

  it('a loop that turns, and handlers within their limit, are live', () => {
    expect(assessLiveness({ now: 29_000, subscriptions: [loop], running: [{ stream: 's', type: 't', id: 'm1', since: 0 }], limits })).toEqual({ live: true, problems: [] });
  });

  it('a loop that has ended, or has not turned with a slot free, is dead; busy slots excuse a still loop', () => {
    expect(assessLiveness({ now: 1, subscriptions: [{ ...loop, reading: false }], running: [], limits }).problems).toEqual(['the read loop of s has ended']);
    expect(assessLiveness({ now: 31_000, subscriptions: [loop], running: [], limits }).problems).toEqual(['the read loop of s has not turned for 31 s']);
    expect(assessLiveness({ now: 31_000, subscriptions: [{ ...loop, inFlight: 1 }], running: [{ stream: 's', type: 't', id: 'm1', since: 30_000 }], limits }).live).toBe(true);
  });

  it('a handler past its limit is stuck, named with its message', () => {
    expect(assessLiveness({ now: 121_000, subscriptions: [{ ...loop, loopTurnedAt: 121_000, inFlight: 1 }], running: [{ stream: 's', type: 'wa.send', id: 'm9', since: 0 }], limits }).problems).toEqual([
      'the wa.send handler on s (message m9) has run for 121 s',
    ]);
  });
});
