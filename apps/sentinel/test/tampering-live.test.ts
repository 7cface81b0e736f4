/**
 * The tampering check on a real Redis with real runtime agents: an agent's group that handles one
 * type of a stream and skips the other (acked unmarked) raises nothing; another reader acking the
 * entries the group holds pending raises acked_by_other naming the stream and the group; claiming
 * them away raises foreign_consumer.
 */
import { defineAgent } from '@hive/agent';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { catalogue } from '@hive/contracts';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createSentinel } from '../src/agent.js';

let redis: RedisServer;
const running: TestAgent[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const t of running.splice(0).reverse()) await t.stop();
});
afterAll(async () => {
  await redis?.stop();
});

const example = (type: 'briefing.due' | 'reminder.due') => catalogue.stream('schedule.due')!.messages[type]!.example as never;
type Alert = { alertId: string; status: string; details: Record<string, unknown> };
const alerts = async (t: TestAgent) => (await t.messages('ops.alert')).map((m) => m.data as Alert).filter((a) => a.status === 'firing');

/** What a test asks of one group on `key`: how many entries it holds pending, and its last-delivered id. */
function groupOf(d: TestAgent['bus']['driver'], key: string, group: string) {
  return {
    pending: async () => Number(((await d.call(['XPENDING', key, group])) as [number])[0]),
    lastDelivered: async () => {
      const row = ((await d.call(['XINFO', 'GROUPS', key])) as unknown[][]).map((r) => r.map(String)).find((r) => r[r.indexOf('name') + 1] === group)!;
      return row[row.indexOf('last-delivered-id') + 1];
    },
  };
}

/** sentinel, polling every 100 ms, once it knows `agent` (its first poll has seen it running). */
async function sentinelSeeing(agent: string, prefix: string): Promise<TestAgent> {
  const sentinel = await createTestAgent(createSentinel(), { redis, prefix, env: { SENTINEL_POLL_MS: '100' } });
  running.push(sentinel);
  const known = sentinel.bus.keys.data('sentinel', 'known');
  await waitFor(`sentinel to see ${agent}`, async () => ((await sentinel.bus.driver.call(['HKEYS', known])) as string[]).includes(agent));
  return sentinel;
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a skipped type is not an ack by someone else; another reader acking or claiming the pending entries is', async () => {
  const prefix = randomPrefix('tamper');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let briefings = 0;
  // herald's shape: schedule.due, briefings only (reminders are skipped, acked without a mark).
  const herald = await createTestAgent(
    defineAgent({
      name: 'herald',
      version: '0.0.0',
      description: 'stand-in',
      skills: [],
      reads: { 'schedule.due': { 'briefing.due': async () => void (++briefings > 1 && (await held)) } },
      writes: [],
      concurrency: 4,
      orderingKey: false,
    }),
    { redis, prefix },
  );
  running.push(herald);
  const sentinel = await sentinelSeeing('herald', prefix);
  const d = sentinel.bus.driver;
  const key = sentinel.bus.keys.stream('schedule.due');

  await herald.publish('schedule.due', 'briefing.due', example('briefing.due'));
  await waitFor('the first briefing', async () => briefings === 1);
  let last = '';
  for (let i = 0; i < 3; i++) last = (await herald.publish('schedule.due', 'reminder.due', example('reminder.due'))).entryId;
  const { pending, lastDelivered } = groupOf(d, key, 'herald');
  await waitFor('the reminders skipped', async () => (await pending()) === 0 && (await lastDelivered()) === last);
  await herald.publish('schedule.due', 'briefing.due', example('briefing.due'));
  await herald.publish('schedule.due', 'briefing.due', example('briefing.due'));
  await waitFor('two briefings in hand', async () => (await pending()) === 2);
  // Polls after that: herald's heartbeat moved on, and sentinel recorded it.
  const after = Date.now();
  await waitFor('sentinel to look again', async () => Number(await d.call(['HGET', sentinel.bus.keys.data('sentinel', 'known'), 'herald'])) > after);
  expect((await alerts(sentinel)).map((a) => a.alertId).filter((id) => !id.startsWith('redis:'))).toEqual([]);

  const [first, second] = ((await d.call(['XPENDING', key, 'herald', '-', '+', 10])) as [string][]).map((r) => String(r[0]));
  await d.call(['XCLAIM', key, 'herald', 'intruder', 0, second!]);
  await d.call(['XACK', key, 'herald', first!]);
  await waitFor('both alerts', async () => {
    const ids = (await alerts(sentinel)).map((a) => a.alertId);
    return ids.includes('acked_by_other:schedule.due:herald') && ids.includes('foreign_consumer:schedule.due:herald');
  });
  const acked = (await alerts(sentinel)).find((a) => a.alertId === 'acked_by_other:schedule.due:herald')!;
  expect(acked.details).toMatchObject({ stream: 'schedule.due', group: 'herald', entries: 1, first });
  release();
});

