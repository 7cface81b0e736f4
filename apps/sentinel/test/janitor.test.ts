/**
 * The janitor on a real Redis: every stream is trimmed to its contract's retention, continuously,
 * but never past an entry some group has not acked. A group that stops acking (an agent removed
 * from the network, a stuck one) holds trimming back: nothing it owes is dropped (read back from
 * its pending list and from after its last-delivered id), an ops.alert names it and says what to
 * do, and once the group is gone the stream is trimmed and the alert resolves.
 */
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { type RedisDriver } from '@hive/bus';
import { entryIdTime, xack, xinfoGroups, xpending, xrange, xreadgroup } from '@hive/bus/admin';
import { catalogue, type Partitions } from '@hive/contracts';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSentinel } from '../src/agent.js';
import type { JanitorPass } from '../src/janitor.js';

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

const DAY_MS = 86_400_000;
/** wa.inbound keeps 1 day: scaled so that a day is 400 ms. */
const WINDOW_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startJanitor(prefix: string, passes: JanitorPass[], retention = catalogue.stream('wa.inbound')!.retention, partitions?: Partitions) {
  const sentinel = createSentinel({
    // Only wa.inbound: the janitor would otherwise also trim ops.alert, where the test reads the alerts.
    catalogue: { streams: [{ ...catalogue.stream('wa.inbound')!, retention, ...(partitions ? { partitions } : {}) }] },
    retentionScale: WINDOW_MS / DAY_MS,
    onJanitorPass: (p) => passes.push(p),
  });
  const t = await createTestAgent(sentinel, { redis, prefix, env: { SENTINEL_POLL_MS: '100', SENTINEL_JANITOR_MS: '100' } });
  running.push(t);
  return t;
}

/** Append n raw entries (the janitor does not care what they say). */
async function append(d: RedisDriver, key: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(String(await d.call(['XADD', key, '*', 'type', 'wa.message', 'n', String(i)])));
  return ids;
}

async function waitFor<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

type Alert = { alertId: string; status: string; check: string; subject: string; summary: string; details: Record<string, unknown> };

