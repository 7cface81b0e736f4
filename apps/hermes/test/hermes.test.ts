/**
 * hermes on a real Redis through the runtime's harness: real BullMQ delayed jobs and job
 * schedulers, replies on wa.outbound, firings on schedule.due.
 */
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import type { Llm } from '@hive/agent';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHermes } from '../src/agent.js';
import { bullPrefix } from '../src/timers.js';

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

async function startHermes(opts: { env?: Record<string, string>; llm?: Llm; now?: Date } = {}) {
  const now = opts.now;
  const t = await createTestAgent(createHermes(now ? { now: () => now } : {}), { redis, env: { HIVE_TZ: 'Europe/Berlin', ...opts.env }, ...(opts.llm ? { llm: opts.llm } : {}) });
  running.push(t);
  return t;
}

const CHAT = '491701234567@c.us';
let seq = 0;

/** Say something to hermes as iris would pass it on. */
async function say(t: TestAgent, text: string, intent: 'schedule' | 'expense' = 'schedule', chatId = CHAT, entities: Record<string, string> = {}) {
  const sourceMessageId = `wa_${++seq}_${Date.now()}`;
  await t.publish('intent.classified', 'intent.classified', {
    chatId,
    from: chatId,
    sourceMessageId,
    via: 'text',
    text,
    intent,
    entities,
    confidence: 0.95,
    classifier: 'rules',
    sentAt: new Date().toISOString(),
  });
  return sourceMessageId;
}

async function replyTo(t: TestAgent, sourceMessageId: string) {
  const m = await t.expectMessage('wa.outbound', (m) => m.data.replyTo === sourceMessageId);
  return m.data.text;
}