it('an intent the group is not handed is not an ack by someone else; another reader acking one it is handed is', async () => {
  const prefix = randomPrefix('tamper');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let expenses = 0;
  const classified = (intent: string) => ({ ...(catalogue.stream('intent.classified')!.messages['intent.classified']!.example as object), intent }) as never;
  // ledger's shape: intent.classified, declaring the intent "expense" (every other intent is acked unmarked).
  const ledger = await createTestAgent(
    defineAgent({
      name: 'ledger',
      version: '0.0.0',
      description: 'stand-in',
      skills: [],
      intents: [{ name: 'expense', description: 'money spent', examples: ['spent 12.50 on lunch'] }],
      reads: { 'intent.classified': { 'intent.classified': async () => void (++expenses > 1 && (await held)) } },
      writes: [],
      concurrency: 4,
      orderingKey: false,
    }),
    { redis, prefix },
  );
  running.push(ledger);
  const sentinel = await sentinelSeeing('ledger', prefix);
  const d = sentinel.bus.driver;

  // One handled (so the group has marks and is checked), then intents it is not handed, skipped:
  // intent.classified is split by intent, and these land on the expense's shard (the one ledger reads).
  const shard = (await ledger.publish('intent.classified', 'intent.classified', classified('expense'))).stream;
  const key = sentinel.bus.keys.stream(shard);
  await waitFor('the first expense', async () => expenses === 1);
  let last = '';
  for (const intent of ['weather', 'recipe', 'weather']) {
    const r = await ledger.publish('intent.classified', 'intent.classified', classified(intent));
    expect(r.stream).toBe(shard);
    last = r.entryId;
  }
  const { pending, lastDelivered } = groupOf(d, key, 'ledger');
  await waitFor('the other intents skipped', async () => (await pending()) === 0 && (await lastDelivered()) === last);
  await ledger.publish('intent.classified', 'intent.classified', classified('expense'));
  await waitFor('an expense in hand', async () => (await pending()) === 1);
  const after = Date.now();
  await waitFor('sentinel to look again', async () => Number(await d.call(['HGET', sentinel.bus.keys.data('sentinel', 'known'), 'ledger'])) > after);
  expect((await alerts(sentinel)).map((a) => a.alertId).filter((id) => !id.startsWith('redis:'))).toEqual([]);

  const [first] = ((await d.call(['XPENDING', key, 'ledger', '-', '+', 10])) as [string][]).map((r) => String(r[0]));
  await d.call(['XACK', key, 'ledger', first!]);
  await waitFor('the alert', async () => (await alerts(sentinel)).some((a) => a.alertId === `acked_by_other:${shard}:ledger`));
  const acked = (await alerts(sentinel)).find((a) => a.alertId === `acked_by_other:${shard}:ledger`)!;
  expect(acked.details).toMatchObject({ stream: shard, group: 'ledger', entries: 1, first });
  release();
});

it("watches a split stream's unsplit key too, where a group from before the split may still be draining", async () => {
  const prefix = randomPrefix('tamper');
  // ledger's group from before intent.classified was split, one entry still pending on the old key.
  const ledger = await createTestAgent(
    defineAgent({ name: 'ledger', version: '0.0.0', description: 'stand-in', skills: [], intents: [{ name: 'expense', description: 'money spent', examples: ['spent 12.50 on lunch'] }], reads: { 'intent.classified': { 'intent.classified': () => undefined } }, writes: [] }),
    { redis, prefix },
  );
  running.push(ledger);
  const sentinel = await sentinelSeeing('ledger', prefix);
  const d = sentinel.bus.driver;
  const old = sentinel.bus.keys.stream('intent.classified');
  await d.call(['XADD', old, '*', 'type', 'intent.classified', 'data', '{}']);
  await d.call(['XGROUP', 'CREATE', old, 'ledger', '0']);
  await d.call(['XREADGROUP', 'GROUP', 'ledger', 'ledger@before#0', 'COUNT', '1', 'STREAMS', old, '>']);
  // Someone else's consumer in that group on the old key: seen there, named by the unsplit stream.
  await d.call(['XGROUP', 'CREATECONSUMER', old, 'ledger', 'intruder']);
  await waitFor('the alert', async () => (await alerts(sentinel)).some((a) => a.alertId === 'foreign_consumer:intent.classified:ledger'));
});
