/**
 * Partitioned streams: a stream declared with 3 shards is 3 physical streams; publishing picks the
 * shard by the partition key, a group reads every shard. Per-key order, each message handled once
 * across shards and consumers, one concurrency limit across shards, a SIGKILLed consumer's pending
 * entries reclaimed on every shard, dead letters per shard. In conformance:cluster too (the shards
 * then sit in different slots).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_KINDS, logicalStream, shardOf, shardStream, shardStreams, streamShards, type Bus, type DriverKind } from '../src/index.js';
import { listDeadLetters, retryDeadLetters } from '../src/admin.js';
import { killMidBatch, startConsumerChild, type Child } from './child.js';
import { partitionedContracts } from './fixtures/partitioned-contracts.js';
import { makeBus, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const SHARDS = 3;
const contracts = partitionedContracts({ jobs: { shards: SHARDS, key: 'chat' } });
const randomDelay = () => new Promise<void>((r) => setTimeout(r, Math.floor(Math.random() * 3)));

describe('shard names and the shard of a key', () => {
  it('keeps an unsplit stream under its own name, and hashes keys with FNV-1a', () => {
    expect(shardStream('wa.inbound', 0, 1)).toBe('wa.inbound');
    expect(shardStreams('wa.inbound', 1)).toEqual(['wa.inbound']);
    expect(shardStreams('wa.inbound', 3)).toEqual(['wa.inbound.0', 'wa.inbound.1', 'wa.inbound.2']);
    expect(() => shardStream('wa.inbound', 3, 3)).toThrow(/out of range/);
    // FNV-1a("a") = 0xe40c292c: what a producer in another language computes too.
    expect(shardOf('a', 2 ** 31)).toBe(0xe40c292c % 2 ** 31);
    expect(shardOf('a', 3)).toBe(1);
    expect(shardOf('491701234567@c.us', 3)).toBe(0);
    expect(shardOf('anything', 1)).toBe(0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) counts[shardOf(`chat-${i}@c.us`, 3)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('a reader finds a stream\'s shards from the contracts, and a shard\'s stream', () => {
    expect(streamShards(contracts, 'jobs')).toEqual(['jobs.0', 'jobs.1', 'jobs.2']);
    expect(streamShards(contracts, 'other')).toEqual(['other']);
    expect(streamShards(undefined, 'jobs')).toEqual(['jobs']);
    expect(streamShards(contracts, 'jobs.1')).toEqual(['jobs.1']);
    expect(logicalStream(contracts, 'jobs.2')).toBe('jobs');
    expect(logicalStream(contracts, 'jobs.3')).toBe('jobs.3');
    expect(logicalStream(contracts, 'jobs.01')).toBe('jobs.01');
    expect(logicalStream(contracts, 'jobs')).toBe('jobs');
    expect(logicalStream(contracts, 'other.0')).toBe('other.0');
    expect(logicalStream(undefined, 'jobs.0')).toBe('jobs.0');
  });
});

describe.each(DRIVER_KINDS)('partitioned streams on %s', (kind: DriverKind) => {
  const open: Bus[] = [];
  const children: Child[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const bus = async (prefix = randomPrefix()) => {
    const b = await makeBus(kind, redis(), prefix, { contracts });
    open.push(b);
    return b;
  };
  const pendingOn = async (b: Bus, stream: string, group: string) => Number(((await b.driver.call(['XPENDING', b.keys.stream(stream), group])) as unknown[])[0]);
  const lengths = async (b: Bus) => Promise.all(shardStreams('jobs', SHARDS).map(async (s) => Number(await b.driver.call(['XLEN', b.keys.stream(s)]))));

  it('publishes each key to its one shard, never under the stream\'s own name', async () => {
    const b = await bus();
    const results = await b.publishBatch(Array.from({ length: 300 }, (_, i) => ({ stream: 'jobs', type: 'job', data: { chat: `chat-${i % 10}`, i } })));
    results.forEach((r, i) => expect(r.stream).toBe(shardStream('jobs', shardOf(`chat-${i % 10}`, SHARDS), SHARDS)));
    expect((await lengths(b)).reduce((a, n) => a + n, 0)).toBe(300);
    expect(Number(await b.driver.call(['EXISTS', b.keys.stream('jobs')]))).toBe(0);
    // The option wins over the payload field; without either, the message id picks the shard.
    const chosen = await b.publish('jobs', 'job', { chat: 'a' }, { partitionKey: 'other' });
    expect(chosen.stream).toBe(`jobs.${shardOf('other', SHARDS)}`);
    const keyless = await b.publish('jobs', 'job', { n: 1 }, { id: 'fixed-id' });
    expect(keyless.stream).toBe(`jobs.${shardOf('fixed-id', SHARDS)}`);
    // An idempotent publish repeated lands on the same shard and is appended once.
    const first = await b.publish('jobs', 'job', { n: 2 }, { id: 'once', idempotent: true });
    const again = await b.publish('jobs', 'job', { n: 2 }, { id: 'once', idempotent: true });
    expect(again).toEqual({ ...first, duplicate: true });
  });

  it('one consumer at concurrency 8: every key in order, keys in parallel across the shards', async () => {
    const b = await bus();
    const seen = new Map<string, number[]>();
    const shardsSeen = new Set<string>();
    let running = 0;
    let maxRunning = 0;
    const sub = b.subscribe<{ chat: string; seq: number }>({
      stream: 'jobs',
      group: 'g',
      concurrency: 8,
      orderingKey: (m) => m.data.chat,
      handler: async (m, ctx) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        shardsSeen.add(ctx.stream);
        await randomDelay();
        seen.set(m.data.chat, [...(seen.get(m.data.chat) ?? []), m.data.seq]);
        running--;
      },
    });
    await sub.ready;
    expect(sub.stream).toBe('jobs');
    const messages = [];
    for (let seq = 0; seq < 100; seq++) for (let c = 0; c < 12; c++) messages.push({ stream: 'jobs', type: 'job', data: { chat: `chat-${c}`, seq } });
    for (let i = 0; i < messages.length; i += 200) await b.publishBatch(messages.slice(i, i + 200));
    await waitUntil(() => [...seen.values()].reduce((n, l) => n + l.length, 0) === 1_200, 30_000, 'all 1200 handled');
    const expected = Array.from({ length: 100 }, (_, i) => i);
    for (let c = 0; c < 12; c++) expect(seen.get(`chat-${c}`), `chat-${c}`).toEqual(expected);
    expect(shardsSeen).toEqual(new Set(shardStreams('jobs', SHARDS)));
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxRunning).toBeLessThanOrEqual(8);
  });

  it('concurrency 1 over 3 shards: one handler at a time, every message once', async () => {
    const b = await bus();
    const handled: number[] = [];
    let running = 0;
    let overlap = 0;
    const sub = b.subscribe<{ i: number }>({
      stream: 'jobs',
      group: 'g',
      handler: async (m) => {
        if (running > 0) overlap++;
        running++;
        await randomDelay();
        handled.push(m.data.i);
        running--;
      },
    });
    await sub.ready;
    await b.publishBatch(Array.from({ length: 150 }, (_, i) => ({ stream: 'jobs', type: 'job', data: { chat: `c${i % 7}`, i } })));
    await waitUntil(() => handled.length === 150, 30_000, 'all 150 handled');
    expect(overlap, 'handlers running at once at concurrency 1').toBe(0);
    expect(new Set(handled).size).toBe(150);
    expect(sub.inFlight).toBe(0);
  });

  it('three consumers in one group: every message handled exactly once across the shards', async () => {
    const prefix = randomPrefix();
    const counts = new Map<string, number>();
    const buses = [await bus(prefix), await bus(prefix), await bus(prefix)];
    const subs = buses.map((b, n) =>
      b.subscribe({
        stream: 'jobs',
        group: 'g',
        consumer: `c${n}`,
        concurrency: 4,
        handler: async (m) => {
          await randomDelay();
          counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
        },
      }),
    );
    await Promise.all(subs.map((s) => s.ready));
    const sent: string[] = [];
    for (let i = 0; i < 900; i += 150) {
      const batch = Array.from({ length: 150 }, (_, j) => ({ stream: 'jobs', type: 'job', data: { chat: `chat-${(i + j) % 40}` } }));
      sent.push(...(await buses[0]!.publishBatch(batch)).map((r) => r.id));
    }
    await waitUntil(() => counts.size === 900, 30_000, 'all 900 handled');
    await Promise.all(subs.map((s) => s.stop()));
    expect(new Set(counts.keys())).toEqual(new Set(sent));
    expect([...counts.values()].every((c) => c === 1), 'a message handled twice').toBe(true);
    for (const s of shardStreams('jobs', SHARDS)) expect(await pendingOn(buses[0]!, s, 'g'), s).toBe(0);
  });

  it('a consumer SIGKILLed mid-way: a live one reclaims what it held on each shard; every message handled', async () => {
    const prefix = randomPrefix();
    const b = await bus(prefix);
    const claimIdleMs = 1_000;
    const child = startConsumerChild({
      REDIS_URL: redis().url, DRIVER: kind, PREFIX: prefix, STREAM: 'jobs', SHARDS: String(SHARDS), GROUP: 'g', CONSUMER: 'doomed',
      CONCURRENCY: '9', HANDLER_MS: '300', CLAIM_IDLE_MS: String(claimIdleMs),
    });
    children.push(child);
    await child.waitFor((l) => l === 'ready', 20_000, 'child ready');
    const sent = (await b.publishBatch(Array.from({ length: 150 }, (_, i) => ({ stream: 'jobs', type: 'job', data: { chat: `chat-${i % 30}` } })))).map((r) => r.id);
    const { started, finished } = await killMidBatch(child);
    expect(started).toBeGreaterThan(finished);
    // It died holding entries: pending on the dead consumer, on the shards whose loops held them then.
    const pendingBefore = await Promise.all(shardStreams('jobs', SHARDS).map((s) => pendingOn(b, s, 'g')));
    expect(pendingBefore.reduce((a, n) => a + n, 0), `pending per shard ${pendingBefore.join(',')}`).toBeGreaterThan(0);

    const handledKey = `${prefix}handled:g`;
    const survivor = b.subscribe({
      stream: 'jobs',
      group: 'g',
      consumer: 'survivor',
      concurrency: 16,
      claimIdleMs,
      handler: async (m) => void (await b.driver.call(['SADD', handledKey, m.id])),
    });
    await survivor.ready;
    await waitUntil(async () => Number(await b.driver.call(['SCARD', handledKey])) === 150, 30_000, 'all 150 handled');
    const handled = new Set(((await b.driver.call(['SMEMBERS', handledKey])) as string[]).map(String));
    expect(handled).toEqual(new Set(sent));
    for (const s of shardStreams('jobs', SHARDS)) await waitUntil(async () => (await pendingOn(b, s, 'g')) === 0, 10_000, `nothing pending on ${s}`);
  }, 60_000);

  it('dead letters are kept per shard, and a retried one goes back to its shard for that group only', async () => {
    const b = await bus();
    let fixed = false;
    const handled: string[] = [];
    const other: string[] = [];
    const sub = b.subscribe<{ chat: string; bad?: boolean }>({
      stream: 'jobs',
      group: 'g',
      maxDeliveries: 1,
      handler: (m) => {
        if (m.data.bad && !fixed) throw new Error('cannot take it');
        handled.push(m.data.chat);
      },
    });
    const bystander = b.subscribe<{ chat: string }>({ stream: 'jobs', group: 'other', handler: (m) => void other.push(m.data.chat) });
    await Promise.all([sub.ready, bystander.ready]);
    const chats = Array.from({ length: 12 }, (_, i) => `chat-${i}`);
    await b.publishBatch(chats.map((chat) => ({ stream: 'jobs', type: 'job', data: { chat, bad: true } })));
    const deadOn = async () => Promise.all(shardStreams('jobs', SHARDS).map((s) => listDeadLetters(b.driver, b.keys, s, { group: 'g' })));
    await waitUntil(async () => (await deadOn()).flat().length === 12, 15_000, '12 dead letters');
    const perShard = await deadOn();
    perShard.forEach((letters, shard) => {
      for (const dl of letters) expect(shardOf((dl.message?.data as { chat: string }).chat, SHARDS), 'a dead letter on the shard of its key').toBe(shard);
    });
    expect(perShard.filter((l) => l.length > 0).length).toBeGreaterThan(1);

    fixed = true;
    await waitUntil(() => other.length === 12, 10_000, 'the other group handled all 12');
    for (const [shard, letters] of perShard.entries()) {
      const outcomes = await retryDeadLetters(b.driver, b.keys, shardStream('jobs', shard, SHARDS), letters.map((l) => l.id), 'g');
      expect(outcomes.every((o) => o.status === 'retried'), JSON.stringify(outcomes)).toBe(true);
    }
    await waitUntil(() => handled.length === 12, 15_000, 'the 12 retried handled');
    expect(new Set(handled)).toEqual(new Set(chats));
    expect(other).toHaveLength(12);
    expect((await deadOn()).flat()).toEqual([]);
  }, 40_000);
  it('a group reading some shards: only what lands there reaches it, and its group exists on those shards only', async () => {
    const b = await bus();
    const keys = Array.from({ length: 60 }, (_, i) => `chat-${i}`);
    const mine = 1;
    const got: string[] = [];
    const sub = b.subscribe<{ chat: string }>({ stream: 'jobs', group: 'some', shards: [mine], handler: (m) => void got.push(m.data.chat) });
    const all: string[] = [];
    const everyone = b.subscribe<{ chat: string }>({ stream: 'jobs', group: 'all', handler: (m) => void all.push(m.data.chat) });
    await Promise.all([sub.ready, everyone.ready]);
    expect(sub.reading).toBe(true);
    await b.publishBatch(keys.map((chat) => ({ stream: 'jobs', type: 'job', data: { chat } })));
    const expected = keys.filter((k) => shardOf(k, SHARDS) === mine);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(keys.length);
    await waitUntil(() => all.length === keys.length && got.length === expected.length, 10_000, 'both groups caught up');
    expect(got).toEqual(expected);
    const groupsOn = async (s: string) => ((await b.driver.call(['XINFO', 'GROUPS', b.keys.stream(s)])) as unknown[][]).map((g) => String(g[1]));
    for (const [i, s] of shardStreams('jobs', SHARDS).entries()) expect((await groupsOn(s)).includes('some'), s).toBe(i === mine);
  });

  it('names a bad shard list with a ConfigError', async () => {
    const b = await bus();
    const handler = () => undefined;
    expect(() => b.subscribe({ stream: 'jobs', group: 'g', shards: [SHARDS], handler })).toThrow(/shards of "jobs" must be shard numbers from 0 to 2 \(it has 3\), got 3/);
    expect(() => b.subscribe({ stream: 'jobs', group: 'g', shards: [], handler })).toThrow(/at least one shard/);
    expect(() => b.subscribe({ stream: 'plain', group: 'g', shards: [1], handler })).toThrow(/shards of "plain" must be shard numbers from 0 to 0/);
  });

  it('a stream split after it was read: the group drains what it owed on the old key and reads its shards from their start', async () => {
    const prefix = randomPrefix();
    // Before: the stream unsplit, one group that handled 3 entries, died holding 2, and had 4 more unread.
    const before = await makeBus(kind, redis(), prefix);
    open.push(before);
    const old = await before.publishBatch(Array.from({ length: 9 }, (_, i) => ({ stream: 'jobs', type: 'job', data: { chat: `old-${i}` } })));
    const key = before.keys.stream('jobs');
    await before.driver.call(['XGROUP', 'CREATE', key, 'g', '0']);
    await before.driver.call(['XREADGROUP', 'GROUP', 'g', 'gone', 'COUNT', '5', 'STREAMS', key, '>']);
    await before.driver.call(['XACK', key, 'g', old[0]!.entryId, old[1]!.entryId, old[2]!.entryId]);
    expect(await pendingOn(before, 'jobs', 'g')).toBe(2);
    // After: the new contracts split it; a message is published before the group's loops are up.
    const after = await bus(prefix);
    const early = await after.publish('jobs', 'job', { chat: 'early' });
    expect(early.stream).not.toBe('jobs');
    const handled: string[] = [];
    const sub = after.subscribe<{ chat: string }>({ stream: 'jobs', group: 'g', claimIdleMs: 500, handler: (m) => void handled.push(m.data.chat) });
    await sub.ready;
    await after.publish('jobs', 'job', { chat: 'late' });
    const owed = ['old-3', 'old-4', 'old-5', 'old-6', 'old-7', 'old-8', 'early', 'late'];
    await waitUntil(() => owed.every((c) => handled.includes(c)), 15_000, 'everything owed handled');
    expect(handled.filter((c) => ['old-0', 'old-1', 'old-2'].includes(c))).toEqual([]);
    expect(new Set(handled).size).toBe(handled.length);
    await waitUntil(async () => (await pendingOn(after, 'jobs', 'g')) === 0, 10_000, 'nothing pending on the old key');
    await sub.stop();
    // Drained: the next start does not read the old key again, and a group that never read it starts at the end.
    const again = after.subscribe<{ chat: string }>({ stream: 'jobs', group: 'g', handler: (m) => void handled.push(m.data.chat) });
    const freshSaw: string[] = [];
    const fresh = after.subscribe<{ chat: string }>({ stream: 'jobs', group: 'new', handler: (m) => void freshSaw.push(m.data.chat) });
    await Promise.all([again.ready, fresh.ready]);
    // Something appended to the old key now is not read: no loop is left on it.
    await after.driver.call(['XADD', after.keys.stream('jobs'), '*', ...((await before.driver.call(['XRANGE', after.keys.stream('jobs'), '-', '+', 'COUNT', '1'])) as [string, string[]][])[0]![1]]);
    await after.publish('jobs', 'job', { chat: 'after the restart' });
    await waitUntil(() => handled.includes('after the restart'), 10_000, 'the restarted group reads its shards');
    await new Promise((r) => setTimeout(r, 300));
    expect(handled.filter((c) => c === 'old-0')).toEqual([]);
    expect(freshSaw).toEqual(['after the restart']);
  }, 40_000);
});
