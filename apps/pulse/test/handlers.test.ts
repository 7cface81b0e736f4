/** pulse's handler through the runtime's harness on a real Redis, with an injected clock. */
import { classifiedIntent, createTestAgent, replyText, type TestAgent } from '@hive/agent/testing';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPulse } from '../src/agent.js';

const CHAT = '491701234567@c.us';
// 19:00 in Berlin on Friday, March 14.
const NOW = new Date('2025-03-14T18:00:00Z');
let redis: RedisServer;
let t: TestAgent | undefined;

type Entities = Record<string, string | number | boolean>;

function classified(text: string, entities: Entities, extra: { intent?: 'habit' | 'note'; sourceMessageId?: string; sentAt?: string } = {}) {
  return classifiedIntent(text, entities, {
    intent: extra.intent ?? 'habit',
    chatId: CHAT,
    sentAt: extra.sentAt ?? '2025-03-14T17:30:00.000Z',
    ...(extra.sourceMessageId ? { sourceMessageId: extra.sourceMessageId } : {}),
  });
}

async function start(env: Record<string, string> = {}) {
  t = await createTestAgent(createPulse({ now: () => NOW }), { redis, env: { HIVE_TZ: 'Europe/Berlin', ...env } });
  return t;
}

async function say(agent: TestAgent, text: string, entities: Entities, extra: Parameters<typeof classified>[2] = {}) {
  return replyText(agent, classified(text, entities, extra));
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

describe('pulse', () => {
  it('logs a run, publishes habit.logged and answers', async () => {
    const a = await start();
    const input = classified('ran 5k', { action: 'log', kind: 'workout', activity: 'run', distanceKm: 5 });
    await a.publish('intent.classified', 'intent.classified', input);
    const logged = await a.expectMessage('habit.logged');
    expect(logged.src).toBe('pulse');
    expect(logged.data).toEqual({
      chatId: CHAT,
      logId: expect.stringMatching(/^habit_/),
      habit: 'workout',
      name: 'run',
      quantity: 5,
      unit: 'km',
      day: '2025-03-14',
      streakDays: 1,
      loggedAt: '2025-03-14T17:30:00.000Z',
    });
    const reply = await a.expectMessage('wa.outbound');
    expect(reply.data).toEqual({ chatId: CHAT, replyTo: input.sourceMessageId, text: '💪 Logged run: 5 km. Workouts in the last 7 days: 1.' });
  });

  it('counts the entry it logs when its reads ran before the record (the script reloaded after NOSCRIPT)', async () => {
    const a = await start();
    await say(a, '500 ml water', { action: 'log', kind: 'water', ml: 500 }, { sentAt: '2025-03-13T10:00:00.000Z' });
    // Redis forgets its scripts (a restart, a failover): the next record's EVALSHA is refused and its
    // script goes out again behind the reads that left with it, so they do not see the new entry.
    await a.bus.driver.call(['SCRIPT', 'FLUSH']);
    expect(await say(a, '1 l water', { action: 'log', kind: 'water', quantity: 1, unit: 'l', ml: 1000 })).toBe('💧 +1 L water. Today: 1,000 / 2,000 ml (50%), 1 L to go. 🔥 2-day water streak.');
    const last = (await a.messages('habit.logged')).at(-1)!;
    expect([last.data.day, last.data.streakDays]).toEqual(['2025-03-14', 2]);
  });

  it('adds water up to the daily goal and counts the streak in the owner\'s zone', async () => {
    const a = await start();
    // 23:30 UTC on the 12th is already the 13th in Berlin.
    await say(a, '500 ml water', { action: 'log', kind: 'water', ml: 500 }, { sentAt: '2025-03-12T10:00:00.000Z' });
    await say(a, '500 ml water', { action: 'log', kind: 'water', ml: 500 }, { sentAt: '2025-03-12T23:30:00.000Z' });
    expect(await say(a, 'drank 2 glasses of water', { action: 'log', kind: 'water', quantity: 2, unit: 'glass', ml: 500 })).toBe(
      '💧 +500 ml water. Today: 500 / 2,000 ml (25%), 1.5 L to go. 🔥 3-day water streak.',
    );
    expect(await say(a, '1.5 l water', { action: 'log', kind: 'water', quantity: 1.5, unit: 'l' })).toBe('💧 +1.5 L water. Today: 2 L — daily goal of 2 L reached 🎉 🔥 3-day water streak.');
    const streaks = (await a.messages('habit.logged')).map((m) => [m.data.day, m.data.streakDays, m.data.quantity]);
    expect(streaks).toEqual([
      ['2025-03-12', 1, 500],
      ['2025-03-13', 2, 500],
      ['2025-03-14', 3, 500],
      ['2025-03-14', 3, 1500],
    ]);
  });

  it('logs a message once, even when iris classifies it twice', async () => {
    const a = await start();
    const once = { sourceMessageId: 'wamid-water-once' };
    const first = await say(a, 'drank 2 glasses of water', { action: 'log', kind: 'water', ml: 500 }, once);
    const again = await (async () => {
      const input = classified('drank 2 glasses of water', { action: 'log', kind: 'water', ml: 500 }, once);
      await a.publish('intent.classified', 'intent.classified', input);
      await expect.poll(async () => (await a.messages('wa.outbound')).length).toBe(2);
      return (await a.messages('wa.outbound'))[1]!.data.text;
    })();
    expect(first).toBe('💧 +500 ml water. Today: 500 / 2,000 ml (25%), 1.5 L to go.');
    expect(again).toBe(first);
    expect(await say(a, 'how much water today', { action: 'summary', kind: 'water', period: 'today' })).toBe('💧 Water: 500 / 2,000 ml (25%) today, 1.5 L to go.');
  });

  it('sets goals that replies then use, over the configured defaults', async () => {
    const a = await start({ PULSE_SLEEP_GOAL_H: '7' });
    expect(await say(a, 'slept 6.5 hours', { action: 'log', kind: 'sleep', hours: 6.5 }, { sentAt: '2025-03-14T06:00:00.000Z' })).toBe('😴 Logged 6 h 30 min of sleep (goal 7 h: 30 min short).');
    expect(await say(a, 'water goal 3 l', { action: 'goal', kind: 'water', target: 3, unit: 'l' })).toBe('🎯 💧 Daily water goal: 3 L.');
    expect(await say(a, '500 ml water', { action: 'log', kind: 'water', ml: 500 })).toBe('💧 +500 ml water. Today: 500 / 3,000 ml (17%), 2.5 L to go.');
  });

  it('sums up the week and the streaks', async () => {
    const a = await start();
    await say(a, 'ran 5k', { action: 'log', kind: 'workout', activity: 'run', distanceKm: 5, durationMin: 30 }, { sentAt: '2025-03-10T07:00:00.000Z' });
    await say(a, 'gym', { action: 'log', kind: 'workout', activity: 'strength' }, { sentAt: '2025-03-13T17:00:00.000Z' });
    await say(a, '30 min yoga', { action: 'log', kind: 'workout', activity: 'yoga', durationMin: 30 }, { sentAt: '2025-03-14T07:00:00.000Z' });
    await say(a, 'slept 7h', { action: 'log', kind: 'sleep', hours: 7 }, { sentAt: '2025-03-13T06:00:00.000Z' });
    await say(a, 'slept 8h', { action: 'log', kind: 'sleep', hours: 8 }, { sentAt: '2025-03-14T06:00:00.000Z' });
    await say(a, 'ran 3k', { action: 'log', kind: 'workout', activity: 'run', distanceKm: 3 }, { sentAt: '2025-03-01T07:00:00.000Z' }); // outside the week
    // iris classifies "how was my week" as a question today; when a model routes it here, the words decide.
    expect(await say(a, 'how was my week', {})).toBe(
      [
        '📊 Your week, Mar 8 – Mar 14:',
        '💪 Workouts: 3 on 3 days — run, strength training, yoga · 1 h · 5 km',
        '😴 Sleep: 7 h 30 min a night over 2 nights (goal 8 h); best 8 h (Fri), worst 7 h (Thu)',
        '🔥 Streaks: workout 2 days, sleep 2 days',
      ].join('\n'),
    );
    expect(await say(a, 'my streaks', { action: 'summary' })).toBe(['🔥 Your streaks:', '💪 workout: 2 days (best 2)', '😴 sleep: 2 days (best 2)'].join('\n'));
  });

  it('undoes the last entry, and the totals and streak follow', async () => {
    const a = await start();
    await say(a, '500 ml water', { action: 'log', kind: 'water', ml: 500 }, { sentAt: '2025-03-13T10:00:00.000Z' });
    await say(a, '500 ml water', { action: 'log', kind: 'water', ml: 500 });
    expect(await say(a, 'drank 1 l water', { action: 'log', kind: 'water', ml: 1000 })).toContain('🔥 2-day water streak');
    expect(await say(a, 'undo', { action: 'undo', last: true })).toBe('↩️ Took back 1 L of water (today).');
    expect(await say(a, 'delete the last water', { action: 'undo', last: true })).toBe('↩️ Took back 500 ml of water (today).');
    expect(await say(a, 'my streaks', { action: 'summary' })).toBe(['🔥 Your streaks:', '💧 water: 1 day — log today to keep it (best 1)'].join('\n'));
  });

  it('answers herald\'s summary request for a day, and only those addressed to pulse', async () => {
    const a = await start();
    await say(a, 'ran 5k', { action: 'log', kind: 'workout', activity: 'run', distanceKm: 5 }, { sentAt: '2025-03-13T17:00:00.000Z' });
    await say(a, 'slept 7h', { action: 'log', kind: 'sleep', hours: 7 }, { sentAt: '2025-03-14T05:30:00.000Z' });
    await say(a, 'slept 7h', { action: 'log', kind: 'sleep', hours: 7.5 }, { sentAt: '2025-03-13T05:30:00.000Z' });
    await say(a, '500 ml water', { action: 'log', kind: 'water', ml: 500 });
    const request = { to: 'pulse', chatId: CHAT, day: '2025-03-14', timezone: 'Europe/Berlin' };
    const answer = await a.bus.request<{ agent: string; text: string; data: Record<string, number> }>('agent.requests', 'summary.request', request, { from: 'pulse', timeoutMs: 3000 });
    expect(answer.data.agent).toBe('pulse');
    expect(answer.data.text).toBe('Habits: slept 7 h (goal 8 h) · yesterday run: 5 km · water 500 ml / 2 L · 🔥 sleep 2 days');
    expect(answer.data.data).toEqual({ waterMl: 500, waterGoalMl: 2000, sleepHours: 7, workouts: 0, steps: 0, workoutStreak: 1, waterStreak: 1, sleepStreak: 2 });
    const quiet = await a.bus.request<{ text: string }>('agent.requests', 'summary.request', { ...request, day: '2025-02-01' }, { from: 'pulse', timeoutMs: 3000 });
    expect(quiet.data.text).toBe('');
    await expect(a.bus.request('agent.requests', 'summary.request', { ...request, to: 'box' }, { from: 'pulse', timeoutMs: 400 })).rejects.toThrow(/no reply from pulse to summary.request/);
    await expect(a.bus.request('agent.requests', 'summary.request', { ...request, replyBy: '2025-03-14T07:00:00.000Z' }, { from: 'pulse', timeoutMs: 400 })).rejects.toThrow(/no reply from pulse to summary.request/);
  });

  it('explains itself when it cannot read a habit, and leaves other intents alone', async () => {
    const a = await start();
    await a.publish('intent.classified', 'intent.classified', classified('note: buy milk', { action: 'save' }, { intent: 'note' }));
    expect(await say(a, 'water', { action: 'log', kind: 'water' })).toMatch(/^I could not read how much from that\. Try \*drank 2 glasses of water\*\./);
    expect(await a.messages('wa.outbound')).toHaveLength(1);
    expect(await a.messages('habit.logged')).toHaveLength(0);
  });
});
