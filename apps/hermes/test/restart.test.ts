/**
 * A reminder outlives hermes and Redis: scheduled ~2 s out, hermes stopped (and in the second test
 * Redis killed with SIGKILL and restarted from its AOF) until after it was due, hermes started
 * again: it fires, exactly once.
 */
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterEach, describe, expect, it } from 'vitest';
import { createHermes } from '../src/agent.js';

const CHAT = '491701234567@c.us';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
});

async function start(redis: RedisServer, prefix: string): Promise<TestAgent> {
  const t = await createTestAgent(createHermes(), { redis, prefix, env: { HIVE_TZ: 'Europe/Berlin' } });
  cleanup.push(() => t.stop());
  return t;
}

async function schedule(t: TestAgent, text: string): Promise<void> {
  const sourceMessageId = `wa_${Date.now()}`;
  await t.publish('intent.classified', 'intent.classified', {
    chatId: CHAT, from: CHAT, sourceMessageId, via: 'text', text, intent: 'schedule', entities: {}, confidence: 0.95, classifier: 'rules', sentAt: new Date().toISOString(),
  });
  const reply = await t.expectMessage('wa.outbound', (m) => m.data.replyTo === sourceMessageId);
  expect(reply.data.text).toMatch(/^⏰ OK, I'll remind you in 2 seconds/);
}

/** After it fired, wait a little longer: a second firing would show up here. */
async function expectFiredOnce(t: TestAgent, text: string): Promise<void> {
  await t.expectMessage('schedule.due', (m) => m.type === 'reminder.due' && m.data.text === text, 8_000);
  await sleep(1_500);
  const due = (await t.messages('schedule.due')).filter((m) => m.type === 'reminder.due' && m.data.text === text);
  const told = (await t.messages('wa.outbound')).filter((m) => m.data.text.startsWith(`⏰ Reminder: ${text}`));
  expect(due).toHaveLength(1);
  expect(told).toHaveLength(1);
}

describe('a reminder survives restarts', () => {
  it('of hermes', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const prefix = randomPrefix('hermes');

    const first = await start(redis, prefix);
    await schedule(first, 'in 2 seconds call mom');
    await first.stop();
    // Down past the due time: only what Redis holds can bring it back.
    await sleep(2_500);
    const second = await start(redis, prefix);
    await expectFiredOnce(second, 'call mom');
  });

  it('of hermes and of Redis (kill -9, AOF with appendfsync always)', async () => {
    const redis = await startRedis({ aof: true, appendfsync: 'always' });
    cleanup.push(() => redis.stop());
    const prefix = randomPrefix('hermes');

    const first = await start(redis, prefix);
    await schedule(first, 'in 2 seconds take the pills');
    await first.stop();
    const pidBefore = redis.pid;
    await redis.kill9();
    await redis.restart();
    expect(redis.pid).not.toBe(pidBefore);
    await sleep(2_500);
    const second = await start(redis, prefix);
    await expectFiredOnce(second, 'take the pills');
  });
});
