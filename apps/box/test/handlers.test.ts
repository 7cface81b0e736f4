/** box's handler on a real Redis through the runtime's harness: classified intents in, meals and replies out. */
import { createTestAgent, startFakeOpenAi, type FakeOpenAi, type TestAgent } from '@hive/agent/testing';
import type { PayloadInput } from '@hive/contracts';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBox } from '../src/agent.js';

const CHAT = '491701234567@c.us';
const NOW = new Date('2025-03-14T08:00:00.000Z');
let redis: RedisServer;
let t: TestAgent | undefined;
let n = 0;

type Intent = PayloadInput<'intent.classified', 'intent.classified'>;

/** An intent.classified as iris would publish it. */
function said(text: string, entities: Intent['entities'] = {}, extra: Partial<Intent> = {}): Intent {
  return {
    chatId: CHAT,
    from: CHAT,
    sourceMessageId: `wamid-${++n}`,
    via: 'text',
    text,
    intent: 'nutrition',
    entities,
    confidence: 0.9,
    classifier: 'rules',
    sentAt: '2025-03-14T07:45:12.000Z',
    ...extra,
  };
}

async function start(env: Record<string, string> = {}) {
  // A clock that starts at NOW and moves one second per reading: deterministic, and meals keep their order.
  let tick = 0;
  t = await createTestAgent(createBox({ now: () => new Date(NOW.getTime() + 1000 * tick++) }), { redis, env });
  return t;
}

