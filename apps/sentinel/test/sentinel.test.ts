/**
 * sentinel on a real Redis (with AOF, as a bus should run) through the runtime's harness. The
 * agents it watches are real: one started with the harness and stopped, and a heartbeat written by
 * hand that stops being refreshed, as a crashed process's would.
 */
import { defineAgent } from '@hive/agent';
import { createCatalogue, waInbound } from '@hive/contracts';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSentinel } from '../src/agent.js';

let redis: RedisServer;
const running: TestAgent[] = [];

beforeAll(async () => {
  redis = await startRedis({ aof: true, appendfsync: 'everysec' });
});
afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
});
afterAll(async () => {
  await redis?.stop();
});

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startSentinel(prefix: string, env: Record<string, string> = {}) {
  const t = await createTestAgent(createSentinel(), { redis, prefix, env: { SENTINEL_POLL_MS: String(POLL_MS), ...env } });
  running.push(t);
  return t;
}

/** A real agent of that name: the harness's heartbeat puts it in the registry, stop() takes it out. */
async function startAgentNamed(name: string, prefix: string) {
  const t = await createTestAgent(defineAgent({ name, version: '0.0.0', description: `stand-in for ${name}`, skills: [], reads: {}, writes: [] }), { redis, prefix });
  running.push(t);
  return t;
}

type Alert = { alertId: string; status: string; check: string; subject: string; summary: string; severity: string };
async function alerts(t: TestAgent, alertId: string): Promise<Alert[]> {
  return (await t.messages('ops.alert')).map((m) => m.data as Alert).filter((a) => a.alertId === alertId);
}

async function network(t: TestAgent) {
  const res = await fetch(`${t.agent.url}/network`);
  return { code: res.status, body: (await res.json()) as { status: string; agents: { name: string; status: string }[]; alerts: { alertId: string }[] } };
}

describe('heartbeats', () => {
  it('an agent stopped: one alert on ops.alert, not repeated by later polls or a restart of sentinel; started again: one recovery notice', async () => {
    const prefix = randomPrefix('sentinel');
    const box = await startAgentNamed('box', prefix);
    let sentinel = await startSentinel(prefix);
    await sleep(POLL_MS * 3); // sentinel has seen box
    expect((await network(sentinel)).body.status).toBe('ok');
    expect(await alerts(sentinel, 'heartbeat:box')).toEqual([]);

    await box.stop();
    const firing = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'heartbeat:box' && m.data.status === 'firing');
    expect(firing.data).toMatchObject({ check: 'heartbeat', severity: 'critical', subject: 'box' });
    expect(firing.data.summary).toMatch(/^box has sent no heartbeat for \d+ s \(last seen \d\d:\d\d:\d\d UTC\)$/);
    const health = await network(sentinel);
    expect(health.code).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.agents).toContainEqual(expect.objectContaining({ name: 'box', status: 'missing' }));

    await sleep(POLL_MS * 5);
    await sentinel.stop();
    running.splice(running.indexOf(sentinel), 1);
    sentinel = await startSentinel(prefix);
    await sleep(POLL_MS * 5);
    expect((await alerts(sentinel, 'heartbeat:box')).map((a) => a.status)).toEqual(['firing']);

    await startAgentNamed('box', prefix);
    const resolved = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'heartbeat:box' && m.data.status === 'resolved');
    expect(resolved.data.summary).toBe('box is back: heartbeats again');
    await sleep(POLL_MS * 5);
    expect((await alerts(sentinel, 'heartbeat:box')).map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect((await network(sentinel)).body.status).toBe('ok');
  });

  it('a heartbeat that stops (a crashed process: its record expires): one alert; beating again: one recovery', async () => {
    const prefix = randomPrefix('sentinel');
    const sentinel = await startSentinel(prefix);
    const key = sentinel.bus.keys.agent('zephyr', '0');
    const beat = () => {
      const now = Date.now();
      const record = { name: 'zephyr', instance: '0', version: '1', host: 'h', pid: 1, reads: [], writes: [], startedAt: now, lastSeen: now, status: 'running' };
      // What startHeartbeat does: the record, and its entry in the registry's index.
      return sentinel.bus.driver.pipeline([
        ['SET', key, JSON.stringify(record), 'PX', 400],
        ['ZADD', sentinel.bus.keys.agentIndex(), now + 400, 'zephyr:0'],
      ]);
    };
    await beat();
    let timer = setInterval(() => void beat(), 100);
    await sleep(POLL_MS * 3);
    clearInterval(timer); // the process "dies": no more heartbeats, the record expires
    await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'heartbeat:zephyr' && m.data.status === 'firing');
    await sleep(POLL_MS * 5);
    expect((await alerts(sentinel, 'heartbeat:zephyr')).map((a) => a.status)).toEqual(['firing']);

    await beat();
    timer = setInterval(() => void beat(), 100);
    try {
      await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'heartbeat:zephyr' && m.data.status === 'resolved');
      await sleep(POLL_MS * 5);
      expect((await alerts(sentinel, 'heartbeat:zephyr')).map((a) => a.status)).toEqual(['firing', 'resolved']);
    } finally {
      clearInterval(timer);
    }
  });
});