describe('the janitor', () => {
  it('trims a stream to its retention once every group has acked, and keeps what a stuck group owes until its group is gone', async () => {
    const prefix = randomPrefix('janitor');
    const passes: JanitorPass[] = [];
    const t = await startJanitor(prefix, passes);
    const d = t.bus.driver;
    const key = t.bus.keys.stream('wa.inbound');

    // Two groups from the start: "iris" reads and acks everything; "oldbot" reads the first 5 and
    // never acks them (pending), and never reads the rest (undelivered): an agent that went away.
    await d.call(['XGROUP', 'CREATE', key, 'iris', '0', 'MKSTREAM']);
    await d.call(['XGROUP', 'CREATE', key, 'oldbot', '0']);
    const old = await append(d, key, 20);
    await d.call(['XREADGROUP', 'GROUP', 'oldbot', 'gone-1', 'COUNT', 5, 'STREAMS', key, '>']);
    const readAll = async () => {
      const entries = (await xreadgroup(d, 'iris', 'iris-1', [key], ['>'], { count: 1_000 })).flatMap((r) => r.entries);
      if (entries.length > 0) await xack(d, key, 'iris', entries.map((e) => e.id));
    };
    await readAll();

    // Well past the window, with fresh entries coming: the old ones stay, because oldbot owes them.
    await sleep(WINDOW_MS * 3);
    const fresh = await append(d, key, 5);
    await readAll();
    const alert = await waitFor('the retention alert', async () =>
      (await t.messages('ops.alert')).map((m) => m.data as Alert).find((a) => a.alertId === 'retention:wa.inbound:oldbot' && a.status === 'firing'),
    );
    expect(alert).toMatchObject({ check: 'other', subject: 'wa.inbound/oldbot', details: { problem: 'retention', group: 'oldbot', reason: 'pending', entryId: old[0] } });
    expect(alert.summary).toContain(`redis-cli XGROUP DESTROY ${key} oldbot`);
    const heldPass = passes.at(-1)!;
    expect(heldPass.outcomes[0]).toMatchObject({ stream: 'wa.inbound', heldBackBy: { group: 'oldbot', entryId: old[0] } });

    // Nothing oldbot owes was trimmed: every pending entry and every entry after its last delivered one is still there.
    const pending = await xpending(d, key, 'oldbot', { start: '-', end: '+', count: 1_000 });
    expect(pending.map((p) => p.id)).toEqual(old.slice(0, 5));
    for (const p of pending) expect(await xrange(d, key, p.id, p.id), `pending ${p.id}`).toHaveLength(1);
    const g = (await xinfoGroups(d, key)).find((x) => x.name === 'oldbot')!;
    expect((await xrange(d, key, `(${g.lastDeliveredId}`, '+')).map((e) => e.id)).toEqual([...old.slice(5), ...fresh]);

    // oldbot's group deleted (what the alert says to do): the next passes trim to the window, and the alert resolves.
    await d.call(['XGROUP', 'DESTROY', key, 'oldbot']);
    await waitFor('the resolved notice', async () =>
      (await t.messages('ops.alert')).map((m) => m.data as Alert).find((a) => a.alertId === 'retention:wa.inbound:oldbot' && a.status === 'resolved'),
    );
    const left = await waitFor('the old entries trimmed', async () => {
      const ids = (await xrange(d, key, '-', '+')).map((e) => e.id);
      return ids.length < 25 ? ids : undefined;
    });
    expect(left.every((id) => !old.includes(id))).toBe(true);
    expect(passes.some((p) => p.outcomes.some((o) => o.trimmed >= 20))).toBe(true);

    // And entries past the window, acked by every group, go by age on their own.
    await sleep(WINDOW_MS * 2);
    await waitFor('the stream emptied by age', async () => (Number(await d.call(['XLEN', key])) === 0 ? true : undefined));
    expect(passes.every((p) => p.failed.length === 0)).toBe(true);
  });

  it('trims by length, to the newest maxLen entries every group has acked', async () => {
    const prefix = randomPrefix('janitor');
    const passes: JanitorPass[] = [];
    const t = await startJanitor(prefix, passes, { maxLen: 10, why: 'test' });
    const d = t.bus.driver;
    const key = t.bus.keys.stream('wa.inbound');
    await d.call(['XGROUP', 'CREATE', key, 'iris', '0', 'MKSTREAM']);
    const ids = await append(d, key, 30);
    // Not before iris has acked them: 18 read and acked, 12 left unread.
    const read = (await xreadgroup(d, 'iris', 'iris-1', [key], ['>'], { count: 18 })).flatMap((r) => r.entries);
    await xack(d, key, 'iris', read.map((e) => e.id));
    const held = await waitFor('a pass after the ack', async () => passes.find((p) => p.outcomes[0]?.lengthAfter === 12));
    expect(held.outcomes[0]!.heldBackBy).toMatchObject({ group: 'iris', entryId: ids[18], reason: 'undelivered' });
    const rest = (await xreadgroup(d, 'iris', 'iris-1', [key], ['>'], { count: 100 })).flatMap((r) => r.entries);
    await xack(d, key, 'iris', rest.map((e) => e.id));
    await waitFor('the stream at 10', async () => (Number(await d.call(['XLEN', key])) === 10 ? true : undefined));
    expect((await xrange(d, key, '-', '+')).map((e) => e.id)).toEqual(ids.slice(20));
  });

  it('trims every shard of a partitioned stream to the stream\'s retention', async () => {
    const passes: JanitorPass[] = [];
    const t = await startJanitor(randomPrefix('janitor'), passes, { maxLen: 10, why: 'test' }, { shards: 2, key: 'chatId', why: 'test' });
    const d = t.bus.driver;
    const shards = ['wa.inbound.0', 'wa.inbound.1'].map((s) => t.bus.keys.stream(s));
    for (const key of shards) await append(d, key, 30);
    for (const key of shards) await waitFor(`${key} at 10`, async () => (Number(await d.call(['XLEN', key])) === 10 ? true : undefined));
    expect(passes.at(-1)!.outcomes.map((o) => o.stream).sort()).toEqual(['wa.inbound.0', 'wa.inbound.1']);
  });

  it('never touches an entry a new group has not read yet', async () => {
    const prefix = randomPrefix('janitor');
    const passes: JanitorPass[] = [];
    const t = await startJanitor(prefix, passes);
    const d = t.bus.driver;
    const key = t.bus.keys.stream('wa.inbound');
    // wa.inbound's length cap is 50,000; a new group at "$" has read nothing of what comes after it.
    await d.call(['XGROUP', 'CREATE', key, 'late', '$', 'MKSTREAM']);
    const ids = await append(d, key, 30);
    await sleep(WINDOW_MS * 2);
    const pass = await waitFor('a pass after the window', async () => passes.find((p) => p.at.getTime() > entryIdTime(ids.at(-1)!) + WINDOW_MS * 1.5));
    expect(pass.outcomes[0]).toMatchObject({ trimmed: 0, lengthAfter: 30, heldBackBy: { group: 'late', entryId: ids[0], reason: 'undelivered' } });
    expect((await xrange(d, key, '-', '+')).map((e) => e.id)).toEqual(ids);
  });
});