/** Wait until `check` holds (the handler runs asynchronously). */
async function until(check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Publish and wait for the reply that answers it. */
async function ask(agent: TestAgent, input: Intent) {
  await agent.publish('intent.classified', 'intent.classified', input);
  return agent.expectMessage('wa.outbound', (m) => m.data.replyTo === input.sourceMessageId);
}

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

describe('box', () => {
  it('logs a meal: nutrition.logged with the numbers, and a short reply with progress', async () => {
    const agent = await start();
    const input = said('I had 2 eggs and toast for breakfast', { action: 'log', meal: 'breakfast', foods: '2 eggs and toast' });
    const reply = await ask(agent, input);
    expect(reply.data.text).toBe('Logged breakfast: 2 eggs (155 kcal, 12.6 g protein), toast (80 kcal) = 235 kcal — today 235 / 2,000 kcal (1,765 left).');
    const logged = await agent.expectMessage('nutrition.logged');
    expect(logged.data).toEqual({
      chatId: CHAT,
      entryId: expect.stringMatching(/^meal_/),
      description: 'I had 2 eggs and toast for breakfast',
      meal: 'breakfast',
      items: [
        { name: 'egg', quantity: '2', grams: 100, kcal: 155, proteinG: 12.6, carbsG: 1.1, fatG: 10.6 },
        { name: 'white bread', grams: 30, kcal: 80, proteinG: 2.3, carbsG: 15.2, fatG: 1 },
      ],
      totals: { kcal: 235, proteinG: 14.9, carbsG: 16.3, fatG: 11.6 },
      day: '2025-03-14',
      dayTotals: { kcal: 235, proteinG: 14.9, carbsG: 16.3, fatG: 11.6 },
      estimatedBy: 'rules',
      loggedAt: NOW.toISOString(),
    });
    expect(logged.src).toBe('box');
    // State lives under the bus's key builder for agent data.
    const stored = await agent.bus.driver.call(['HLEN', agent.bus.keys.data('box', 'meals', CHAT, '2025-03-14')]);
    expect(Number(stored)).toBe(1);
    // The reply and the fact belong to the conversation that asked.
    expect(reply.corr).toBe(logged.corr);
  });

  it('keeps daily totals per chat, answers questions about them, and tracks a goal', async () => {
    const agent = await start({ BOX_DAILY_KCAL: '1800' });
    await ask(agent, said('2 eggs and toast', { action: 'log', foods: '2 eggs and toast' }));
    const lunch = await ask(agent, said('lunch: 150 g chicken breast and a bowl of rice', { action: 'log', meal: 'lunch', foods: '150 g chicken breast and a bowl of rice' }));
    expect(lunch.data.text).toBe('Logged lunch: 150 g chicken breast (248 kcal, 46.5 g protein), a bowl of rice (195 kcal) = 443 kcal — today 678 / 1,800 kcal (1,122 left).');
    const logged = await agent.expectMessage('nutrition.logged', (m) => m.data.meal === 'lunch');
    expect(logged.data.dayTotals).toEqual({ kcal: 678, proteinG: 65.5, carbsG: 58.6, fatG: 17.5 });

    // Another chat's meals are not this chat's.
    await ask(agent, said('a banana', { action: 'log', foods: 'a banana' }, { chatId: 'other@c.us', from: 'other@c.us' }));

    const protein = await ask(agent, said('how much protein today', { action: 'summary', nutrient: 'protein', day: 'today' }));
    expect(protein.data.text).toBe('Protein today: 65.5 g (from 2 meals, 678 kcal).');

    const goal = await ask(agent, said('set my goal to 2200 kcal', { action: 'goal', goalKcal: 2200 }));
    expect(goal.data.text).toBe('Daily goal set to 2,200 kcal — today 678 / 2,200 kcal (1,522 left).');

    const eaten = await ask(agent, said('what did I eat today', { action: 'summary', day: 'today' }));
    expect(eaten.data.text).toBe(
      ['Today:', '• 07:45: 2 eggs, toast — 235 kcal', '• lunch: 150 g chicken breast, a bowl of rice — 443 kcal', 'Total 678 / 2,200 kcal · protein 65.5 g · carbs 58.6 g · fat 17.5 g'].join('\n'),
    );
    const show = await ask(agent, said("what's my goal", { action: 'goal' }));
    expect(show.data.text).toBe('Your daily goal is 2,200 kcal — today 678 / 2,200 kcal (1,522 left).');
  });

  it('decides "today" in HIVE_TZ from when the message was sent', async () => {
    const agent = await start({ HIVE_TZ: 'Europe/Berlin' });
    // 22:30 UTC on the 14th is 23:30 in Berlin; 23:30 UTC is already the 15th there.
    await ask(agent, said('an apple', { action: 'log', foods: 'an apple' }, { sentAt: '2025-03-14T22:30:00.000Z' }));
    const late = said('a banana', { action: 'log', foods: 'a banana' }, { sentAt: '2025-03-14T23:30:00.000Z' });
    const reply = await ask(agent, late);
    expect(reply.data.text).toMatch(/today 105 \/ 2,000 kcal/);
    const logged = await agent.expectMessage('nutrition.logged', (m) => m.data.day === '2025-03-15');
    expect(logged.data.dayTotals.kcal).toBe(105);
    const yesterday = await ask(agent, said('what did I eat yesterday', { action: 'summary', day: 'yesterday' }, { sentAt: '2025-03-14T23:31:00.000Z' }));
    expect(yesterday.data.text).toMatch(/^Yesterday:\n• 23:30: an apple — 94 kcal/);
  });

  it('counts a redelivered message once', async () => {
    const agent = await start();
    const input = said('2 eggs', { action: 'log', foods: '2 eggs' });
    await ask(agent, input);
    // The same WhatsApp message again, as a new bus message (a replay, or iris re-publishing it).
    await agent.publish('intent.classified', 'intent.classified', input);
    await until(async () => (await agent.messages('nutrition.logged')).length === 2);
    const total = await ask(agent, said('calories today', { action: 'summary', nutrient: 'kcal' }));
    expect(total.data.text).toMatch(/^Today: 155 \/ 2,000 kcal/);
    const logged = await agent.messages('nutrition.logged');
    expect(logged.map((m) => m.data.dayTotals.kcal)).toEqual([155, 155]);
  });

  it('undoes the last meal, once, even when the undo is replayed', async () => {
    const agent = await start();
    await ask(agent, said('breakfast: 2 eggs and toast', { action: 'log', meal: 'breakfast', foods: '2 eggs and toast' }));
    await ask(agent, said('lunch: a bowl of rice', { action: 'log', meal: 'lunch', foods: 'a bowl of rice' }, { sentAt: '2025-03-14T11:30:00.000Z' }));
    const undo = said('undo', { action: 'undo', last: true }, { sentAt: '2025-03-14T11:31:00.000Z' });
    const reply = await ask(agent, undo);
    expect(reply.data.text).toBe('Removed lunch: a bowl of rice (195 kcal) — today 235 / 2,000 kcal (1,765 left).');
    // The same undo again (a replay): it repeats what it did and removes nothing more.
    await agent.publish('intent.classified', 'intent.classified', undo);
    await until(async () => (await agent.messages('wa.outbound')).filter((m) => m.data.replyTo === undo.sourceMessageId).length === 2);
    const replies = (await agent.messages('wa.outbound')).filter((m) => m.data.replyTo === undo.sourceMessageId);
    expect(replies.map((m) => m.data.text)).toEqual([reply.data.text, reply.data.text]);
    const eaten = await ask(agent, said('what did I eat today', { action: 'summary' }, { sentAt: '2025-03-14T12:00:00.000Z' }));
    expect(eaten.data.text).toMatch(/^Today:\n• breakfast: 2 eggs, toast — 235 kcal\nTotal 235 /);
    const more = await ask(agent, said('delete the last meal', {}, { sentAt: '2025-03-14T12:01:00.000Z' }));
    expect(more.data.text).toMatch(/^Removed breakfast: 2 eggs, toast \(235 kcal\) — today 0 \/ 2,000 kcal/);
    const none = await ask(agent, said('undo', { action: 'undo' }, { sentAt: '2025-03-14T12:02:00.000Z' }));
    expect(none.data.text).toBe('Nothing to undo — no meals logged today or yesterday.');
  });

  it('reports foods it does not know, logging the rest, and logs nothing when it knows none', async () => {
    const agent = await start();
    const some = await ask(agent, said('2 eggs and a zorgburger', { action: 'log', foods: '2 eggs and a zorgburger' }));
    expect(some.data.text).toBe(
      'Logged: 2 eggs (155 kcal, 12.6 g protein) — today 155 / 2,000 kcal (1,845 left).\nI don\'t know "zorgburger" yet, so it isn\'t counted — try a common name or a weight, e.g. "150 g chicken breast".',
    );
    const none = await ask(agent, said('a plate of moon rocks', { action: 'log', foods: 'a plate of moon rocks' }));
    expect(none.data.text).toMatch(/^I don't know "plate of moon rocks" yet.* Nothing was logged\.$/s);
    expect((await agent.messages('nutrition.logged')).length).toBe(1);
  });

  it('reads the text itself when the entities are missing', async () => {
    const agent = await start();
    const reply = await ask(agent, said('for dinner I had spaghetti bolognese and a glass of red wine'));
    expect(reply.data.text).toBe('Logged dinner: spaghetti bolognese (462 kcal, 22.8 g protein), a glass of red wine (128 kcal) = 590 kcal — today 590 / 2,000 kcal (1,410 left).');
  });

  it('answers food facts without logging, refuses a silly goal, and ignores other intents', async () => {
    const agent = await start();
    await agent.publish('intent.classified', 'intent.classified', said('remind me in 2 minutes to stretch', { action: 'create' }, { intent: 'schedule' }));
    const facts = await ask(agent, said('how many calories in a banana', { action: 'lookup', nutrient: 'kcal', foods: 'a banana' }));
    expect(facts.data.text).toBe('a banana (118 g): 105 kcal · protein 1.3 g · carbs 26.9 g · fat 0.4 g\n(Not logged — say "I had …" to log it.)');
    const bad = await ask(agent, said('set my goal to 50000 kcal', { action: 'goal', goalKcal: 50000 }));
    expect(bad.data.text).toMatch(/between 800 and 10,000 kcal/);
    expect(await agent.messages('nutrition.logged')).toEqual([]);
    // Only the two nutrition messages got replies.
    expect((await agent.messages('wa.outbound')).length).toBe(2);
  });
});

describe('box answering herald', () => {
  it('answers a summary request for a chat\'s day, and only those addressed to box', async () => {
    const agent = await start({ BOX_DAILY_KCAL: '2200' });
    await ask(agent, said('2 eggs and toast', { action: 'log', foods: '2 eggs and toast' }));
    const request = { to: 'box', chatId: CHAT, day: '2025-03-14', timezone: 'UTC' };
    const answer = await agent.bus.request<{ text: string; data: Record<string, number> }>('agent.requests', 'summary.request', request, { from: 'box', timeoutMs: 3000 });
    expect(answer.type).toBe('summary.reply');
    expect(answer.data).toEqual({
      agent: 'box',
      chatId: CHAT,
      day: '2025-03-14',
      text: 'Nutrition: 235 / 2,200 kcal from 1 meal · protein 14.9 g.',
      data: { meals: 1, kcal: 235, goalKcal: 2200, proteinG: 14.9, carbsG: 16.3, fatG: 11.6 },
    });
    const empty = await agent.bus.request<{ text: string }>('agent.requests', 'summary.request', { ...request, day: '2025-03-13' }, { from: 'box', timeoutMs: 3000 });
    expect(empty.data.text).toBe('Nutrition: nothing logged yet · goal 2,200 kcal.');
    // Addressed to another agent, or already past its deadline: box stays silent.
    await expect(agent.bus.request('agent.requests', 'summary.request', { ...request, to: 'ledger' }, { from: 'box', timeoutMs: 400 })).rejects.toThrow(/no reply from box to summary.request/);
    await expect(agent.bus.request('agent.requests', 'summary.request', { ...request, replyBy: '2025-03-14T07:00:00.000Z' }, { from: 'box', timeoutMs: 400 })).rejects.toThrow(/no reply from box to summary.request/);
  });
});

describe('box with a model', () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('lets the model estimate what the table lacks, and says so', async () => {
    fake.reply = { content: { items: [{ name: 'zorgburger', grams: 250, kcal: 600, proteinG: 30, carbsG: 45, fatG: 32 }] } };
    const agent = await start({ OPENAI_BASE_URL: fake.baseURL, OPENAI_MAX_RETRIES: '0' });
    const reply = await ask(agent, said('a zorgburger and a coke', { action: 'log', foods: 'a zorgburger and a coke' }));
    expect(reply.data.text).toBe('Logged: a zorgburger (600 kcal, 30 g protein), a coke (139 kcal) = 739 kcal — today 739 / 2,000 kcal (1,261 left).');
    const logged = await agent.expectMessage('nutrition.logged');
    expect(logged.data).toMatchObject({ estimatedBy: 'llm', items: [{ name: 'zorgburger', grams: 250, kcal: 600 }, { name: 'cola', grams: 330, kcal: 139 }] });
    expect(fake.requests).toHaveLength(1);
  });

  it('falls back to the table when the model fails', async () => {
    fake.reply = { status: 500 };
    const agent = await start({ OPENAI_BASE_URL: fake.baseURL, OPENAI_MAX_RETRIES: '0' });
    const reply = await ask(agent, said('2 eggs and a zorgburger', { action: 'log', foods: '2 eggs and a zorgburger' }));
    expect(reply.data.text).toMatch(/^Logged: 2 eggs .*\nI don't know "zorgburger" yet/);
    expect((await agent.expectMessage('nutrition.logged')).data.estimatedBy).toBe('rules');
  });
});
