/** hermes answering herald's summary requests on agent.requests, on a real Redis through the harness. */
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { TimeoutError } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHermes } from '../src/agent.js';

let redis: RedisServer;
const running: TestAgent[] = [];
// Far ahead, so that the reminders set here never fire during the test: only the agenda is read.
const NOW = new Date('2030-06-03T06:00:00.000Z'); // Monday 08:00 in Berlin
const CHAT = '491701234567@c.us';

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
});
afterAll(async () => {
  await redis?.stop();
});

async function startHermes() {
  const t = await createTestAgent(createHermes({ now: () => NOW }), { redis, env: { HIVE_TZ: 'Europe/Berlin' } });
  running.push(t);
  return t;
}

let seq = 0;
async function say(t: TestAgent, text: string) {
  const sourceMessageId = `wa_${++seq}_${Date.now()}`;
  await t.publish('intent.classified', 'intent.classified', {
    chatId: CHAT, from: CHAT, sourceMessageId, via: 'text', text, intent: 'schedule', entities: {}, confidence: 0.95, classifier: 'rules', sentAt: NOW.toISOString(),
  });
  return (await t.expectMessage('wa.outbound', (m) => m.data.replyTo === sourceMessageId)).data.text;
}

function ask(t: TestAgent, to: string, opts: { replyBy?: string; timeoutMs?: number } = {}) {
  return t.bus.request('agent.requests', 'summary.request', { to, chatId: CHAT, day: '2030-06-03', timezone: 'Europe/Berlin', ...(opts.replyBy ? { replyBy: opts.replyBy } : {}) }, { from: 'hermes', timeoutMs: opts.timeoutMs ?? 5_000 });
}

describe('summary requests', () => {
  it("answers with the rest of the day's reminders, soonest first", async () => {
    const t = await startHermes();
    expect((await ask(t, 'hermes')).data).toEqual({ agent: 'hermes', chatId: CHAT, day: '2030-06-03', text: '⏰ No more reminders today.', data: { remindersToday: 0, reminders: 0 } });
    await say(t, 'remind me at 18:30 to take the pills');
    await say(t, 'remind me at 12:00 to call mom');
    await say(t, 'tomorrow at 9 call the dentist');
    const m = await ask(t, 'hermes');
    expect(m.type).toBe('summary.reply');
    expect(m.data).toEqual({
      agent: 'hermes',
      chatId: CHAT,
      day: '2030-06-03',
      text: '⏰ Coming up today:\n12:00 call mom\n18:30 take the pills',
      data: { remindersToday: 2, reminders: 3 },
    });
  });

  it('ignores requests addressed to another agent, and requests whose reply-by time has passed', async () => {
    const t = await startHermes();
    await expect(ask(t, 'ledger', { timeoutMs: 600 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(ask(t, 'hermes', { timeoutMs: 600, replyBy: '2030-06-03T05:59:59.000Z' })).rejects.toBeInstanceOf(TimeoutError);
    expect(t.logs.some((l) => l.msg === 'summary request expired; not answering')).toBe(true);
  });
});
