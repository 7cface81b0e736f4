/**
 * The model check: the endpoint states read from the registry records (pure), and sentinel on a
 * real Redis watching a real agent whose model (a local OpenAI-compatible fake) stops answering:
 * one alert once it has been away SENTINEL_MODEL_DOWN_MS, one notice when it answers again.
 */
import { defineAgent } from '@hive/agent';
import { classifiedIntent, createTestAgent, startFakeOpenAi, type FakeOpenAi, type TestAgent } from '@hive/agent/testing';
import type { AgentModelStatus } from '@hive/agent';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSentinel } from '../src/agent.js';
import type { AgentSeen } from '../src/domain/checks.js';
import { endpointStates, modelConditions, modelResolvedSummary } from '../src/domain/model-check.js';

const CHAT = 'gpt-4o-mini@https://api.openai.com/v1';
const WHISPER = 'whisper-1@https://api.openai.com/v1';
const NOW = Date.parse('2025-03-14T10:05:00.000Z');
const seen = (name: string, models: AgentModelStatus[], status = 'running'): AgentSeen => ({ name, instance: '0', lastSeen: NOW, status, models });
const closed = (endpoint = CHAT, since?: number): AgentModelStatus => ({ endpoint, state: 'closed', failures: 0, ...(since !== undefined ? { since } : {}) });
const open = (since: number, unavailableSince = since, endpoint = CHAT): AgentModelStatus => ({ endpoint, state: 'open', failures: 3, since, unavailableSince, lastError: 'HTTP 500' });

describe('endpoint states from the registry', () => {
  it('one process: every agent reports the same breaker', () => {
    const t = NOW - 150_000;
    const states = endpointStates([seen('iris', [open(t)]), seen('box', [open(t)]), seen('kami', [])]);
    expect(states).toEqual([{ endpoint: CHAT, available: false, unavailableSince: t, agents: ['box', 'iris'], onRules: ['box', 'iris'], lastError: 'HTTP 500' }]);
  });

  it('several processes: the freshest state change decides; the outage dates from the earliest open breaker', () => {
    // iris opened at -150 s; box never called the model; adopter opened later
    const down = endpointStates([seen('iris', [open(NOW - 150_000)]), seen('box', [closed()]), seen('adopter', [open(NOW - 20_000, NOW - 60_000)])]);
    expect(down[0]).toMatchObject({ available: false, unavailableSince: NOW - 150_000, onRules: ['adopter', 'iris'] });
    // then adopter's probe was answered: the model is back, although iris has not probed yet
    const back = endpointStates([seen('iris', [open(NOW - 150_000)]), seen('adopter', [closed(CHAT, NOW - 5_000)])]);
    expect(back[0]).toMatchObject({ available: true, onRules: ['iris'] });
    expect(back[0]!.unavailableSince).toBeUndefined();
  });

  it('endpoints are told apart; a half-open breaker is still unavailable; stopping agents are ignored', () => {
    const states = endpointStates([
      seen('vox', [closed(CHAT), { endpoint: WHISPER, state: 'half-open', failures: 3, since: NOW - 1_000, unavailableSince: NOW - 200_000 }]),
      seen('iris', [open(NOW - 10_000)], 'stopping'),
    ]);
    expect(states.map((s) => [s.endpoint, s.available])).toEqual([
      [CHAT, true],
      [WHISPER, false],
    ]);
  });
});

