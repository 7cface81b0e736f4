/** Declared intents: checked when the agent is defined, and carried in its registry record. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAgents } from '@hive/bus/admin';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { defineAgent, type IntentDeclaration } from '../src/index.js';
import { createTestAgent } from '../src/testing.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const weatherIntent: IntentDeclaration = { name: 'weather', description: 'Forecasts', examples: ['weather in Berlin'], offline: { pattern: '^weather(?: in (?<place>.+))?$' } };
const agentWith = (intents: IntentDeclaration[]) =>
  defineAgent({ name: 'weather', version: '0.1.0', description: 'Tells the weather.', skills: [], intents, reads: { 'intent.classified': { 'intent.classified': () => undefined } }, writes: ['wa.outbound'] });

describe('declared intents', () => {
  it('are refused at definition when iris could not route them', () => {
    expect(() => agentWith([{ ...weatherIntent, name: 'Weather' }])).toThrow(/intent "Weather": an intent name is lower case/);
    expect(() => agentWith([{ ...weatherIntent, name: 'unknown' }])).toThrow(/not "unknown"/);
    expect(() => agentWith([{ ...weatherIntent, offline: { pattern: '(' } }])).toThrow(/offline pattern does not compile/);
    expect(() => agentWith([{ ...weatherIntent, offline: { pattern: 'x', confidence: 2 } }])).toThrow(/confidence must be between 0 and 1/);
    expect(() => agentWith([weatherIntent, weatherIntent])).toThrow(/declares an intent twice/);
  });

  it('are in the agent\'s registry record, for iris and atlas to read', async () => {
    const t = await createTestAgent(agentWith([weatherIntent]), { redis });
    try {
      const [record] = (await listAgents(t.bus.driver, t.bus.keys)).filter((r) => r.name === 'weather');
      expect(record?.intents).toEqual([weatherIntent]);
    } finally {
      await t.stop();
    }
  });
});
