/**
 * An agent that stops working inside a live process is noticed: its heartbeat is withheld (the
 * registry record goes), sentinel, running in the same host process, alerts the owner on ops.alert,
 * and when the agent works again it heartbeats again and sentinel resolves the alert. The process
 * lives on throughout, and so do its other agents. The two ways an agent stops (liveness.ts):
 *
 * - a stuck handler: one that never returns;
 * - a dead read loop: here its blocking connection to Redis goes silent without closing (a
 *   half-open TCP connection, made by a proxy that stops forwarding it), so XREADGROUP never returns.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '@hive/contracts';
import { createBus, createLogger, decodeEntry, type Bus } from '@hive/bus';
import { listAgents, xrange } from '@hive/bus/admin';
import { defineAgent, startHttpHost, type AnyAgentDefinition, type HttpHost, type SharedServices } from '@hive/agent';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { discoverAgents, loadDefinition } from '../src/discovery.js';
import { startHost, type Host } from '../src/host.js';

/**
 * A TCP proxy to Redis that can go silent on the connections whose client named itself `name`:
 * it stops reading them (both ways), so nothing is lost and nothing arrives, as on a half-open
 * connection, until it is thawed.
 */
async function startProxy(port: number): Promise<{ url: string; freeze(name: string): void; thaw(): void; close(): Promise<void> }> {
  const pairs: { client: Socket; upstream: Socket; name: string }[] = [];
  let frozen: string | undefined;
  const hold = (p: { client: Socket; upstream: Socket; name: string }) => {
    if (frozen !== undefined && p.name.includes(frozen)) {
      p.client.pause();
      p.upstream.pause();
    }
  };
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const pair = { client, upstream, name: '' };
    pairs.push(pair);
    client.on('data', (d) => {
      // CLIENT SETNAME is the first thing a named connection sends.
      if (pair.name === '') pair.name = /hive:[^\s\r]+/.exec(d.toString('latin1'))?.[0] ?? '-';
      upstream.write(d);
      hold(pair);
    });
    upstream.on('data', (d) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${addr.port}`,
    freeze(name) {
      frozen = name;
      for (const p of pairs) hold(p);
    },
    thaw() {
      frozen = undefined;
      for (const p of pairs) {
        p.client.resume();
        p.upstream.resume();
      }
    },
    close: () =>
      new Promise<void>((r) => {
        for (const p of pairs) {
          p.client.destroy();
          p.upstream.destroy();
        }
        server.close(() => r());
      }),
  };
}

async function until(ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const classified = (text: string) => ({
  chatId: 'c@c.us',
  from: 'c@c.us',
  sourceMessageId: `w${Date.now()}`,
  via: 'text' as const,
  text,
  intent: 'unknown' as const,
  entities: {},
  confidence: 0.5,
  classifier: 'rules' as const,
  sentAt: new Date().toISOString(),
});

describe('an agent that stops inside a live process', () => {
  let redis: RedisServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let http: HttpHost;
  let host: Host;
  let bus: Bus;
  const prefix = randomPrefix('live');
  let release: (() => void) | undefined;

  // Never returns until released: the stuck handler.
  const stuck = defineAgent({
    name: 'stuckling',
    version: '0.0.1',
    description: 'A test agent whose handler hangs on "hang".',
    skills: [],
    reads: {
      'intent.classified': {
        'intent.classified': async (message) => {
          if (message.data.text === 'hang') await new Promise<void>((r) => (release = r));
        },
      },
    },
    writes: [],
  });
  // Its read connection goes silent: the dead read loop.
  const silent = defineAgent({
    name: 'silentling',
    version: '0.0.1',
    description: 'A test agent whose read connection goes silent.',
    skills: [],
    reads: { 'intent.classified': { 'intent.classified': () => undefined } },
    writes: [],
  });

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startProxy(redis.port);
    const log = createLogger({}, 'warn') as SharedServices['log'];
    http = await startHttpHost({ host: '127.0.0.1', port: 0, log });
    const [app] = discoverAgents(undefined, { only: ['sentinel'], from: 'source' });
    const sentinel = (await loadDefinition(app!)) as AnyAgentDefinition;
    const env = { REDIS_URL: proxy.url, HIVE_PREFIX: prefix, HIVE_TZ: 'UTC', SENTINEL_POLL_MS: '300', HIVE_LOG_LEVEL: 'warn' };
    host = startHost(
      [
        { definition: sentinel, env },
        { definition: stuck as unknown as AnyAgentDefinition, env },
        { definition: silent as unknown as AnyAgentDefinition, env },
      ],
      {
        shared: { http, log },
        agentOptions: {
          heartbeat: { intervalMs: 300, ttlMs: 1_500 },
          liveness: { stuckHandlerMs: 1_500, stalledLoopMs: 5_000, checkEveryMs: 200 },
          streamDefaults: { blockMs: 200 },
        },
      },
    );
    await host.settled;
    bus = await createBus({ url: redis.url, prefix, source: 'test', contracts: catalogue });
    // sentinel must have seen both before they stop: it alerts on agents it knew.
    await until(async () => {
      const body = (await (await fetch(`${http.url}/agents/sentinel/network`)).json()) as { agents?: { name: string; status: string }[] };
      const up = (body.agents ?? []).filter((a) => a.status === 'up').map((a) => a.name);
      return up.includes('stuckling') && up.includes('silentling');
    }, 20_000);
  }, 60_000);

  afterAll(async () => {
    release?.();
    proxy?.thaw();
    await host?.stop();
    await http?.close();
    await bus?.close();
    await proxy?.close();
    await redis?.stop();
  }, 60_000);

  const alerts = async (subject: string) => {
    const out: { status: string; check: string; summary: string }[] = [];
    for (const e of await xrange(bus.driver, bus.keys.stream('ops.alert'), '-', '+')) {
      const d = decodeEntry(e.fields!);
      const data = d.ok ? (d.message.data as { subject: string; status: string; check: string; summary: string }) : undefined;
      if (data?.subject === subject) out.push(data);
    }
    return out;
  };
  const registered = async () => (await listAgents(bus.driver, bus.keys)).map((a) => a.name);

  it('a stuck handler: heartbeat withheld, sentinel alerts, the process and the others live on; released, it is back and the alert resolves', async () => {
    await bus.publish('intent.classified', 'intent.classified', classified('hang'));
    await expect.poll(() => registered(), { timeout: 15_000, interval: 100 }).not.toContain('stuckling');
    const health = await fetch(`${http.url}/agents/stuckling/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { problems: string[] }).problems.join()).toMatch(/intent\.classified handler on intent\.classified \(message .+\) has run for/);
    await expect.poll(() => alerts('stuckling'), { timeout: 15_000, interval: 200 }).toEqual([expect.objectContaining({ status: 'firing', check: 'heartbeat' })]);
    // The host process and its other agents are untouched.
    expect(host.states().map((s) => [s.name, s.phase])).toEqual([['sentinel', 'running'], ['stuckling', 'running'], ['silentling', 'running']]);
    expect(await registered()).toEqual(expect.arrayContaining(['sentinel', 'silentling']));

    release!();
    await expect.poll(() => registered(), { timeout: 15_000, interval: 100 }).toContain('stuckling');
    expect((await fetch(`${http.url}/agents/stuckling/healthz`)).status).toBe(200);
    await expect.poll(async () => (await alerts('stuckling')).map((a) => a.status), { timeout: 15_000, interval: 200 }).toEqual(['firing', 'resolved']);
  }, 60_000);

  it('a dead read loop (its connection silent, half-open): heartbeat withheld, sentinel alerts; the connection back, so is the agent', async () => {
    proxy.freeze('hive:silentling:read');
    await expect.poll(() => registered(), { timeout: 20_000, interval: 100 }).not.toContain('silentling');
    const health = (await (await fetch(`${http.url}/agents/silentling/healthz`)).json()) as { live: boolean; problems: string[] };
    expect(health.live).toBe(false);
    expect(health.problems.join()).toMatch(/read loop of intent\.classified has not turned for/);
    await expect.poll(() => alerts('silentling'), { timeout: 15_000, interval: 200 }).toEqual([expect.objectContaining({ status: 'firing', check: 'heartbeat' })]);
    expect(host.states().every((s) => s.phase === 'running')).toBe(true);
    expect(await registered()).toEqual(expect.arrayContaining(['sentinel', 'stuckling']));

    proxy.thaw();
    await expect.poll(() => registered(), { timeout: 20_000, interval: 100 }).toContain('silentling');
    await expect.poll(async () => (await alerts('silentling')).map((a) => a.status), { timeout: 15_000, interval: 200 }).toEqual(['firing', 'resolved']);
  }, 60_000);
});
