/**
 * ledger on a real Redis through the runtime's harness, with an injected clock: Friday 14 March
 * 2025, 11:00 in Berlin.
 */
import type { Llm } from '@hive/agent';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../src/agent.js';

let redis: RedisServer;
const running: TestAgent[] = [];
const NOW = new Date('2025-03-14T10:00:00.000Z');

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
});
afterAll(async () => {
  await redis?.stop();
});

async function startLedger(opts: { prefix?: string; llm?: Llm; now?: Date } = {}) {
  const start = (opts.now ?? NOW).getTime();
  let ticks = 0;
  // A clock that moves a second per message, so "newest first" has an order to follow.
  const t = await createTestAgent(createLedger({ now: () => new Date(start + 1_000 * ticks++) }), {
    redis,
    env: { HIVE_TZ: 'Europe/Berlin', HIVE_CURRENCY: 'EUR' },
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    ...(opts.llm ? { llm: opts.llm } : {}),
  });
  running.push(t);
  return t;
}

const ANN = '491701234567@c.us';
const BOB = '491709999999@c.us';
let seq = 0;

interface Say {
  intent?: 'expense' | 'schedule';
  chatId?: string;
  entities?: Record<string, string | number | boolean>;
  classifier?: 'rules' | 'llm';
}

async function say(t: TestAgent, text: string, o: Say = {}) {
  const chatId = o.chatId ?? ANN;
  const sourceMessageId = `wa_${++seq}_${Date.now()}`;
  await t.publish('intent.classified', 'intent.classified', {
    chatId, from: chatId, sourceMessageId, via: 'text', text, intent: o.intent ?? 'expense', entities: o.entities ?? {}, confidence: 0.9, classifier: o.classifier ?? 'rules', sentAt: NOW.toISOString(),
  });
  return sourceMessageId;
}

async function ask(t: TestAgent, text: string, o: Say = {}): Promise<string> {
  const id = await say(t, text, o);
  return (await t.expectMessage('wa.outbound', (m) => m.data.replyTo === id)).data.text;
}

