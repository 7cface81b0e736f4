/** iris's handlers on a real Redis through the runtime's harness: what goes in, what comes out. */
import { createTestAgent, startFakeOpenAi, type FakeOpenAi, type TestAgent } from '@hive/agent/testing';
import { startHeartbeat, type Heartbeat } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { iris } from '../src/agent.js';
import { llmEntitiesSchema } from '../src/domain/llm-schema.js';

const CHAT = '491701234567@c.us';
let redis: RedisServer;
let t: TestAgent | undefined;
let n = 0;

const text = (body: string, extra: Record<string, unknown> = {}) => ({
  messageId: `wamid-${++n}`,
  chatId: CHAT,
  from: CHAT,
  text: body,
  sentAt: '2025-03-14T07:45:12.000Z',
  ...extra,
});

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('iris offline', () => {
  it('classifies a typed meal and leaves the reply to box', async () => {
    t = await createTestAgent(iris, { redis });
    const input = text('I had 2 eggs and toast for breakfast');
    await t.publish('wa.inbound', 'wa.message', input);
    const out = await t.expectMessage('intent.classified');
    expect(out.data).toMatchObject({
      chatId: CHAT,
      from: CHAT,
      sourceMessageId: input.messageId,
      via: 'text',
      text: 'I had 2 eggs and toast for breakfast',
      intent: 'nutrition',
      entities: { action: 'log', meal: 'breakfast', foods: '2 eggs and toast' },
      classifier: 'rules',
      sentAt: input.sentAt,
    });
    expect(out.src).toBe('iris');
    expect(await t.messages('wa.outbound')).toEqual([]);
  });

  it('classifies several chats at once and keeps each chat\'s messages in order', async () => {
    t = await createTestAgent(iris, { redis });
    const chats = ['491701111111@c.us', '491702222222@c.us', '491703333333@c.us'];
    const said: Record<string, string[]> = {};
    for (let i = 1; i <= 4; i++) {
      for (const chatId of chats) {
        const body = `spent ${i}.50 on lunch`;
        (said[chatId] ??= []).push(body);
        await t.publish('wa.inbound', 'wa.message', text(body, { chatId, from: chatId }));
      }
    }
    await t.expectMessage('intent.classified', (m) => m.data.chatId === chats[2] && m.data.text === 'spent 4.50 on lunch');
    for (const chatId of chats) await t.expectMessage('intent.classified', (m) => m.data.chatId === chatId && m.data.text === 'spent 4.50 on lunch');
    const out = await t.messages('intent.classified');
    for (const chatId of chats) expect(out.filter((m) => m.data.chatId === chatId).map((m) => m.data.text)).toEqual(said[chatId]);
    expect(out.every((m) => m.data.intent === 'expense')).toBe(true);
  });

  it('classifies a transcribed voice note as "voice"', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('voice.transcribed', 'voice.transcribed', {
      chatId: CHAT,
      from: CHAT,
      messageId: 'wamid-voice-1',
      text: 'remind me in 2 minutes to stretch',
      model: 'whisper-1',
      sentAt: '2025-03-14T07:46:02.000Z',
    });
    const out = await t.expectMessage('intent.classified');
    expect(out.data).toMatchObject({ via: 'voice', sourceMessageId: 'wamid-voice-1', intent: 'schedule', entities: { when: 'in 2 minutes', what: 'stretch' } });
  });

  it('leaves voice notes to vox and classifies what follows them', async () => {
    t = await createTestAgent(iris, { redis });
    const voice = text('', { media: { kind: 'voice', mime: 'audio/ogg; codecs=opus', base64: 'T2dnUw==', seconds: 2 } });
    const after = text('spent 12.50 on lunch');
    await t.publish('wa.inbound', 'wa.message', voice);
    await t.publish('wa.inbound', 'wa.message', after);
    const out = await t.expectMessage('intent.classified', (m) => m.data.sourceMessageId === after.messageId);
    expect(out.data).toMatchObject({ intent: 'expense', entities: { amount: 12.5, description: 'lunch' } });
    // Handled in stream order: the voice note was seen first and produced nothing.
    expect((await t.messages('intent.classified')).map((m) => m.data.sourceMessageId)).toEqual([after.messageId]);
    expect(await t.messages('wa.outbound')).toEqual([]);
  });

  it('answers what no agent serves, quoting it, and still publishes the classification', async () => {
    t = await createTestAgent(iris, { redis });
    const input = text('asdfgh');
    await t.publish('wa.inbound', 'wa.message', input);
    const reply = await t.expectMessage('wa.outbound');
    expect(reply.data).toMatchObject({ chatId: CHAT, replyTo: input.messageId });
    expect(reply.data.text).toMatch(/didn't catch that.*\*help\*/);
    const out = await t.expectMessage('intent.classified');
    expect(out.data).toMatchObject({ intent: 'unknown', confidence: 0 });
    // The reply belongs to the same conversation as the message it answers.
    expect(reply.corr).toBe(out.corr);
  });

  it('says thanks back to "thanks" rather than "I didn\'t catch that"', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('wa.inbound', 'wa.message', text('thanks!'));
    const reply = await t.expectMessage('wa.outbound');
    expect(reply.data.text).toBe("You're welcome! 🙂");
  });

  it('tells the owner it cannot look at an image without a caption', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('wa.inbound', 'wa.message', text('', { media: { kind: 'image', mime: 'image/jpeg', path: '/data/media/1.jpg' } }));
    const reply = await t.expectMessage('wa.outbound');
    expect(reply.data.text).toMatch(/can't look at images/);
    expect((await t.expectMessage('intent.classified')).data).toMatchObject({ intent: 'unknown', entities: { media: 'image' } });
  });

  it('classifies an image caption like any text', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('wa.inbound', 'wa.message', text('lunch: chicken salad', { media: { kind: 'image', mime: 'image/jpeg', path: '/data/media/2.jpg' } }));
    expect((await t.expectMessage('intent.classified')).data).toMatchObject({ intent: 'nutrition', entities: { meal: 'lunch', foods: 'chicken salad' } });
  });

  it('asks again when a voice note had no words in it', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('voice.transcribed', 'voice.transcribed', { chatId: CHAT, from: CHAT, messageId: 'wamid-silent', text: '  ', model: 'whisper-1', sentAt: '2025-03-14T07:46:02.000Z' });
    expect((await t.expectMessage('wa.outbound')).data.text).toMatch(/couldn't make out any words/);
  });
});