it('an agent retired on purpose: forgetting it resolves its alert as no longer watched', async () => {
  const prefix = randomPrefix('sentinel');
  const old = await startAgentNamed('oldie', prefix);
  const sentinel = await startSentinel(prefix);
  await sleep(POLL_MS * 3);
  await old.stop();
  await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'heartbeat:oldie' && m.data.status === 'firing');
  await sentinel.bus.driver.call(['HDEL', sentinel.bus.keys.data('sentinel', 'known'), 'oldie']);
  const resolved = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'heartbeat:oldie' && m.data.status === 'resolved');
  expect(resolved.data.summary).toBe('oldie is no longer watched (forgotten while it was gone)');
});

describe('Redis configuration', () => {
  it('alerts on an evicting maxmemory-policy and on persistence off, and resolves when fixed', async () => {
    const prefix = randomPrefix('sentinel');
    const sentinel = await startSentinel(prefix);
    const config = (...args: string[]) => sentinel.bus.driver.call(['CONFIG', 'SET', ...args]);
    try {
      await config('maxmemory-policy', 'allkeys-lru');
      const policy = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'redis:maxmemory-policy' && m.data.status === 'firing');
      expect(policy.data.summary).toMatch(/^maxmemory-policy is allkeys-lru/);
      await config('maxmemory-policy', 'noeviction');
      await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'redis:maxmemory-policy' && m.data.status === 'resolved');

      await config('appendonly', 'no'); // and `save ""` from the start: nothing survives a restart
      const persistence = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'redis:persistence' && m.data.status === 'firing');
      expect(persistence.data).toMatchObject({ severity: 'critical', subject: 'redis' });
      expect((await network(sentinel)).body.alerts.map((a) => a.alertId)).toContain('redis:persistence');
    } finally {
      await config('maxmemory-policy', 'noeviction');
      await config('appendonly', 'yes');
    }
    await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'redis:persistence' && m.data.status === 'resolved');
  });
});

