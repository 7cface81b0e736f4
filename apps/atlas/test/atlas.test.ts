/**
 * atlas on a real Redis through the runtime's harness. The registry is the real one: the harness's
 * own heartbeat puts atlas there, and a test writes a record for an agent that does not exist in
 * this repository to prove the menu is read at request time, not from code.
 */
import type { Llm } from '@hive/agent';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import type { PublishResult } from '@hive/bus';
import { compareEntryIds, xinfoGroups, type AgentRecord } from '@hive/bus/admin';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAtlas } from '../src/agent.js';

let redis: RedisServer;
const running: TestAgent[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
});
afterAll(async () => {
  await redis?.stop();
});

async function startAtlas(llm?: Llm, fallbackGraceMs?: number) {
  const t = await createTestAgent(createAtlas({ now: () => new Date('2025-03-14T10:00:00.000Z'), ...(fallbackGraceMs !== undefined ? { fallbackGraceMs } : {}) }), { redis, ...(llm ? { llm } : {}) });
  running.push(t);
  return t;
}

const CHAT = '491701234567@c.us';
let seq = 0;

async function ask(t: TestAgent, text: string, intent: string, entities?: Record<string, string>): Promise<string>;
async function ask(t: TestAgent, text: string, intent: string, entities: Record<string, string>, withInput: true): Promise<{ reply: string; input: PublishResult }>;
async function ask(t: TestAgent, text: string, intent: string, entities: Record<string, string> = {}, withInput = false) {
  const sourceMessageId = `wa_${++seq}_${Date.now()}`;
  const input = await t.publish('intent.classified', 'intent.classified', {
    chatId: CHAT, from: CHAT, sourceMessageId, via: 'text', text, intent, entities, confidence: 0.9, classifier: 'rules', sentAt: '2025-03-14T10:00:00.000Z',
  });
  const reply = (await t.expectMessage('wa.outbound', (m) => m.data.replyTo === sourceMessageId)).data.text;
  return withInput ? { reply, input } : reply;
}

/** Put a record in the registry as a running agent's heartbeat would. */
async function register(t: TestAgent, record: Partial<AgentRecord> & { name: string }, ttlMs = 60_000) {
  const now = Date.now();
  const full: AgentRecord = { instance: '0', version: '1.0.0', host: 'test', pid: 1, reads: [], writes: [], startedAt: now, lastSeen: now, status: 'running', ...record };
  await t.bus.driver.call(['SET', t.bus.keys.agent(full.name, full.instance), JSON.stringify(full), 'PX', ttlMs]);
  await t.bus.driver.call(['ZADD', t.bus.keys.agentIndex(), now + ttlMs, `${full.name}:${full.instance}`]);
}

const zephyr = {
  name: 'zephyr',
  description: 'Waters the plants on the balcony.',
  skills: [{ name: 'water plants', description: 'Waters a plant now or on a schedule', examples: ['water the basil', 'water the tomatoes every morning'] }],
};

describe('help', () => {
  it('lists the live agents from the registry, including one this repository has never heard of', async () => {
    const t = await startAtlas();
    const before = await ask(t, 'help', 'help');
    expect(before).toContain('*atlas* — Answers questions');
    expect(before).not.toContain('zephyr');

    await register(t, zephyr);
    const after = await ask(t, 'help', 'help');
    expect(after).toContain('*zephyr* — Waters the plants on the balcony.');
    expect(after).toContain('• water plants: "water the basil"');
    expect(after).toContain("Here's what I can do (2 agents running):");
  });

  it('drops an agent once its heartbeat has expired', async () => {
    const t = await startAtlas();
    await register(t, zephyr, 300);
    expect(await ask(t, 'help', 'help')).toContain('zephyr');
    await new Promise((r) => setTimeout(r, 400));
    expect(await ask(t, 'help', 'help')).not.toContain('zephyr');
  });

  it('answers "help <topic>" with every example of the agents that serve it, or says none runs', async () => {
    const t = await startAtlas();
    await register(t, { name: 'hermes', description: 'Reminders and recurring events in plain words.', skills: [{ name: 'remind', description: 'Sets a reminder', examples: ['tomorrow at 9 call mom', 'every Monday 8am weigh in'] }] });
    await register(t, { name: 'kami', description: 'WhatsApp gateway.', skills: [] });
    const menu = await ask(t, 'help', 'help');
    expect(menu).toContain('Behind the scenes: kami (WhatsApp gateway).');
    expect(menu).toContain('Say *help reminders*');
    const reminders = await ask(t, 'help reminders', 'help', { topic: 'schedule' });
    expect(reminders).toContain('*hermes*');
    expect(reminders).toContain('• "every Monday 8am weigh in"');
    expect(await ask(t, 'help expenses', 'help', { topic: 'expense' })).toMatch(/^No running agent handles expenses right now/);
  });
});