/** A running agent, as far as the registry shows: a record declaring a weather intent with an offline rule. */
function weatherAgent(agent: TestAgent): Promise<Heartbeat> {
  return startHeartbeat(agent.bus.driver, agent.bus.keys, {
    name: 'weather',
    instance: 'weather-1',
    version: '0.1.0',
    reads: ['intent.classified'],
    writes: ['wa.outbound'],
    intents: [{ name: 'weather', description: 'The weather forecast for a place', examples: ['weather in Berlin'], offline: { pattern: '^(?:the\\s+)?weather(?:\\s+in\\s+(?<place>.+))?$', confidence: 0.9 } }],
  });
}

describe('intents the running agents declare', () => {
  it('routes a new intent by the offline rule of the agent declaring it, with its named groups as entities', async () => {
    t = await createTestAgent(iris, { redis });
    const beat = await weatherAgent(t);
    try {
      await t.publish('wa.inbound', 'wa.message', text('Weather in Berlin'));
      const out = await t.expectMessage('intent.classified');
      expect(out.data).toMatchObject({ intent: 'weather', classifier: 'rules', confidence: 0.9, entities: { place: 'Berlin' } });
      expect(await t.messages('wa.outbound')).toEqual([]);
    } finally {
      await beat.stop();
    }
  });

  it('leaves the built-in intents to the built-in rules, and forgets an intent whose agent is gone', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('wa.inbound', 'wa.message', text('weather in Paris'));
    // Nobody declares "weather": iris's own rules do not know it, so it is nobody's.
    expect((await t.expectMessage('intent.classified')).data).toMatchObject({ intent: 'unknown' });
    const beat = await weatherAgent(t);
    await beat.stop();
    await t.publish('wa.inbound', 'wa.message', text('I had 2 eggs and toast'));
    expect((await t.expectMessage('intent.classified', (m) => m.data.text === 'I had 2 eggs and toast')).data).toMatchObject({ intent: 'nutrition' });
  });
});

