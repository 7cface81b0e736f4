/** Declared intents: checked when the agent is defined, carried in its registry record, and the only ones its intent.classified handler gets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { defineAgent, type AnyAgentDefinition, type IntentDeclaration } from '../src/index.js';
import { classifiedIntent, createTestAgent } from '../src/testing.js';

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

/** The weather agent, recording the intent of each intent.classified message its handler gets. */
const recordingAgent = (seen: string[], more: Pick<AnyAgentDefinition, 'seesEveryIntent' | 'coverLingerMs' | 'streamOptions'>) =>
  defineAgent({
    name: 'weather',
    version: '0.1.0',
    description: 'Tells the weather.',
    skills: [],
    intents: [weatherIntent],
    ...more,
    reads: { 'intent.classified': { 'intent.classified': (m) => void seen.push(m.data.intent) } },
    writes: ['wa.outbound'],
  });

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

  it('are the only intents its intent.classified handler gets: it reads only their shards, and the bus acks the rest there as skipped, before the idempotency mark', async () => {
    const run = async (seesEveryIntent: boolean) => {
      const seen: string[] = [];
      const def = recordingAgent(seen, { seesEveryIntent });
      const t = await createTestAgent(def, { redis });
      try {
        const o = { chatId: '15555550100@c.us', sentAt: new Date().toISOString() };
        // intent.classified is split by intent: "expense" lands on weather's shard, "note" on another.
        const expense = await t.publish('intent.classified', 'intent.classified', classifiedIntent('spent 3 on coffee', {}, { ...o, intent: 'expense' }));
        const note = await t.publish('intent.classified', 'intent.classified', classifiedIntent('note: buy milk', {}, { ...o, intent: 'note' }));
        const weather = await t.publish('intent.classified', 'intent.classified', classifiedIntent('weather in Berlin', { place: 'Berlin' }, { ...o, intent: 'weather' }));
        expect(expense.stream).toBe(weather.stream);
        expect(note.stream).not.toBe(weather.stream);
        // Shard order at concurrency 1: once the weather message is handled and nothing is pending, both on its shard have settled.
        const pending = async () => Number(((await t.bus.driver.call(['XPENDING', t.bus.keys.stream(weather.stream), 'weather'])) as unknown[])[0]);
        for (let i = 0; i < 100 && (!seen.includes('weather') || (await pending()) > 0 || (seesEveryIntent && !seen.includes('note'))); i++) await new Promise((r) => setTimeout(r, 50));
        const marked = Number(await t.bus.driver.call(['ZCARD', t.bus.keys.seen(weather.stream, 'weather')]));
        const groupsOnNotes = ((await t.bus.driver.call(['XINFO', 'GROUPS', t.bus.keys.stream(note.stream)])) as unknown[]).length;
        return { seen: seen.sort(), pending: await pending(), marked, groupsOnNotes };
      } finally {
        await t.stop();
      }
    };
    // The expense message was acked without a handled-mark: only the weather message is marked; the
    // note's shard is not read at all (no group there: the bus never wakes this agent for it).
    expect(await run(false)).toEqual({ seen: ['weather'], pending: 0, marked: 1, groupsOnNotes: 0 });
    // An agent that answers for others (atlas) asks for every intent, on every shard.
    expect(await run(true)).toEqual({ seen: ['expense', 'note', 'weather'], pending: 0, marked: 2, groupsOnNotes: 1 });
  });

  it('seen by an agent that covers for others: its own intents\' shards read at once, the others\' lingering coverLingerMs, handled at stop at the latest', async () => {
    const seen: string[] = [];
    // A linger longer than the test: what happens before it ends is the lingering itself (at most a quarter of claimIdleMs).
    const def = recordingAgent(seen, { seesEveryIntent: true, coverLingerMs: 30_000, streamOptions: { 'intent.classified': { claimIdleMs: 120_000 } } });
    const t = await createTestAgent(def, { redis });
    let stopped = false;
    try {
      const o = { chatId: '15555550100@c.us', sentAt: new Date().toISOString() };
      // "note" is another agent's, on a shard weather does not serve; published first.
      const note = await t.publish('intent.classified', 'intent.classified', classifiedIntent('note: buy milk', {}, { ...o, intent: 'note' }));
      const weather = await t.publish('intent.classified', 'intent.classified', classifiedIntent('weather in Berlin', { place: 'Berlin' }, { ...o, intent: 'weather' }));
      expect(note.stream).not.toBe(weather.stream);
      const pendingOn = async (stream: string) => Number(((await t.bus.driver.call(['XPENDING', t.bus.keys.stream(stream), 'weather'])) as unknown[])[0]);
      for (let i = 0; i < 200 && (!seen.includes('weather') || (await pendingOn(note.stream)) === 0); i++) await new Promise((r) => setTimeout(r, 25));
      // The note was read (pending on the group), not handed to the handler; weather's own intent was.
      expect(await pendingOn(note.stream)).toBe(1);
      expect(seen).toEqual(['weather']);
      const noteKey = t.bus.keys.stream(note.stream);
      await t.stop();
      stopped = true;
      // Stopping ends the wait: what was read is handled and acked, not left behind.
      expect(seen).toEqual(['weather', 'note']);
      const admin = createDriver('node-redis', { url: redis.url });
      try {
        await admin.connect();
        expect(((await admin.call(['XPENDING', noteKey, 'weather'])) as unknown[])[0]).toBe(0);
      } finally {
        await admin.close();
      }
    } finally {
      if (!stopped) await t.stop();
    }
  });
});