describe('questions', () => {
  it('offline: says it cannot answer questions offline and points to help', async () => {
    const t = await startAtlas();
    expect(await ask(t, 'what is the capital of Australia?', 'question', { question: 'what is the capital of Australia?' })).toBe(
      "I can't answer general questions offline — no language model is configured here. Say *help* to see what I can do.",
    );
  });

  it('with a model: asks it, with the live agents in the system prompt', async () => {
    const calls: { prompt: string; system?: string }[] = [];
    const llm: Llm = {
      kind: 'openai',
      classify: async () => { throw new Error('not used'); },
      extract: async () => { throw new Error('not used'); },
      complete: async (prompt, o = {}) => {
        calls.push({ prompt, ...(o.system ? { system: o.system } : {}) });
        return { text: ' Canberra. ', source: 'llm' };
      },
    };
    const t = await startAtlas(llm);
    await register(t, zephyr);
    expect(await ask(t, 'hey, what is the capital of Australia?', 'question', { question: 'what is the capital of Australia?' })).toBe('Canberra.');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.prompt).toBe('what is the capital of Australia?');
    expect(calls[0]!.system).toContain('- zephyr: Waters the plants on the balcony. (e.g. "water the basil")');
    expect(calls[0]!.system).toContain('Today is 2025-03-14.');
  });

  it('with a model that fails: the port falls back, and atlas says the model was unreachable', async () => {
    const llm: Llm = {
      kind: 'openai',
      classify: async () => { throw new Error('not used'); },
      extract: async () => { throw new Error('not used'); },
      complete: async (_p, o = {}) => ({ text: o.fallback ?? '', source: 'rules' }),
    };
    const t = await startAtlas(llm);
    expect(await ask(t, 'why is the sky blue?', 'question')).toMatch(/^I couldn't reach the language model just now/);
  });
});

it('leaves every other intent to the running agent declaring it (iris answers "unknown" itself)', async () => {
  const t = await startAtlas();
  await register(t, { name: 'box', intents: [{ name: 'nutrition', description: 'Meals', examples: [] }] });
  const chat = `wa_other_${Date.now()}`;
  const sent = [];
  for (const intent of ['nutrition', 'unknown'] as const) {
    sent.push(await t.publish('intent.classified', 'intent.classified', {
      chatId: CHAT, from: CHAT, sourceMessageId: `${chat}_${intent}`, via: 'text', text: 'x y z', intent, entities: {}, confidence: 0.9, classifier: 'rules', sentAt: '2025-03-14T10:00:00.000Z',
    }));
  }
  // intent.classified is split by intent, and atlas reads every shard: once each of the two is
  // delivered to atlas and acked on its shard, both were handled; then help, answered.
  for (const input of sent) {
    await expect.poll(async () => {
      const g = (await xinfoGroups(t.bus.driver, t.bus.keys.stream(input.stream))).find((x) => x.name === 'atlas');
      return g !== undefined && g.pending === 0 && compareEntryIds(g.lastDeliveredId, input.entryId) >= 0;
    }, { timeout: 5_000 }).toBe(true);
  }
  await ask(t, 'help', 'help');
  const replies = await t.messages('wa.outbound');
  expect(replies).toHaveLength(1);
});

describe('an intent no running agent serves', () => {
  it('gets the fallback reply once, naming the intent, instead of waiting for an agent', async () => {
    const t = await startAtlas(undefined, 0);
    await register(t, zephyr);
    const { reply, input } = await ask(t, 'weather in Berlin', 'weather', {}, true);
    expect(reply).toMatch(/^I can't help with that right now: nothing that handles \*weather\* is running\. Say \*help\*/);
    expect(reply).toContain('"water the basil"');
    // handled and acked: one reply, nothing pending for a retry
    expect(await t.messages('wa.outbound')).toHaveLength(1);
    const pending = (await t.bus.driver.call(['XPENDING', t.bus.keys.stream(input.stream), 'atlas'])) as unknown[];
    expect(pending[0]).toBe(0);
  });

  it('waits for the registry to fill in its first seconds, so an agent starting beside it is not answered for', async () => {
    const t = await startAtlas(undefined, 1_500);
    const sourceMessageId = `wa_grace_${Date.now()}`;
    await t.publish('intent.classified', 'intent.classified', {
      chatId: CHAT, from: CHAT, sourceMessageId, via: 'text', text: 'weather in Oslo', intent: 'weather', entities: {}, confidence: 0.9, classifier: 'rules', sentAt: '2025-03-14T10:00:00.000Z',
    });
    await register(t, { name: 'weather', intents: [{ name: 'weather', description: 'Forecasts', examples: [] }] });
    // help is handled after the weather message (one chat, in order): by then atlas decided
    await ask(t, 'help', 'help');
    expect((await t.messages('wa.outbound')).filter((m) => m.data.replyTo === sourceMessageId)).toEqual([]);
  });
});