describe('lag and dead letters', () => {
  it('alerts when a group falls behind or a stream has dead letters past the threshold, and resolves', async () => {
    const prefix = randomPrefix('sentinel');
    const sentinel = await startSentinel(prefix, { SENTINEL_LAG_MAX: '2' });
    const d = sentinel.bus.driver;
    const stream = sentinel.bus.keys.stream('note.saved');
    await d.call(['XGROUP', 'CREATE', stream, 'slowpoke', '0', 'MKSTREAM']);
    for (let i = 0; i < 3; i++) await d.call(['XADD', stream, '*', 'type', 'x', 'data', '{}']);
    const lag = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'lag:note.saved:slowpoke' && m.data.status === 'firing');
    expect(lag.data.summary).toBe('slowpoke is 3 entries behind on note.saved (threshold 2)');
    await d.call(['XREADGROUP', 'GROUP', 'slowpoke', 'c1', 'COUNT', 10, 'STREAMS', stream, '>']);
    await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'lag:note.saved:slowpoke' && m.data.status === 'resolved');

    const dlq = sentinel.bus.keys.deadLetters('note.saved', 'archivist');
    await d.call(['XADD', dlq, '*', 'error', 'boom']);
    await d.call(['HSET', sentinel.bus.keys.deadLetterGroups('note.saved'), 'archivist', '1-0']);
    const dead = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'dead_letters:note.saved' && m.data.status === 'firing');
    expect(dead.data.summary).toMatch(/^1 dead letter on note.saved/);
    await d.call(['DEL', dlq]);
    await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'dead_letters:note.saved' && m.data.status === 'resolved');
  });

  it('watches each shard of a partitioned stream that a registered agent uses, though its own catalogue does not split it', async () => {
    const prefix = randomPrefix('sentinel');
    // kami, deployed with contracts that split wa.inbound in 3: its heartbeat indexes the 3 shards.
    const split = createCatalogue([{ ...waInbound, partitions: { shards: 3, key: 'chatId', why: 'test' } }]);
    const kami = await createTestAgent(defineAgent({ name: 'kami', version: '0.0.0', description: 'stand-in for kami', skills: [], reads: {}, writes: ['wa.inbound'] }), { redis, prefix, contracts: split });
    running.push(kami);
    const sentinel = await startSentinel(prefix, { SENTINEL_LAG_MAX: '2' });
    const d = sentinel.bus.driver;
    const shard = sentinel.bus.keys.stream('wa.inbound.1');
    await d.call(['XGROUP', 'CREATE', shard, 'slowpoke', '0', 'MKSTREAM']);
    for (let i = 0; i < 3; i++) await d.call(['XADD', shard, '*', 'type', 'x', 'data', '{}']);
    const lag = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'lag:wa.inbound.1:slowpoke' && m.data.status === 'firing');
    expect(lag.data.summary).toBe('slowpoke is 3 entries behind on wa.inbound.1 (threshold 2)');
    await d.call(['XREADGROUP', 'GROUP', 'slowpoke', 'c1', 'COUNT', 10, 'STREAMS', shard, '>']);
    await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'lag:wa.inbound.1:slowpoke' && m.data.status === 'resolved');
  });

  it('alerts when entries a group has not read are deleted (a writer trimming the stream), not for retention of what every group read', async () => {
    const prefix = randomPrefix('sentinel');
    const sentinel = await startSentinel(prefix);
    const d = sentinel.bus.driver;
    const stream = sentinel.bus.keys.stream('note.saved');
    await d.call(['XGROUP', 'CREATE', stream, 'reader', '0', 'MKSTREAM']);
    await d.call(['XGROUP', 'CREATE', stream, 'laggard', '0']);
    // Read and acked by every group, then deleted: what retention does. No alert.
    const read = String(await d.call(['XADD', stream, '*', 'type', 'x', 'data', '{}']));
    for (const g of ['reader', 'laggard']) {
      await d.call(['XREADGROUP', 'GROUP', g, 'c1', 'COUNT', 10, 'STREAMS', stream, '>']);
      await d.call(['XACK', stream, g, read]);
    }
    await d.call(['XDEL', stream, read]);
    // Then three entries laggard never read, and a writer's XADD … MAXLEN 0 (ACLs cannot refuse it).
    for (let i = 0; i < 3; i++) await d.call(['XADD', stream, '*', 'type', 'x', 'data', '{}']);
    await d.call(['XREADGROUP', 'GROUP', 'reader', 'c1', 'COUNT', 10, 'STREAMS', stream, '>']);
    const last = String(await d.call(['XADD', stream, 'MAXLEN', '0', '*', 'type', 'x', 'data', '{}']));
    const lost = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'entries_lost:note.saved:laggard' && m.data.status === 'firing', 20_000);
    expect(lost.data.summary).toBe(`entries of note.saved that laggard had not read were deleted (it had read up to ${read}; the stream now holds 0): something trimmed or deleted them`);
    expect(last).toMatch(/^\d+-\d+$/);
    // reader had read all but the last, which MAXLEN 0 deleted unread: it is told too; nothing else about entries lost.
    await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'entries_lost:note.saved:reader' && m.data.status === 'firing', 20_000);
    const alerted = (await sentinel.messages('ops.alert')).map((m) => m.data.alertId);
    expect(alerted.filter((a) => a.startsWith('entries_lost:')).sort()).toEqual(['entries_lost:note.saved:laggard', 'entries_lost:note.saved:reader']);
    // Once laggard reads past the deleted entries, the alert clears.
    await d.call(['XADD', stream, '*', 'type', 'x', 'data', '{}']);
    await d.call(['XREADGROUP', 'GROUP', 'laggard', 'c1', 'COUNT', 10, 'STREAMS', stream, '>']);
    await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'entries_lost:note.saved:laggard' && m.data.status === 'resolved', 20_000);
  });
});

it('Redis away: /network says down (503); back: a notice says how long it was away', async () => {
  const own = await startRedis({ aof: true, appendfsync: 'everysec' });
  let sentinel: TestAgent | undefined;
  try {
    sentinel = await createTestAgent(createSentinel(), { redis: own, env: { SENTINEL_POLL_MS: String(POLL_MS), SENTINEL_POLL_TIMEOUT_MS: '500' } });
    await sleep(POLL_MS * 3);
    expect((await network(sentinel)).body.status).toBe('ok');
    await own.kill9();
    let down: { code: number; body: { status: string } } | undefined;
    for (let i = 0; i < 50 && down?.body.status !== 'down'; i++) {
      await sleep(POLL_MS);
      down = await network(sentinel);
    }
    expect(down).toMatchObject({ code: 503, body: { status: 'down', redis: { reachable: false } } });
    await own.restart();
    const back = await sentinel.expectMessage('ops.alert', (m) => m.data.alertId === 'redis:down', 15_000);
    expect(back.data).toMatchObject({ status: 'resolved', check: 'redis_down', subject: 'redis' });
    expect(back.data.summary).toMatch(/^Redis is reachable again after about \d+ s away$/);
  } finally {
    await sentinel?.stop();
    await own.stop();
  }
});
