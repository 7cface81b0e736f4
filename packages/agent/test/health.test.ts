import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue, createCatalogue } from '@hive/contracts';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { createTestAgent, type TestAgent } from '../src/testing.js';
import { echo } from './fixtures/agents.js';

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};
const json = async (url: string) => {
  const r = await get(url);
  return { status: r.status, body: JSON.parse(r.text) as Record<string, unknown> };
};

const classified = (text: string) => ({
  chatId: 'c@c.us',
  from: 'c@c.us',
  sourceMessageId: 'w1',
  via: 'text' as const,
  text,
  intent: 'unknown' as const,
  entities: {},
  confidence: 0.5,
  classifier: 'rules' as const,
  sentAt: '2025-03-14T07:45:12.000Z',
});

describe('health endpoints while Redis is up, down and back', () => {
  let redis: RedisServer;
  let t: TestAgent;

  beforeAll(async () => {
    redis = await startRedis();
    t = await createTestAgent(echo, { redis });
  });
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
  });

  it('up: alive, ready with both groups, metrics with bus, LLM and process series', async () => {
    // intent.classified is split by intent: the series name the shard the message went to.
    const input = await t.publish('intent.classified', 'intent.classified', classified('before'));
    await t.expectMessage('wa.outbound', (m) => m.data.text.includes('before'));

    expect(await json(`${t.agent.url}/healthz`)).toMatchObject({ status: 200, body: { ok: true, agent: 'echo', instance: 'test', stopping: false } });
    expect(await json(`${t.agent.url}/readyz`)).toEqual({
      status: 200,
      body: { ready: true, redis: 'ok', groups: { 'intent.classified': true, 'wa.inbound': true } },
    });
    const metrics = await get(`${t.agent.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    expect(metrics.text).toContain('nodejs_eventloop_lag_seconds');
    expect(metrics.text).toContain(`hive_handled_total{stream="${input.stream}",group="echo",type="intent.classified",outcome="acked",agent="echo"} 1`);
    expect(metrics.text).toMatch(/hive_published_total\{stream="wa.outbound",type="wa.send",agent="echo"\} 1/);
    expect(metrics.text).toContain(`hive_group_lag{stream="${input.stream}",group="echo",agent="echo"} 0`);
    expect((await get(`${t.agent.url}/nope`)).status).toBe(404);
  });

  it('down: still alive, not ready (saying why), metrics without the Redis gauges', async () => {
    await redis.kill9();
    expect(await json(`${t.agent.url}/healthz`)).toMatchObject({ status: 200, body: { ok: true } });
    const ready = await json(`${t.agent.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ ready: false });
    expect(ready.body.redis).not.toBe('ok');
    const metrics = await get(`${t.agent.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    expect(metrics.text).toContain('hive_handled_total');
    expect(metrics.text).not.toContain('hive_group_lag{');
  });

  it('back: ready again once the consumer groups are re-created, and handling messages', async () => {
    await redis.restart();
    // no AOF: Redis came back empty; the consumer re-creates its groups when it next reads
    await expect.poll(async () => (await json(`${t.agent.url}/readyz`)).status, { timeout: 15_000, interval: 100 }).toBe(200);
    expect((await json(`${t.agent.url}/readyz`)).body).toEqual({ ready: true, redis: 'ok', groups: { 'intent.classified': true, 'wa.inbound': true } });
    await t.publish('intent.classified', 'intent.classified', classified('after'));
    await t.expectMessage('wa.outbound', (m) => m.data.text.includes('after'), 10_000);
  });

  it('stopping: not ready, then the server is gone', async () => {
    const url = t.agent.url;
    const stopping = t.agent.stop();
    expect((await json(`${url}/readyz`).catch(() => ({ status: 0 }))).status).not.toBe(200);
    await stopping;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('an agent reading a partitioned stream', () => {
  let redis: RedisServer;
  let t: TestAgent;
  // The Hive catalogue, with wa.inbound split in 3 (wa.inbound.0 … .2).
  const split = createCatalogue(catalogue.streams.map((s) => (s.name === 'wa.inbound' ? { ...s, partitions: { shards: 3, key: 'chatId', why: 'test' } } : s)));

  beforeAll(async () => {
    redis = await startRedis();
    t = await createTestAgent(echo, { redis, contracts: split });
  });
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
  });

  it('is ready once its group is on every shard, reports lag per shard, and the harness reads every shard', async () => {
    expect(await json(`${t.agent.url}/readyz`)).toEqual({ status: 200, body: { ready: true, redis: 'ok', groups: { 'intent.classified': true, 'wa.inbound': true } } });
    const metrics = await get(`${t.agent.url}/metrics`);
    for (const shard of ['wa.inbound.0', 'wa.inbound.1', 'wa.inbound.2']) expect(metrics.text).toContain(`hive_group_lag{stream="${shard}",group="echo",agent="echo"} 0`);
    const chats = ['a@c.us', 'b@c.us', 'c@c.us', 'd@c.us', 'e@c.us', 'f@c.us'];
    for (const chatId of chats) await t.publish('wa.inbound', 'wa.message', { messageId: `m-${chatId}`, chatId, from: chatId, text: 'hi', sentAt: new Date().toISOString() });
    const seen = await t.messages('wa.inbound');
    expect(seen.map((m) => m.data.chatId).sort()).toEqual(chats);

    // A shard that lost its group is not ready; readiness that looked at `wa.inbound`'s own key (never
    // written: the shards are) would not see it. Something else put in the shard's key keeps the
    // consumer from re-creating the group (which it does at once) before readyz is asked.
    const shard = t.bus.keys.stream('wa.inbound.1');
    await t.bus.driver.pipeline([['MULTI'], ['DEL', shard], ['SET', shard, 'not a stream'], ['EXEC']]);
    const lost = await json(`${t.agent.url}/readyz`);
    expect(lost).toMatchObject({ status: 503, body: { ready: false } });
    expect((lost.body as { groups: Record<string, boolean> }).groups['wa.inbound']).not.toBe(true);
    await t.bus.driver.call(['DEL', shard]);
    // The key freed, the consumer re-creates its group, and the agent is ready again.
    const until = Date.now() + 10_000;
    while ((await json(`${t.agent.url}/readyz`)).status !== 200 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect((await json(`${t.agent.url}/readyz`)).status).toBe(200);
  });
});
