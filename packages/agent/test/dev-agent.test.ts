/** `hive dev`'s agent: its own consumer group beside the real one, seeing every message, publishing nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { devAgent } from '../src/index.js';
import { createTestAgent } from '../src/testing.js';
import { echo } from './fixtures/agents.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const classified = (text: string) => ({
  chatId: '4917@c.us',
  from: '4917@c.us',
  sourceMessageId: `wa-${text.length}`,
  via: 'text' as const,
  text,
  intent: 'unknown',
  entities: {},
  confidence: 0.5,
  classifier: 'rules' as const,
  sentAt: '2025-03-14T07:45:12.000Z',
});

describe('devAgent', () => {
  it('reads in a group of its own, leaves the real group its messages, and logs what it would publish', async () => {
    const real = await createTestAgent(echo, { redis });
    const dev = await createTestAgent(devAgent(echo), { redis, prefix: real.prefix });
    try {
      expect(dev.agent.name).toBe('echo-dev');
      const input = await real.publish('intent.classified', 'intent.classified', classified('hello there'));
      // the real agent answers once; the dev copy handles the same message without publishing
      await real.expectMessage('wa.outbound');
      await expect.poll(() => dev.logs.some((l) => l.msg === 'would publish (hive dev publishes nothing)'), { timeout: 10_000 }).toBe(true);
      const wouldPublish = dev.logs.find((l) => l.msg === 'would publish (hive dev publishes nothing)')!.obj;
      expect(wouldPublish).toMatchObject({ stream: 'wa.outbound', type: 'wa.send', data: { text: 'you said: hello there [greeting]' } });
      expect(await real.messages('wa.outbound')).toHaveLength(1);
      const groups = (await real.bus.driver.call(['XINFO', 'GROUPS', real.bus.keys.stream(input.stream)])) as unknown[];
      expect(JSON.stringify(groups)).toContain('echo-dev');
    } finally {
      await dev.stop();
      await real.stop();
    }
  });

  it('starts its groups where --replay says', () => {
    const d = devAgent(echo, { startAt: '1700000000000-0' });
    expect(Object.values(d.streamOptions ?? {}).map((o) => o?.startAt)).toEqual(Object.keys(echo.reads).map(() => '1700000000000-0'));
  });
});
