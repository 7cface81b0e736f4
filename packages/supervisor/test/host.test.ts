/**
 * The one-process host keeps its agents apart: each has its own environment (its own Redis user),
 * an agent whose start fails is started again with backoff while the others run, a configuration
 * error is reported and not retried, and a handler that throws leaves the other agents handling.
 * Each agent is served on the process's one HTTP server under /agents/<name>.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogue } from '@hive/contracts';
import { createBus, createDriver, decodeEntry, type Bus, type RedisDriver } from '@hive/bus';
import { listDeadLetters, xrange } from '@hive/bus/admin';
import { defineAgent, startHttpHost, type AnyAgentDefinition, type HttpHost, type SharedServices } from '@hive/agent';
import { memoryLogger } from '@hive/agent/testing';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { agentEnv, redisUrlVar } from '../src/agent-env.js';
import { startHost, type Host } from '../src/host.js';
import { agentNames, modelAgentNames, REPO_ROOT } from '../src/discovery.js';

const any = (d: unknown) => d as AnyAgentDefinition;

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

describe('agentEnv', () => {
  it("takes the process's environment, then <agent>.env from HIVE_ENV_DIR, then HIVE_REDIS_URL_<AGENT>", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-envdir-'));
    try {
      writeFileSync(join(dir, 'box.env'), "# box's Redis user (hive acl); secret.\nREDIS_URL=redis://box:pw@127.0.0.1:6379\nBOX_DAILY_KCAL='1800'\n");
      const base = { REDIS_URL: 'redis://default@x:1', HIVE_ENV_DIR: dir, HIVE_TZ: 'UTC' };
      expect(agentEnv('box', base, { usesModel: true })).toMatchObject({ REDIS_URL: 'redis://box:pw@127.0.0.1:6379', BOX_DAILY_KCAL: '1800', HIVE_TZ: 'UTC' });
      expect(agentEnv('iris', base, { usesModel: true }).REDIS_URL).toBe('redis://default@x:1'); // no iris.env: the process's
      expect(redisUrlVar('my-agent')).toBe('HIVE_REDIS_URL_MY_AGENT');
      expect(agentEnv('box', { ...base, HIVE_REDIS_URL_BOX: 'redis://box:other@h:2' }, { usesModel: true }).REDIS_URL).toBe('redis://box:other@h:2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('gives the model\'s key and base URL only to agents that use a model (model.env from HIVE_ENV_DIR for those)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-envdir-'));
    try {
      writeFileSync(join(dir, 'model.env'), 'OPENAI_API_KEY=sk-from-model-env\nOPENAI_MODEL=gpt-4o-mini\n');
      const base = { HIVE_ENV_DIR: dir, OPENAI_API_KEY: 'sk-process', OPENAI_BASE_URL: 'https://u:p@llm.example/v1', HIVE_TZ: 'UTC' };
      const scribe = agentEnv('scribe', base, { usesModel: false });
      expect(scribe.OPENAI_API_KEY).toBeUndefined();
      expect(scribe.OPENAI_BASE_URL).toBeUndefined();
      expect(scribe.HIVE_TZ).toBe('UTC');
      expect(agentEnv('iris', base, { usesModel: true })).toMatchObject({ OPENAI_API_KEY: 'sk-from-model-env', OPENAI_BASE_URL: 'https://u:p@llm.example/v1', OPENAI_MODEL: 'gpt-4o-mini' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('modelAgentNames', () => {
  it('is what each agent declares, and each declaration matches its code (ctx.llm, an OpenAI client)', () => {
    const names = modelAgentNames(REPO_ROOT);
    const uses = (name: string) => {
      const files = readdirSync(join(REPO_ROOT, 'apps', name, 'src'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
      return files.some((f) => /\bctx\.llm\b|createOpenAi\w*\(/.test(readFileSync(join(REPO_ROOT, 'apps', name, 'src', f), 'utf8')));
    };
    expect(names).toEqual(agentNames(REPO_ROOT).filter(uses));
    expect(names).toEqual(['adopter', 'atlas', 'box', 'hermes', 'iris', 'ledger', 'vox']);
  });
});

describe('the host', () => {
  let redis: RedisServer;
  let admin: RedisDriver;
  let http: HttpHost;
  let host: Host;
  let bus: Bus;
  const prefix = randomPrefix('host');
  const lines = memoryLogger();
  let flakyStarts = 0;

  const steady = defineAgent({
    name: 'steady',
    version: '1',
    description: 'Answers every message.',
    skills: [],
    reads: {
      'intent.classified': {
        'intent.classified': (m) => ({ stream: 'wa.outbound', type: 'wa.send', data: { chatId: m.data.chatId, text: `steady got ${m.data.text}` } }),
      },
    },
    writes: ['wa.outbound'],
  });
  const thrower = defineAgent({
    name: 'thrower',
    version: '1',
    description: 'Throws on every message.',
    skills: [],
    reads: { 'intent.classified': { 'intent.classified': () => Promise.reject(new Error('thrower always fails')) } },
    writes: [],
  });
  const flaky = defineAgent({
    name: 'flaky',
    version: '1',
    description: 'Fails to start twice.',
    skills: [],
    reads: {},
    writes: [],
    start: () => {
      flakyStarts++;
      if (flakyStarts <= 2) throw new Error(`flaky start ${flakyStarts} failed`);
    },
  });
  const misconfigured = defineAgent({
    name: 'misconfigured',
    version: '1',
    description: 'Needs a variable nobody set.',
    skills: [],
    config: z.object({ MISCONFIGURED_TOKEN: z.string() }),
    reads: {},
    writes: [],
  });

  beforeAll(async () => {
    redis = await startRedis();
    admin = createDriver('ioredis', { url: redis.url });
    await admin.connect();
    // Each agent its own Redis user, as `hive acl` makes them (here with every right: the point is who logs in).
    for (const user of ['steady', 'thrower', 'flaky']) await admin.call(['ACL', 'SETUSER', user, 'on', `>${user}-pw`, '~*', '&*', '+@all']);
    const urlOf = (user: string) => `redis://${user}:${user}-pw@127.0.0.1:${redis.port}`;
    const base = { HIVE_PREFIX: prefix, REDIS_URL: redis.url, HIVE_LOG_LEVEL: 'info' };
    const log = lines as unknown as SharedServices['log'];
    http = await startHttpHost({ host: '127.0.0.1', port: 0, log, status: () => host.status() });
    host = startHost(
      [
        { definition: any(steady), env: agentEnv('steady', { ...base, [redisUrlVar('steady')]: urlOf('steady') }, { usesModel: false }) },
        { definition: any(thrower), env: agentEnv('thrower', { ...base, [redisUrlVar('thrower')]: urlOf('thrower') }, { usesModel: false }) },
        { definition: any(flaky), env: agentEnv('flaky', { ...base, [redisUrlVar('flaky')]: urlOf('flaky') }, { usesModel: false }) },
        { definition: any(misconfigured), env: base },
      ],
      { shared: { http, log }, retryBaseMs: 100, agentOptions: { streamDefaults: { blockMs: 100, retry: { baseMs: 50, maxMs: 100 }, maxDeliveries: 2 } } },
    );
    await host.settled;
    bus = await createBus({ url: redis.url, prefix, source: 'test', contracts: catalogue });
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    await http?.close();
    await bus?.close();
    await admin?.close();
    await redis?.stop();
  });

  it('starts the agents side by side: a failed start is tried again with backoff, a configuration error is reported once', async () => {
    const phase = (n: string) => host.states().find((s) => s.name === n)?.phase;
    expect(phase('steady')).toBe('running');
    expect(phase('thrower')).toBe('running');
    expect(host.states().find((s) => s.name === 'misconfigured')).toMatchObject({ phase: 'failed', attempts: 1, error: expect.stringContaining('MISCONFIGURED_TOKEN') });
    await expect.poll(() => phase('flaky'), { timeout: 10_000 }).toBe('running');
    expect(flakyStarts).toBe(3);
    const retries = lines.lines.filter((l) => l.msg === 'agent failed to start; trying again (the other agents go on)');
    expect(retries.map((l) => [l.obj.agent, l.obj.attempt, l.obj.retryInMs])).toEqual([
      ['flaky', 1, 100],
      ['flaky', 2, 200],
    ]);
    // The process's /healthz says which agent could not start; each running agent answers under its own path.
    const health = await fetch(`${http.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, notStarted: { misconfigured: { phase: 'failed' } }, agents: { steady: { live: true }, flaky: { live: true } } });
    expect(await (await fetch(`${http.url}/agents/steady/readyz`)).json()).toMatchObject({ ready: true });
  });

  it('logs each agent in to Redis as its own user', async () => {
    const clients = String(await admin.call(['CLIENT', 'LIST']))
      .trim()
      .split('\n')
      .map((l) => Object.fromEntries(l.split(' ').map((kv) => kv.split('=') as [string, string])));
    for (const agent of ['steady', 'thrower', 'flaky']) {
      const own = clients.filter((c) => c.name?.startsWith(`hive:${agent}`));
      expect(own.length, agent).toBeGreaterThan(0);
      expect(new Set(own.map((c) => c.user)), agent).toEqual(new Set([agent]));
    }
  });

  it('a handler that throws is retried and dead-lettered by the bus; the agent and its neighbours go on', async () => {
    // intent.classified is split by intent: the dead letter is kept on the message's shard.
    const input = await bus.publish('intent.classified', 'intent.classified', classified('hello'));
    await expect
      .poll(async () => (await xrange(bus.driver, bus.keys.stream('wa.outbound'), '-', '+')).map((e) => (decodeEntry(e.fields!) as { message?: { data: { text: string } } }).message?.data.text), { timeout: 10_000 })
      .toContain('steady got hello');
    await expect.poll(async () => (await listDeadLetters(bus.driver, bus.keys, input.stream)).length, { timeout: 10_000 }).toBe(1);
    expect(host.states().filter((s) => s.name !== 'misconfigured').every((s) => s.phase === 'running')).toBe(true);
  });
});