describe('ledger', () => {
  it('records an expense, publishes expense.recorded and confirms', async () => {
    const t = await startLedger();
    expect(await ask(t, 'spent 12.50 on lunch')).toBe('✅ 12.50 EUR — lunch (food).\nThis month food: 12.50 EUR.');
    const recorded = await t.expectMessage('expense.recorded');
    expect(recorded.data).toMatchObject({
      chatId: ANN, amountMinor: 1250, currency: 'EUR', category: 'food', description: 'lunch', spentOn: '2025-03-14', recordedBy: 'rules', recordedAt: '2025-03-14T10:00:00.000Z',
    });
    expect(recorded.data).not.toHaveProperty('budget');
    expect(await ask(t, 'paid 45 USD for the taxi')).toBe('✅ 45.00 USD — taxi (transport).\nThis month transport: 45.00 USD.');
    expect(await ask(t, '1.234,56 EUR rent')).toBe('✅ 1,234.56 EUR — rent (housing).\nThis month housing: 1,234.56 EUR.');
  });

  it('counts the expense it records when its reads ran before the record (the script reloaded after NOSCRIPT)', async () => {
    const t = await startLedger();
    await ask(t, 'budget food 100');
    expect(await ask(t, 'spent 70 on dinner')).toBe('✅ 70.00 EUR — dinner (food).\nThis month food: 70.00 / 100.00 EUR (70%)');
    // Redis forgets its scripts (a restart, a failover): the next record's EVALSHA is refused and its
    // script goes out again behind the reads that left with it, so they do not see the new expense.
    await t.bus.driver.call(['SCRIPT', 'FLUSH']);
    expect(await ask(t, 'snack 15')).toBe("✅ 15.00 EUR — snack (food).\nThis month food: 85.00 / 100.00 EUR (85%) ⚠️\n⚠️ You've used 85% of your food budget this month; 15.00 EUR left.");
  });

  it('warns once at 80% and once at 100% of a monthly budget', async () => {
    const t = await startLedger();
    expect(await ask(t, 'budget food 100')).toBe("📊 Budget set: food 100.00 EUR a month.\nSo far this month: 0.00 EUR (0%).\nI'll warn you at 80% and at 100%.");
    expect(await ask(t, 'spent 70 on dinner')).toBe('✅ 70.00 EUR — dinner (food).\nThis month food: 70.00 / 100.00 EUR (70%)');
    expect(await ask(t, 'coffee 12')).toBe(
      "✅ 12.00 EUR — coffee (food).\nThis month food: 82.00 / 100.00 EUR (82%) ⚠️\n⚠️ You've used 82% of your food budget this month; 18.00 EUR left.",
    );
    expect(await ask(t, 'snack 3')).toBe('✅ 3.00 EUR — snack (food).\nThis month food: 85.00 / 100.00 EUR (85%) ⚠️');
    expect(await ask(t, 'lunch 20')).toBe(
      "✅ 20.00 EUR — lunch (food).\nThis month food: 105.00 / 100.00 EUR (105%) 🚨\n🚨 You're over your food budget this month: 105.00 EUR of 100.00 EUR (105%).",
    );
    expect(await ask(t, 'lunch 5')).not.toContain("You're over");
    // Other categories and currencies are not in the food budget.
    expect(await ask(t, '€30 groceries')).toBe('✅ 30.00 EUR — groceries.\nThis month groceries: 30.00 EUR.');

    const last = (await t.messages('expense.recorded')).filter((m) => m.data.category === 'food').at(-1)!;
    expect(last.data.budget).toEqual({ period: 'month', limitMinor: 10000, spentMinor: 11000 });
    expect(await ask(t, 'budgets')).toBe('Budgets for March:\n• food: 110.00 / 100.00 EUR (110%) 🚨');
  });

  it('answers totals by day, week and month, by category, per chat', async () => {
    // Monday of the week before, with its own clock: in the month, not in this week. (Stopped before
    // the next one starts: two instances of one agent would compete for the same messages.)
    const prefix = randomPrefix('ledger');
    const earlier = await startLedger({ prefix, now: new Date('2025-03-03T10:00:00.000Z') });
    await ask(earlier, 'cinema 15');
    await earlier.stop();
    running.splice(running.indexOf(earlier), 1);

    const t = await startLedger({ prefix });
    await ask(t, 'spent 12.50 on lunch');
    await ask(t, 'yesterday dinner 40');
    await ask(t, '€30 groceries');
    await ask(t, 'taxi 20', { chatId: BOB });

    expect(await ask(t, 'how much did I spend today')).toBe('You spent 42.50 EUR today, 2 expenses.');
    expect(await ask(t, 'how much did I spend this week')).toBe('You spent 82.50 EUR this week (10 Mar–16 Mar), 3 expenses.');
    expect(await ask(t, 'spending by category this month')).toBe(
      ['You spent 97.50 EUR this month (1 Mar–31 Mar), 4 expenses.', '• food: 52.50 EUR', '• groceries: 30.00 EUR', '• entertainment: 15.00 EUR'].join('\n'),
    );
    expect(await ask(t, 'how much did I spend on food this month')).toBe('You spent 52.50 EUR on food this month (1 Mar–31 Mar), 2 expenses.');
    expect(await ask(t, 'list my expenses today')).toBe('You spent 42.50 EUR today, 2 expenses.\n• 14 Mar 30.00 EUR groceries\n• 14 Mar 12.50 EUR lunch (food)');
    expect(await ask(t, 'how much did I spend this month', { chatId: BOB })).toBe('You spent 20.00 EUR this month (1 Mar–31 Mar), 1 expense.');
    expect(await ask(t, 'how much did I spend last month')).toBe('No expenses last month (1 Feb–28 Feb) yet.');
  });

  it('keeps everything across a restart', async () => {
    const prefix = randomPrefix('ledger');
    const first = await startLedger({ prefix });
    await ask(first, 'spent 12.50 on lunch');
    await ask(first, 'budget food 300');
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await startLedger({ prefix });
    expect(await ask(second, 'how much did I spend this month')).toBe('You spent 12.50 EUR this month (1 Mar–31 Mar), 1 expense.');
    expect(await ask(second, 'budgets')).toBe('Budgets for March:\n• food: 12.50 / 300.00 EUR (4%)');
  });

  it('takes back the last expense', async () => {
    const t = await startLedger();
    await ask(t, 'coffee 3.20');
    await ask(t, 'spent 12.50 on lunch');
    expect(await ask(t, 'undo')).toBe('↩️ Removed 12.50 EUR — lunch (food) on 14 Mar.');
    expect(await ask(t, 'how much did I spend today')).toBe('You spent 3.20 EUR today, 1 expense.');
    expect(await ask(t, 'undo')).toBe('↩️ Removed 3.20 EUR — coffee (food) on 14 Mar.');
    expect(await ask(t, 'undo')).toBe('Nothing to undo: you have no recorded expenses.');
  });

  it('answers what it cannot read, and ignores other intents', async () => {
    const t = await startLedger();
    expect(await ask(t, 'lunch')).toMatch(/^I couldn't find an amount in that\. Try "spent 12\.50 on lunch"/);
    expect(await ask(t, 'budget cats 300')).toContain('"cats" is not one of my categories');
    const reminder = await say(t, 'remind me in 2 minutes to stretch', { intent: 'schedule' });
    await ask(t, 'budgets');
    expect((await t.messages('wa.outbound')).filter((m) => m.data.replyTo === reminder)).toHaveLength(0);
    expect(await t.deadLetters('intent.classified')).toEqual([]);
  });

  it("uses the amount iris found when its own rules find none", async () => {
    const t = await startLedger();
    const reply = await ask(t, 'twenty euros for the cinema', { entities: { action: 'record', amount: 20, currency: 'EUR', description: 'cinema' }, classifier: 'llm' });
    expect(reply).toBe('✅ 20.00 EUR — cinema (entertainment).\nThis month entertainment: 20.00 EUR.');
    expect((await t.expectMessage('expense.recorded')).data).toMatchObject({ amountMinor: 2000, recordedBy: 'llm' });
  });

  it('asks the LLM when configured and the rules find no amount', async () => {
    const llm: Llm = {
      kind: 'openai',
      classify: () => Promise.reject(new Error('not used')),
      complete: () => Promise.reject(new Error('not used')),
      extract: (async () => ({ data: { amount: 18.5, currency: 'USD', description: 'dinner', category: 'food' }, source: 'llm' })) as Llm['extract'],
    };
    const t = await startLedger({ llm });
    expect(await ask(t, 'dinner was eighteen fifty bucks')).toBe('✅ 18.50 USD — dinner (food).\nThis month food: 18.50 USD.');
    expect((await t.expectMessage('expense.recorded')).data).toMatchObject({ amountMinor: 1850, currency: 'USD', recordedBy: 'llm' });
  });
});
