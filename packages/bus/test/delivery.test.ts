/**
 * Conformance: fan-out across groups and competition within a group, on both drivers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_KINDS, type Bus } from '../src/index.js';
import { makeBus, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('delivery on %s', (kind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const bus = async (prefix: string) => {
    const b = await makeBus(kind, redis(), prefix);
    open.push(b);
    return b;
  };

  it('publishes and returns both the message id and the entry id', async () => {
    const b = await bus(randomPrefix());
    const r = await b.publish('demo', 'demo.ping', { n: 1 });
    expect(r.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(r.entryId).toMatch(/^\d+-\d+$/);
    const batch = await b.publishBatch([
      { stream: 'demo', type: 'demo.ping', data: { n: 2 } },
      { stream: 'other', type: 'demo.ping', data: { n: 3 }, id: 'fixed-id' },
    ]);
    expect(batch.map((x) => x.stream)).toEqual(['demo', 'other']);
    expect(batch[1]!.id).toBe('fixed-id');
  });

  it('fans out: 3 groups each receive all 1,000 messages exactly once', async () => {
    const prefix = randomPrefix();
    const b = await bus(prefix);
    const seen: Record<string, string[]> = { a: [], b: [], c: [] };
    const subs = Object.keys(seen).map((g) =>
      b.subscribe<{ i: number }>({ stream: 'fan', group: g, concurrency: 16, handler: (m) => void seen[g]!.push(m.id) }),
    );
    await Promise.all(subs.map((s) => s.ready));
    const sent: string[] = [];
    for (let i = 0; i < 1000; i += 100) {
      const batch = Array.from({ length: 100 }, (_, j) => ({ stream: 'fan', type: 'demo.n', data: { i: i + j } }));
      sent.push(...(await b.publishBatch(batch)).map((r) => r.id));
    }
    await waitUntil(() => Object.values(seen).every((s) => s.length >= 1000), 20_000, 'every group to see 1000');
    await new Promise((r) => setTimeout(r, 200));
    for (const [g, ids] of Object.entries(seen)) {
      expect(ids.length, `group ${g} handled count`).toBe(1000);
      expect(new Set(ids), `group ${g} set`).toEqual(new Set(sent));
    }
  });

  it('competes: 4 consumers in one group handle 10,000 messages, each exactly once', async () => {
    const prefix = randomPrefix();
    const b = await bus(prefix);
    const handled = new Map<string, number>();
    const perConsumer: Record<string, number> = {};
    const subs = [0, 1, 2, 3].map((n) =>
      b.subscribe({
        stream: 'work',
        group: 'workers',
        consumer: `w${n}`,
        concurrency: 8,
        handler: (m) => {
          handled.set(m.id, (handled.get(m.id) ?? 0) + 1);
          perConsumer[`w${n}`] = (perConsumer[`w${n}`] ?? 0) + 1;
        },
      }),
    );
    await Promise.all(subs.map((s) => s.ready));
    const sent: string[] = [];
    for (let i = 0; i < 10_000; i += 500) {
      const batch = Array.from({ length: 500 }, (_, j) => ({ stream: 'work', type: 'demo.n', data: { i: i + j } }));
      sent.push(...(await b.publishBatch(batch)).map((r) => r.id));
    }
    await waitUntil(() => handled.size >= 10_000, 60_000, 'all 10,000 handled');
    await new Promise((r) => setTimeout(r, 200));
    expect(new Set(handled.keys())).toEqual(new Set(sent));
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    // every consumer took part: competition, not one consumer doing it all
    expect(Object.keys(perConsumer).sort()).toEqual(['w0', 'w1', 'w2', 'w3']);
    const pending = await b.driver.call(['XPENDING', b.keys.stream('work'), 'workers']);
    expect((pending as unknown[])[0]).toBe(0);
  }, 90_000);

  it('never reads more entries than free handler slots', async () => {
    const b = await bus(randomPrefix());
    let running = 0;
    let maxRunning = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sub = b.subscribe({
      stream: 'bp',
      group: 'g',
      concurrency: 3,
      handler: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate;
        running--;
      },
    });
    await sub.ready;
    await b.publishBatch(Array.from({ length: 20 }, (_, i) => ({ stream: 'bp', type: 'demo.n', data: { i } })));
    await waitUntil(() => running === 3, 5_000, '3 handlers running');
    await new Promise((r) => setTimeout(r, 300));
    // Only 3 entries were delivered: the rest are still unread in the stream, not buffered in memory.
    const groups = (await b.driver.call(['XPENDING', b.keys.stream('bp'), 'g'])) as unknown[];
    expect(groups[0]).toBe(3);
    expect(sub.inFlight).toBe(3);
    release();
    await waitUntil(async () => ((await b.driver.call(['XINFO', 'GROUPS', b.keys.stream('bp')])) as unknown[][])[0]!.includes(0) && running === 0, 5_000, 'drained');
    expect(maxRunning).toBe(3);
  });

  it('publishes the messages a handler returns before acking, with cause and corr filled in', async () => {
    const b = await bus(randomPrefix());
    const replies: { cause: string; corr: string; data: unknown }[] = [];
    const s1 = b.subscribe<{ q: string }>({
      stream: 'ask',
      group: 'answerer',
      handler: (m) => ({ stream: 'answer', type: 'demo.answer', data: { a: m.data.q.toUpperCase() } }),
    });
    const s2 = b.subscribe({ stream: 'answer', group: 'reader', startAt: 'all', handler: (m) => void replies.push(m) });
    await Promise.all([s1.ready, s2.ready]);
    const q = await b.publish('ask', 'demo.ask', { q: 'hi' }, { corr: 'conv-1' });
    await waitUntil(() => replies.length === 1, 5_000, 'the reply');
    expect(replies[0]).toMatchObject({ cause: q.id, corr: 'conv-1', data: { a: 'HI' } });
  });
});
