/**
 * A model that hangs or fails costs a message its deadline at most, and after a few failures
 * nothing at all: against a local OpenAI-compatible server, through the LLM port and through the
 * runtime (one deadline per delivery, the breaker's state in the registry and in /metrics).
 *
 * No assertion here is an upper bound on time (the machines are shared): lower bounds (a deadline
 * is not cut short), request counts and the reasons recorded prove the behaviour; the durations
 * seen are printed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { listAgents } from '@hive/bus/admin';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { createLlm, createLlmMetrics, defineAgent, modelStatuses, parseEnv, type Env, type Llm } from '../src/index.js';
import { classifiedIntent, createTestAgent, forgetModelBreakers, memoryLogger, startFakeOpenAi, type FakeOpenAi, type LogLine } from '../src/testing.js';

const rules = { extract: { meal: (text: string) => ({ food: text.split(' ').pop() ?? '', grams: null }) }, complete: () => 'offline text' };
const meal = z.object({ food: z.string(), grams: z.number().nullable() });

let fake: FakeOpenAi;
let redis: RedisServer;
beforeAll(async () => {
  fake = await startFakeOpenAi();
  redis = await startRedis();
});
afterAll(async () => {
  await fake?.close();
  await redis?.stop();
});
beforeEach(() => {
  forgetModelBreakers();
  fake.requests.length = 0;
  fake.calls.length = 0;
  fake.outage = undefined;
  fake.reply = { content: { food: 'pasta', grams: 250 } };
});

/** How early a timer may seem to fire by Date.now() (libuv's cached loop time after a busy tick). */
const TIMER_SLACK_MS = 50;

let lines: LogLine[] = [];
let registry: Registry;
function make(env: Env): Llm {
  lines = [];
  registry = new Registry();
  const hive = parseEnv('t', { OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: 'fake-model', OPENAI_TIMEOUT_MS: '60000', ...env }).hive;
  return createLlm(hive, rules, memoryLogger(lines), createLlmMetrics(registry, 't'), 't');
}
const counter = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.map((v) => ({ ...v.labels, value: v.value }));
const timed = async <T>(p: Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const r = await p;
  return [r, Date.now() - t0];
};

describe('deadline per message', () => {
  it('a hanging model: one attempt, abandoned at the deadline, and the rules answer', async () => {
    const llm = make({ OPENAI_DEADLINE_MS: '400', OPENAI_MAX_RETRIES: '2' });
    // One answered call first: the client's first request (loading it, connecting) must not eat the
    // 400 ms on a loaded machine before the hanging request is even sent.
    expect((await llm.extract('warm up', meal, { name: 'meal' })).source).toBe('llm');
    fake.calls.length = 0;
    fake.reply = { hang: true };
    const [r, ms] = await timed(llm.extract('lunch was pasta', meal, { name: 'meal' }));
    expect(r).toEqual({ data: { food: 'pasta', grams: null }, source: 'rules' });
    // The attempt timeout is 60 s: only the deadline can have ended this call.
    expect(fake.calls).toHaveLength(1);
    await expect.poll(() => fake.calls[0]!.abandonedAfterMs).toBeDefined();
    // libuv counts a timer from its cached loop time, which may be a few ms behind Date.now(): allow for that.
    expect(ms).toBeGreaterThanOrEqual(400 - TIMER_SLACK_MS);
    console.log(`hanging model, deadline 400 ms: answered by the rules after ${ms} ms; request abandoned after ${fake.calls[0]!.abandonedAfterMs} ms`);
    expect(await counter('hive_llm_fallbacks_total')).toEqual([{ op: 'extract', reason: 'deadline', value: 1 }]);
    expect(await counter('hive_llm_failures_total')).toEqual([{ op: 'extract', reason: 'timeout', value: 1 }]);
  });

  it('HTTP 500s are retried only while the deadline leaves time for another attempt', async () => {
    fake.reply = { status: 500 };
    const roomy = make({ OPENAI_DEADLINE_MS: '5000', OPENAI_MAX_RETRIES: '2', OPENAI_BREAKER_FAILURES: '10' });
    expect((await roomy.extract('x pasta', meal, { name: 'meal' })).source).toBe('rules');
    expect(fake.requests).toHaveLength(3); // 1 + OPENAI_MAX_RETRIES
    fake.requests.length = 0;
    forgetModelBreakers();
    // 400 ms: the first retry would start after 250 ms with less than MIN_ATTEMPT_MS left, so there is none
    const tight = make({ OPENAI_DEADLINE_MS: '400', OPENAI_MAX_RETRIES: '2', OPENAI_BREAKER_FAILURES: '10' });
    expect((await tight.extract('x pasta', meal, { name: 'meal' })).source).toBe('rules');
    expect(fake.requests).toHaveLength(1);
    expect(await counter('hive_llm_fallbacks_total')).toEqual([{ op: 'extract', reason: 'deadline', value: 1 }]);
  });

  it("one message, one deadline: a second call gets only what the first left; generated text has the longer one", async () => {
    const llm = make({ OPENAI_DEADLINE_MS: '300', OPENAI_GENERATE_DEADLINE_MS: '900', OPENAI_MAX_RETRIES: '0', OPENAI_BREAKER_FAILURES: '10' });
    fake.reply = { hang: true };
    const message = llm.forMessage!();
    const t0 = Date.now();
    expect((await message.extract('a pasta', meal, { name: 'meal' })).source).toBe('rules');
    // the extraction deadline has passed: not asked again
    expect((await message.extract('b pasta', meal, { name: 'meal' })).source).toBe('rules');
    expect(fake.requests).toHaveLength(1);
    // generated text: first call + 900 ms, so there is time left, and it is spent waiting
    expect(await message.complete('write')).toEqual({ text: 'offline text', source: 'rules' });
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900 - TIMER_SLACK_MS);
    await expect.poll(() => fake.calls[1]!.abandonedAfterMs).toBeDefined();
    // a new message has its own deadline
    fake.reply = { content: { food: 'rice', grams: 100 } };
    expect((await llm.forMessage!().extract('c rice', meal, { name: 'meal' })).source).toBe('llm');
    expect(await counter('hive_llm_fallbacks_total')).toEqual(
      expect.arrayContaining([
        { op: 'extract', reason: 'deadline', value: 2 },
        { op: 'complete', reason: 'deadline', value: 1 },
      ]),
    );
  });

  it('the agent stopping ends the call with no verdict on the model', async () => {
    const llm = make({ OPENAI_DEADLINE_MS: '5000', OPENAI_BREAKER_FAILURES: '1' });
    fake.reply = { hang: true };
    const stopping = new AbortController();
    const call = llm.forMessage!(stopping.signal).extract('a pasta', meal, { name: 'meal' });
    await expect.poll(() => fake.calls.length).toBe(1);
    stopping.abort(new Error('agent stopping'));
    await expect(call).rejects.toThrow('agent stopping');
    expect(llm.breaker!.status()).toMatchObject({ state: 'closed', failures: 0 });
  });
});