describe('model conditions', () => {
  it('alerts once the outage has lasted SENTINEL_MODEL_DOWN_MS, naming the model, the error and who answers from the rules', () => {
    const agents = [seen('iris', [open(NOW - 150_000)]), seen('box', [open(NOW - 150_000)])];
    expect(modelConditions(agents, NOW, 200_000)).toEqual([]);
    expect(modelConditions(agents, NOW, 120_000)).toEqual([
      {
        alertId: `model:${CHAT}`,
        check: 'other',
        severity: 'warning',
        subject: CHAT,
        summary: 'the model gpt-4o-mini at https://api.openai.com/v1 has not answered for 3 min (HTTP 500); box, iris answer from the rules meanwhile',
        recovery: 'the model gpt-4o-mini at https://api.openai.com/v1 answers again',
        details: { problem: 'model', endpoint: CHAT, unavailableSince: '2025-03-14T10:02:30.000Z', agents: 'box,iris', lastError: 'HTTP 500' },
      },
    ]);
    expect(modelConditions([seen('iris', [closed()])], NOW, 0)).toEqual([]);
  });

  it('a resolved notice does not claim the model is back when no agent reports it any more', () => {
    const alert = { alertId: `model:${CHAT}`, subject: CHAT };
    expect(modelResolvedSummary(alert, [seen('iris', [closed(CHAT, NOW)])])).toBeUndefined();
    expect(modelResolvedSummary(alert, [seen('iris', [])])).toBe('no running agent uses the model gpt-4o-mini at https://api.openai.com/v1 any more (whether it answers again is not known)');
    expect(modelResolvedSummary({ alertId: 'heartbeat:box', subject: 'box' }, [])).toBeUndefined();
  });
});

describe('sentinel watching a model outage', () => {
  let redis: RedisServer;
  let fake: FakeOpenAi;
  const running: TestAgent[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeOpenAi({ reply: { content: { food: 'rice' } } });
  });
  afterEach(async () => {
    for (const t of running.splice(0)) await t.stop();
  });
  afterAll(async () => {
    await fake?.close();
    await redis?.stop();
  });

  const asker = defineAgent({
    name: 'asker',
    version: '0.0.0',
    description: 'asks the model about every message',
    skills: [],
    reads: {
      'intent.classified': {
        'intent.classified': async (m, ctx) => {
          await ctx.llm.extract(m.data.text, z.object({ food: z.string() }), { name: 'food' });
        },
      },
    },
    writes: [],
    offlineLlm: { extract: { food: (text) => ({ food: text }) } },
  });
  const ask = (t: TestAgent) => t.publish('intent.classified', 'intent.classified', classifiedIntent('rice', {}, { intent: 'nutrition', chatId: 'c@c.us', sentAt: new Date().toISOString() }));

  it('one alert when the model has been away SENTINEL_MODEL_DOWN_MS, not repeated; one notice when it answers again', async () => {
    const prefix = randomPrefix('sentinel');
    const agent = await createTestAgent(asker, {
      redis,
      prefix,
      env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_DEADLINE_MS: '300', OPENAI_MAX_RETRIES: '0', OPENAI_BREAKER_FAILURES: '2', OPENAI_BREAKER_OPEN_MS: '300' },
    });
    running.push(agent);
    const sentinel = await createTestAgent(createSentinel(), { redis, prefix, env: { SENTINEL_POLL_MS: '100', SENTINEL_MODEL_DOWN_MS: '600' } });
    running.push(sentinel);
    const alertId = `model:gpt-4o-mini@${fake.baseURL}`;
    const notices = async () => (await sentinel.messages('ops.alert')).filter((m) => m.data.alertId === alertId).map((m) => m.data);

    fake.outage = { status: 500 };
    await ask(agent);
    await ask(agent);
    const firing = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === alertId && m.data.status === 'firing', 10_000);
    expect(firing.data).toMatchObject({ check: 'other', severity: 'warning', subject: `gpt-4o-mini@${fake.baseURL}`, details: { problem: 'model', agents: 'asker', lastError: 'HTTP 500' } });
    expect(firing.data.summary).toMatch(/^the model gpt-4o-mini at http:\/\/127\.0\.0\.1:\d+\/v1 has not answered for \d+ s \(HTTP 500\); asker answers from the rules meanwhile$/);
    // probes keep failing: the outage goes on, and so does the one alert
    await new Promise((r) => setTimeout(r, 400));
    await ask(agent);
    await new Promise((r) => setTimeout(r, 500));
    expect((await notices()).map((a) => a.status)).toEqual(['firing']);

    fake.outage = undefined;
    await new Promise((r) => setTimeout(r, 400));
    await ask(agent); // the probe: answered, the circuit closes
    const resolved = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === alertId && m.data.status === 'resolved', 10_000);
    expect(resolved.data.summary).toBe(`the model gpt-4o-mini at ${fake.baseURL} answers again`);
    await new Promise((r) => setTimeout(r, 500));
    expect((await notices()).map((a) => a.status)).toEqual(['firing', 'resolved']);
  });
});