describe('undo', () => {
  it('sends a bare "undo" to the agent the chat last wrote to', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('wa.inbound', 'wa.message', text('spent 12.50 on lunch'));
    await t.publish('wa.inbound', 'wa.message', text('how much protein today'));
    const undo = text('undo');
    await t.publish('wa.inbound', 'wa.message', undo);
    const out = await t.expectMessage('intent.classified', (m) => m.data.sourceMessageId === undo.messageId);
    // The question in between wrote nothing, so the expense is still the last thing to undo.
    expect(out.data).toMatchObject({ intent: 'expense', entities: { action: 'undo', last: true } });
    expect(await t.messages('wa.outbound')).toEqual([]);
  });

  it('asks what to undo when the chat wrote nothing lately, and keeps chats apart', async () => {
    t = await createTestAgent(iris, { redis });
    await t.publish('wa.inbound', 'wa.message', text('2 eggs and toast', { chatId: 'other@c.us', from: 'other@c.us' }));
    const undo = text('oops');
    await t.publish('wa.inbound', 'wa.message', undo);
    const reply = await t.expectMessage('wa.outbound', (m) => m.data.replyTo === undo.messageId);
    expect(reply.data.text).toMatch(/not sure what to undo/);
  });
});

describe('iris with a model', () => {
  let fake: FakeOpenAi;
  const nulls = Object.fromEntries(Object.keys(llmEntitiesSchema.shape).map((k) => [k, null]));
  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    await fake.close();
  });
  const withModel = () => createTestAgent(iris, { redis, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_MAX_RETRIES: '0', OPENAI_TIMEOUT_MS: '2000' } });

  it('uses the model when the rules are unsure, with structured output', async () => {
    fake.requests.length = 0;
    fake.reply = { content: { intent: 'nutrition', confidence: 0.88, entities: { ...nulls, action: 'log', foods: 'porridge', meal: 'breakfast' } } };
    t = await withModel();
    await t.publish('wa.inbound', 'wa.message', text('brekkie was a big bowl of porridge, yum'));
    const out = await t.expectMessage('intent.classified');
    expect(out.data).toMatchObject({ intent: 'nutrition', confidence: 0.88, classifier: 'llm', entities: { action: 'log', foods: 'porridge', meal: 'breakfast' } });
    // nulls are "not said": none reaches the contract
    expect(Object.values(out.data.entities)).not.toContain(null);
    expect(fake.requests).toHaveLength(1);
    const format = fake.requests[0]!.response_format as { type: string; json_schema: { name: string; strict: boolean } };
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'intent', strict: true } });
  });

  it('trusts an exact command without asking the model', async () => {
    fake.requests.length = 0;
    t = await withModel();
    await t.publish('wa.inbound', 'wa.message', text('help'));
    expect((await t.expectMessage('intent.classified')).data).toMatchObject({ intent: 'help', classifier: 'rules' });
    expect(fake.requests).toHaveLength(0);
  });

  it('falls back to the rules when the model fails', async () => {
    fake.requests.length = 0;
    fake.reply = { status: 500 };
    t = await withModel();
    await t.publish('wa.inbound', 'wa.message', text('2 eggs and toast'));
    const out = await t.expectMessage('intent.classified');
    expect(out.data).toMatchObject({ intent: 'nutrition', classifier: 'rules', entities: { foods: '2 eggs and toast' } });
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('falls back to the rules when the model answers outside the schema', async () => {
    fake.reply = { content: { intent: 'poetry', confidence: 1, entities: nulls } };
    t = await withModel();
    await t.publish('wa.inbound', 'wa.message', text('ran 5k'));
    expect((await t.expectMessage('intent.classified')).data).toMatchObject({ intent: 'habit', classifier: 'rules', entities: { distanceKm: 5 } });
  });

  it('offers the model the intents of the running agents, and publishes the one it picks', async () => {
    fake.requests.length = 0;
    fake.reply = { content: { intent: 'weather', confidence: 0.8, entities: { ...nulls, query: 'rain tomorrow' } } };
    t = await withModel();
    const beat = await weatherAgent(t);
    try {
      await t.publish('wa.inbound', 'wa.message', text('will I need an umbrella in Lisbon tomorrow'));
      expect((await t.expectMessage('intent.classified')).data).toMatchObject({ intent: 'weather', classifier: 'llm', entities: { query: 'rain tomorrow' } });
      const request = JSON.stringify(fake.requests[0]);
      expect(request).toContain('- weather: The weather forecast for a place');
      expect(request).toContain('"weather"');
    } finally {
      await beat.stop();
    }
  });

  it('answers "unknown" from the model too', async () => {
    fake.reply = { content: { intent: 'unknown', confidence: 0.7, entities: nulls } };
    t = await withModel();
    await t.publish('wa.inbound', 'wa.message', text('purple monkey dishwasher'));
    expect((await t.expectMessage('wa.outbound')).data.text).toMatch(/didn't catch that/);
  });
});
