/** ledger answering herald's summary requests on agent.requests, on a real Redis through the harness. */
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { TimeoutError } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../src/agent.js';

let redis: RedisServer;
const running: TestAgent[] = [];
const NOW = new Date('2025-03-14T10:00:00.000Z');
const ANN = '491701234567@c.us';

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
});
afterAll(async () => {
  await redis?.stop();
});

async function startLedger() {
  const t = await createTestAgent(createLedger({ now: () => NOW }), { redis, env: { HIVE_TZ: 'Europe/Berlin', HIVE_CURRENCY: 'EUR' } });
  running.push(t);
  return t;
}

let seq = 0;
async function say(t: TestAgent, text: string) {
  const sourceMessageId = `wa_${++seq}_${Date.now()}`;
  await t.publish('intent.classified', 'intent.classified', {
    chatId: ANN, from: ANN, sourceMessageId, via: 'text', text, intent: 'expense', entities: {}, confidence: 0.9, classifier: 'rules', sentAt: NOW.toISOString(),
  });
  await t.expectMessage('wa.outbound', (m) => m.data.replyTo === sourceMessageId);
}

function ask(t: TestAgent, to: string, day: string, opts: { replyBy?: string; timeoutMs?: number } = {}) {
  return t.bus.request('agent.requests', 'summary.request', { to, chatId: ANN, day, timezone: 'Europe/Berlin', ...(opts.replyBy ? { replyBy: opts.replyBy } : {}) }, { from: 'ledger', timeoutMs: opts.timeoutMs ?? 5_000 });
}

describe('summary requests', () => {
  it("answers with the day's spending, the month so far and budgets at risk", async () => {
    const t = await startLedger();
    await say(t, 'budget food 100');
    await say(t, 'spent 70 on dinner yesterday');
    await say(t, 'spent 12.50 on lunch');
    const m = await ask(t, 'ledger', '2025-03-14');
    expect(m.type).toBe('summary.reply');
    expect(m.data).toEqual({
      agent: 'ledger',
      chatId: ANN,
      day: '2025-03-14',
      text: 'Spent today: 12.50 EUR (1 expense).\nThis month so far: 82.50 EUR.\nBudget food: 82.50 / 100.00 EUR (82%) ⚠️',
      data: { expenses: 1, monthExpenses: 2, currency: 'EUR', spentMinor: 1250, monthCurrency: 'EUR', monthSpentMinor: 8250 },
    });
  });

  it('early in a day with nothing spent yet, tells the day before; with nothing at all, says so', async () => {
    const t = await startLedger();
    expect((await ask(t, 'ledger', '2025-03-14')).data).toMatchObject({ text: 'Spending: nothing recorded this month yet.', data: { expenses: 0, monthExpenses: 0 } });
    await say(t, 'spent 9 on a taxi');
    expect((await ask(t, 'ledger', '2025-03-15')).data).toMatchObject({ text: 'Spent yesterday: 9.00 EUR (1 expense).\nThis month so far: 9.00 EUR.' });
  });

  it('ignores requests addressed to another agent, and requests whose reply-by time has passed', async () => {
    const t = await startLedger();
    await expect(ask(t, 'box', '2025-03-14', { timeoutMs: 600 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(ask(t, 'ledger', '2025-03-14', { timeoutMs: 600, replyBy: '2025-03-14T09:59:59.000Z' })).rejects.toBeInstanceOf(TimeoutError);
    expect(t.logs.some((l) => l.msg === 'summary request expired; not answering')).toBe(true);
  });
});