describe('hermes', () => {
  it('schedules a reminder, fires it on schedule.due and tells the chat', async () => {
    const t = await startHermes();
    const asked = await say(t, 'remind me in 2 seconds to stretch');
    expect(await replyTo(t, asked)).toMatch(/^⏰ OK, I'll remind you in 2 seconds \(\d\d:\d\d\): stretch$/);

    const due = await t.expectMessage('schedule.due', (m) => m.type === 'reminder.due', 6_000);
    expect(due.data).toMatchObject({ chatId: CHAT, text: 'stretch' });
    // Due in Berlin time, with its offset.
    expect(due.type === 'reminder.due' && due.data.dueAt).toMatch(/[+-]0[12]:00$/);
    const told = await t.expectMessage('wa.outbound', (m) => m.data.text.startsWith('⏰ Reminder: stretch'));
    expect(told.data.chatId).toBe(CHAT);
    // Correlated with the conversation that asked for it.
    const request = (await t.messages('intent.classified'))[0]!;
    expect(told.corr).toBe(request.corr);
  });

  it('ignores other intents', async () => {
    const t = await startHermes();
    const expense = await say(t, 'spent 12.50 on lunch', 'expense');
    const list = await say(t, 'list my reminders');
    await replyTo(t, list);
    expect((await t.messages('wa.outbound')).filter((m) => m.data.replyTo === expense)).toHaveLength(0);
  });

  it('lists, cancels by number and by words', async () => {
    // Friday 14 March 2031, 11:00 in Berlin: a clock far enough ahead that nothing fires during the test.
    const t = await startHermes({ now: new Date('2031-03-14T10:00:00.000Z') });
    await replyTo(t, await say(t, 'tomorrow at 9 call mom'));
    await replyTo(t, await say(t, 'every Monday 8am weigh in'));
    await replyTo(t, await say(t, 'in 3 hours take the pills'));

    const list = await replyTo(t, await say(t, 'list my reminders'));
    expect(list).toBe(
      [
        'Your 3 reminders:',
        '1. take the pills — today at 14:00',
        '2. call mom — tomorrow at 09:00',
        '3. weigh in — every Monday at 08:00 (next on Monday at 08:00)',
        'Cancel one with "cancel reminder 2".',
      ].join('\n'),
    );

    expect(await replyTo(t, await say(t, 'cancel the reminder to call mom'))).toBe('🗑️ Cancelled: call mom');
    expect(await replyTo(t, await say(t, 'cancel reminder 2'))).toBe('🗑️ Cancelled: weigh in (every Monday at 08:00)');
    expect(await replyTo(t, await say(t, 'cancel reminder 5'))).toBe('There is no reminder 5; you have 1. Say "list my reminders" to see them.');
    const after = await replyTo(t, await say(t, 'list my reminders'));
    expect(after).toMatch(/^Your reminder:\n1\. take the pills/);

    // Gone from BullMQ too: no job, no scheduler left but the pills.
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const conn = new Redis(t.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('reminders', { connection: conn, prefix: bullPrefix(t.bus.keys) });
    try {
      expect(await queue.getJobSchedulersCount()).toBe(0);
      const delayed = await queue.getDelayed();
      expect(delayed.map((j) => j.data.text)).toEqual(['take the pills']);
    } finally {
      await queue.close();
      await conn.quit();
    }
  });

  it('answers what it cannot read with help, not silence', async () => {
    const t = await startHermes();
    expect(await replyTo(t, await say(t, 'remind me to call mom'))).toMatch(/^I couldn't find a time in that/);
    expect(await replyTo(t, await say(t, 'yesterday at 5pm gym'))).toContain('has already passed');
    expect(await replyTo(t, await say(t, 'snooze 10 minutes'))).toContain('no reminder to snooze yet');
    expect(await replyTo(t, await say(t, 'cancel reminder 1'))).toBe('You have no reminders to cancel.');
  });

  it('snoozes the last reminder that fired', async () => {
    const t = await startHermes();
    await replyTo(t, await say(t, 'in 1 second drink water'));
    await t.expectMessage('wa.outbound', (m) => m.data.text.startsWith('⏰ Reminder: drink water'), 5_000);
    const snoozed = await replyTo(t, await say(t, 'snooze 10 minutes'));
    expect(snoozed).toMatch(/^😴 Snoozed: drink water — I'll remind you again in 10 minutes \(\d\d:\d\d\)\.$/);
    expect(await replyTo(t, await say(t, 'list my reminders'))).toMatch(/^Your reminder:\n1\. drink water — in 10 minutes/);
  });

  it('fires a recurring reminder from a BullMQ job scheduler', async () => {
    const t = await startHermes();
    // Every 5 minutes is the finest grain a chat may ask for; drive the scheduler's first slot directly.
    const asked = await say(t, 'every 5 minutes look away from the screen');
    expect(await replyTo(t, asked)).toMatch(/^🔁 OK, every 5 minutes: look away from the screen\. First one in \d+ (?:minutes?|seconds?) \(\d\d:\d\d\)\.$/);
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const conn = new Redis(t.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('reminders', { connection: conn, prefix: bullPrefix(t.bus.keys) });
    try {
      const [scheduler] = await queue.getJobSchedulers();
      expect(scheduler).toMatchObject({ pattern: '*/5 * * * *', tz: 'Europe/Berlin' });
      // Promote the scheduler's next job: it fires now, as it would at its slot.
      const [next] = await queue.getDelayed();
      await next!.promote();
    } finally {
      await queue.close();
      await conn.quit();
    }
    const due = await t.expectMessage('schedule.due', (m) => m.type === 'reminder.due', 5_000);
    expect(due.data).toMatchObject({ text: 'look away from the screen', recurrence: 'every 5 minutes' });
    // The next occurrence is already waiting.
    const conn2 = new Redis(t.redisUrl, { maxRetriesPerRequest: null });
    const queue2 = new Queue('reminders', { connection: conn2, prefix: bullPrefix(t.bus.keys) });
    try {
      await expect.poll(async () => (await queue2.getDelayed()).length, { timeout: 3_000 }).toBe(1);
    } finally {
      await queue2.close();
      await conn2.quit();
    }
  });

  it('publishes briefing.due for a configured daily briefing', async () => {
    const t = await startHermes({ env: { HERMES_BRIEFING_AT: '07:00', HERMES_BRIEFING_CHATS: CHAT } });
    const list = await replyTo(t, await say(t, 'list my reminders'));
    expect(list).toContain('daily briefing — every day at 07:00');
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const conn = new Redis(t.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('reminders', { connection: conn, prefix: bullPrefix(t.bus.keys) });
    try {
      const [next] = await queue.getDelayed();
      await next!.promote();
    } finally {
      await queue.close();
      await conn.quit();
    }
    const due = await t.expectMessage('schedule.due', (m) => m.type === 'briefing.due', 5_000);
    expect(due.data).toMatchObject({ chatId: CHAT, timezone: 'Europe/Berlin' });
    expect(due.type === 'briefing.due' && due.data.dueAt).toMatch(/T07:00:00\.000\+0[12]:00$/);
  });

  it('turns "every day at 7 briefing" into a daily briefing.due', async () => {
    const t = await startHermes();
    expect(await replyTo(t, await say(t, 'every day at 7 briefing'))).toMatch(/^🔁 OK, every day at 07:00: briefing\./);
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const conn = new Redis(t.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('reminders', { connection: conn, prefix: bullPrefix(t.bus.keys) });
    try {
      const [next] = await queue.getDelayed();
      expect(next!.data).toMatchObject({ kind: 'briefing', chatId: CHAT });
      await next!.promote();
    } finally {
      await queue.close();
      await conn.quit();
    }
    await t.expectMessage('schedule.due', (m) => m.type === 'briefing.due', 5_000);
    expect((await t.messages('wa.outbound')).filter((m) => m.data.text.startsWith('⏰ Reminder'))).toEqual([]);
  });

  it("uses iris's time phrase and task when its own rules cannot read the message", async () => {
    const t = await startHermes();
    const asked = await say(t, 'recuérdame llamar a mamá mañana a las 9', 'schedule', CHAT, { action: 'create', when: 'tomorrow at 9', what: 'llamar a mamá' });
    expect(await replyTo(t, asked)).toBe("⏰ OK, I'll remind you tomorrow at 09:00: llamar a mamá");
  });

  it('asks the LLM to rephrase what the rules cannot read', async () => {
    const llm: Llm = {
      kind: 'openai',
      classify: () => Promise.reject(new Error('not used')),
      complete: () => Promise.reject(new Error('not used')),
      extract: (async () => ({ data: { when: 'in 3 hours', what: 'llamar a mamá' }, source: 'llm' })) as Llm['extract'],
    };
    const t = await startHermes({ llm });
    const reply = await replyTo(t, await say(t, 'recuérdame llamar a mamá en tres horas'));
    expect(reply).toMatch(/^⏰ OK, I'll remind you (today|tomorrow) at \d\d:\d\d: llamar a mamá$/);
  });
});
