/**
 * herald on a real Redis through the runtime's harness, with its four sources as real agents on the
 * same Redis and prefix (tiny definitions that answer summary requests the way box, ledger, hermes and
 * pulse do), so the requests, the replies, the registry and the timeouts are all the real ones.
 */
import { defineAgent } from '@hive/agent';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHerald } from '../src/agent.js';

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

const CHAT = '491701234567@c.us';
const NOW = new Date('2025-03-14T10:00:00.000Z');
const LINES: Record<string, string> = {
  box: 'Nutrition: 1,840 / 2,000 kcal from 3 meals.',
  ledger: 'Spending today: 23.40 EUR.',
  hermes: 'Reminders today: 18:30 take the pills.',
  pulse: 'Habits: 1.5 L water, ran 5 km.',
};

/** A source that answers like the real ones, or stays silent (running, in the registry, never answering). */
function source(name: string, mode: 'answer' | 'silent' = 'answer') {
  return defineAgent({
    name,
    version: '0.0.0',
    description: `stand-in for ${name}`,
    skills: [],
    reads: {
      'agent.requests': {
        'summary.request': (m, ctx) => {
          if (m.data.to !== name || mode === 'silent') return undefined;
          return ctx.reply('summary.reply', { agent: name, chatId: m.data.chatId, day: m.data.day, text: `${LINES[name]} (${m.data.day})`, data: {} });
        },
      },
    },
    // Like the real sources: a reply is not a write.
    writes: [],
  });
}

async function network(opts: { silent?: string[]; absent?: string[]; timeoutMs?: number } = {}) {
  const prefix = randomPrefix('herald');
  const sources: Record<string, TestAgent> = {};
  for (const name of ['box', 'ledger', 'hermes', 'pulse']) {
    if (opts.absent?.includes(name)) continue;
    const t = await createTestAgent(source(name, opts.silent?.includes(name) ? 'silent' : 'answer'), { redis, prefix });
    running.push(t);
    sources[name] = t;
  }
  const herald = await createTestAgent(createHerald({ now: () => NOW }), {
    redis,
    prefix,
    env: { HIVE_TZ: 'Europe/Berlin', HERALD_TIMEOUT_MS: String(opts.timeoutMs ?? 3_000) },
  });
  running.push(herald);
  return { herald, sources };
}

let seq = 0;
async function askForBriefing(t: TestAgent) {
  const sourceMessageId = `wa_${++seq}_${Date.now()}`;
  const started = Date.now();
  await t.publish('intent.classified', 'intent.classified', {
    chatId: CHAT, from: CHAT, sourceMessageId, via: 'text', text: 'briefing', intent: 'briefing', entities: {}, confidence: 0.95, classifier: 'rules', sentAt: NOW.toISOString(),
  });
  const m = await t.expectMessage('wa.outbound', (x) => x.data.replyTo === sourceMessageId, 15_000);
  return { text: m.data.text, elapsedMs: Date.now() - started };
}

describe('the briefing', () => {
  it('on demand: every source answers, in the configured order, for today in the owner\'s zone', async () => {
    const { herald } = await network();
    const { text } = await askForBriefing(herald);
    expect(text).toBe(
      [
        '☀️ Your briefing for Friday 14 March',
        '',
        'Nutrition: 1,840 / 2,000 kcal from 3 meals. (2025-03-14)',
        'Spending today: 23.40 EUR. (2025-03-14)',
        'Reminders today: 18:30 take the pills. (2025-03-14)',
        'Habits: 1.5 L water, ran 5 km. (2025-03-14)',
      ].join('\n'),
    );
    const requests = await herald.messages('agent.requests');
    expect(requests.map((r) => (r.data as { to: string }).to).sort()).toEqual(['box', 'hermes', 'ledger', 'pulse']);
    expect(requests.every((r) => r.type === 'summary.request' && r.replyTo !== undefined && r.data.timezone === 'Europe/Berlin')).toBe(true);
  });

  it('scheduled: hermes\'s briefing.due names the chat, the day and the zone', async () => {
    const { herald } = await network();
    await herald.publish('schedule.due', 'briefing.due', { chatId: CHAT, day: '2025-03-15', timezone: 'Europe/Berlin', dueAt: '2025-03-15T07:00:00.000+01:00' });
    const m = await herald.expectMessage('wa.outbound', (x) => x.data.chatId === CHAT, 15_000);
    expect(m.data.text).toMatch(/^☀️ Your briefing for Saturday 15 March\n\nNutrition: .* \(2025-03-15\)/);
    expect(m.data.replyTo).toBeUndefined();
  });

  it('with a source stopped: it arrives without waiting for it and names it', async () => {
    const { herald, sources } = await network({ timeoutMs: 10_000 });
    await sources.ledger!.stop(); // a clean stop removes its heartbeat record
    const { text, elapsedMs } = await askForBriefing(herald);
    expect(text).toContain("💤 ledger isn't running right now.");
    expect(text).toContain('Nutrition:');
    expect(text).toContain('Habits:');
    expect(text).not.toContain('Spending');
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('with a source that does not answer: it arrives once that source\'s timeout is up and names it', async () => {
    const timeoutMs = 1_500;
    const { herald } = await network({ silent: ['ledger'], timeoutMs });
    const { text, elapsedMs } = await askForBriefing(herald);
    expect(text).toBe(
      [
        '☀️ Your briefing for Friday 14 March',
        '',
        'Nutrition: 1,840 / 2,000 kcal from 3 meals. (2025-03-14)',
        'Reminders today: 18:30 take the pills. (2025-03-14)',
        'Habits: 1.5 L water, ran 5 km. (2025-03-14)',
        '',
        "⏳ ledger didn't answer in time.",
      ].join('\n'),
    );
    // It waited for the silent source (the timeout), and not for much longer than that.
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs);
    expect(elapsedMs).toBeLessThan(timeoutMs + 5_000);
  });

  it('with nobody there: says it could gather nothing and names them all', async () => {
    const { herald } = await network({ absent: ['box', 'ledger', 'hermes', 'pulse'] });
    const { text } = await askForBriefing(herald);
    expect(text).toBe("☀️ Your briefing for Friday 14 March\n\nI couldn't gather anything for it:\n\n💤 box, ledger, hermes and pulse aren't running right now.");
  });
});

it('leaves every other intent alone', async () => {
  const { herald } = await network({ absent: ['box', 'ledger', 'hermes', 'pulse'] });
  await herald.publish('intent.classified', 'intent.classified', {
    chatId: CHAT, from: CHAT, sourceMessageId: 'wa_help', via: 'text', text: 'help', intent: 'help', entities: {}, confidence: 0.95, classifier: 'rules', sentAt: NOW.toISOString(),
  });
  await askForBriefing(herald); // same chat, handled in order: the help message was handled before it
  expect(await herald.messages('wa.outbound')).toHaveLength(1);
  expect(await herald.messages('agent.requests')).toHaveLength(0);
});