describe('circuit breaker per endpoint', () => {
  it('opens after OPENAI_BREAKER_FAILURES failed calls: the model is not asked; one probe after OPENAI_BREAKER_OPEN_MS; an answer closes it', async () => {
    const llm = make({ OPENAI_DEADLINE_MS: '2000', OPENAI_MAX_RETRIES: '0', OPENAI_BREAKER_FAILURES: '3', OPENAI_BREAKER_OPEN_MS: '400' });
    fake.reply = { status: 500 };
    for (let i = 0; i < 3; i++) expect((await llm.extract(`${i} pasta`, meal, { name: 'meal' })).source).toBe('rules');
    expect(fake.requests).toHaveLength(3);
    expect(llm.breaker!.status()).toMatchObject({ state: 'open', failures: 3, lastError: 'HTTP 500' });
    expect(lines.filter((l) => l.msg?.startsWith('model circuit open'))).toHaveLength(1);

    // open: answered from the rules without a request
    for (let i = 0; i < 5; i++) expect((await llm.extract(`open ${i} pasta`, meal, { name: 'meal' })).source).toBe('rules');
    expect(fake.requests).toHaveLength(3);
    expect(await counter('hive_llm_fallbacks_total')).toEqual(expect.arrayContaining([{ op: 'extract', reason: 'breaker_open', value: 5 }]));
    expect(await counter('hive_llm_breaker_state')).toEqual([{ endpoint: `fake-model@${fake.baseURL}`, value: 2 }]);

    // half-open: one probe; a call meanwhile is answered by the rules at once
    await new Promise((r) => setTimeout(r, 450));
    fake.reply = { hang: true };
    const probe = llm.extract('probe pasta', meal, { name: 'meal' });
    await expect.poll(() => fake.requests.length).toBe(4);
    expect(llm.breaker!.state).toBe('half-open');
    expect(await counter('hive_llm_breaker_state')).toEqual([{ endpoint: `fake-model@${fake.baseURL}`, value: 1 }]);
    expect((await llm.extract('meanwhile pasta', meal, { name: 'meal' })).source).toBe('rules');
    expect(fake.requests).toHaveLength(4);
    // the probe hangs to its deadline: open again, the outage still dated from its start
    const since = llm.breaker!.status().unavailableSince;
    expect((await probe).source).toBe('rules');
    expect(llm.breaker!.status()).toMatchObject({ state: 'open', unavailableSince: since });

    // the model is back: the next probe closes it
    await new Promise((r) => setTimeout(r, 450));
    fake.reply = { content: { food: 'rice', grams: 100 } };
    expect(await llm.extract('back rice', meal, { name: 'meal' })).toEqual({ data: { food: 'rice', grams: 100 }, source: 'llm' });
    expect(llm.breaker!.status()).toEqual({ endpoint: `fake-model@${fake.baseURL}`, state: 'closed', failures: 0, since: expect.any(Number), lastError: expect.stringMatching(/^timed out after \d+ ms$/) });
    expect(lines.filter((l) => l.msg?.startsWith('model circuit closed'))).toHaveLength(1);
    expect(await counter('hive_llm_breaker_state')).toEqual([{ endpoint: `fake-model@${fake.baseURL}`, value: 0 }]);
  });

  it('is shared by the agents of one process: one opens it, the other answers from the rules without asking', async () => {
    const env = { OPENAI_DEADLINE_MS: '2000', OPENAI_MAX_RETRIES: '0', OPENAI_BREAKER_FAILURES: '2', OPENAI_BREAKER_OPEN_MS: '60000' };
    const iris = make(env);
    const box = make(env);
    fake.reply = { status: 503 };
    await iris.extract('a pasta', meal, { name: 'meal' });
    await iris.extract('b pasta', meal, { name: 'meal' });
    expect(fake.requests).toHaveLength(2);
    expect((await box.extract('c pasta', meal, { name: 'meal' })).source).toBe('rules');
    expect(fake.requests).toHaveLength(2);
    expect(box.breaker).toBe(iris.breaker);
  });
});

describe('through the runtime', () => {
  const chatId = '4917@c.us';
  const classified = (text: string) => classifiedIntent(text, {}, { intent: 'unknown', chatId, sentAt: '2025-03-14T07:45:12.000Z' });
  const twice = defineAgent({
    name: 'twice',
    version: '0.0.1',
    description: 'asks the model twice per message',
    skills: [],
    reads: {
      'intent.classified': {
        'intent.classified': async (m, ctx) => {
          const a = await ctx.llm.extract(m.data.text, meal, { name: 'meal' });
          const b = await ctx.llm.extract(m.data.text, meal, { name: 'meal' });
          return { stream: 'wa.outbound', type: 'wa.send', data: { chatId, text: `${a.source}+${b.source}`, replyTo: m.data.sourceMessageId } };
        },
      },
    },
    writes: ['wa.outbound'],
    offlineLlm: rules,
  });

  it("a handler's model calls share the delivery's deadline; the registry shows the breaker open at once, and closed again", async () => {
    const t = await createTestAgent(twice, {
      redis,
      env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_TIMEOUT_MS: '60000', OPENAI_DEADLINE_MS: '400', OPENAI_MAX_RETRIES: '0', OPENAI_BREAKER_FAILURES: '2', OPENAI_BREAKER_OPEN_MS: '500' },
    });
    try {
      const record = async () => (await listAgents(t.bus.driver, t.bus.keys)).find((a) => a.name === 'twice')!;
      const endpoint = `gpt-4o-mini@${fake.baseURL}`;
      expect((await record()).models).toEqual([{ endpoint, state: 'closed', failures: 0 }]);

      fake.reply = { hang: true };
      const first = classified('lunch pasta');
      await t.publish('intent.classified', 'intent.classified', first);
      const r1 = await t.expectMessage('wa.outbound', (m) => m.data.replyTo === first.sourceMessageId);
      // the first call used up the deadline; the second was not sent
      expect(r1.data.text).toBe('rules+rules');
      expect(fake.requests).toHaveLength(1);

      const second = classified('dinner pasta');
      await t.publish('intent.classified', 'intent.classified', second);
      await t.expectMessage('wa.outbound', (m) => m.data.replyTo === second.sourceMessageId);
      expect(fake.requests).toHaveLength(2);
      // the heartbeat interval is 1 s here; the record changes with the breaker, not at the next beat
      const open = await record();
      expect(open.models).toEqual([expect.objectContaining({ endpoint, state: 'open', failures: 2, unavailableSince: expect.any(Number) })]);

      const metrics = await (await fetch(`${t.agent.url}/metrics`)).text();
      // (every series of an agent also carries agent="<name>": one /metrics serves all agents of a process)
      expect(metrics).toContain(`hive_llm_breaker_state{endpoint="${endpoint}",agent="twice"} 2`);
      expect(metrics).toMatch(/hive_llm_fallbacks_total\{op="extract",reason="deadline",agent="twice"\} 4/);

      await new Promise((r) => setTimeout(r, 550));
      fake.reply = { content: { food: 'rice', grams: 100 } };
      const third = classified('rice');
      await t.publish('intent.classified', 'intent.classified', third);
      expect((await t.expectMessage('wa.outbound', (m) => m.data.replyTo === third.sourceMessageId)).data.text).toBe('llm+llm');
      await expect.poll(async () => modelStatuses(await record())[0]?.state).toBe('closed');
    } finally {
      await t.stop();
    }
  });
});
