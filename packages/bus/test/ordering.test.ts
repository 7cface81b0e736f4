/**
 * Ordering: stream order per consumer at concurrency 1; per-key order (one WhatsApp chat) at
 * higher concurrency, with other keys running in parallel.
 */
import { describe, expect, it } from 'vitest';
import { DRIVER_KINDS } from '../src/index.js';
import { listDeadLetters } from '../src/admin.js';
import { useBuses, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const randomDelay = () => new Promise<void>((r) => setTimeout(r, Math.floor(Math.random() * 4)));

describe.each(DRIVER_KINDS)('ordering on %s', (kind) => {
  const { bus } = useBuses(kind, redis);

  it('10 keys x 200 messages at concurrency 16 with random delays: each key in order, keys in parallel', async () => {
    const b = await bus();
    const seen = new Map<string, number[]>();
    const running = new Set<string>();
    let maxParallel = 0;
    let overlapSameKey = 0;
    const sub = b.subscribe<{ chat: string; seq: number }>({
      stream: 'wa.inbound',
      group: 'iris',
      concurrency: 16,
      orderingKey: (m) => m.data.chat,
      handler: async (m) => {
        if (running.has(m.data.chat)) overlapSameKey++;
        running.add(m.data.chat);
        maxParallel = Math.max(maxParallel, running.size);
        await randomDelay();
        const list = seen.get(m.data.chat) ?? [];
        list.push(m.data.seq);
        seen.set(m.data.chat, list);
        running.delete(m.data.chat);
      },
    });
    await sub.ready;
    // Interleaved as chats are: message seq of every chat, then seq+1 of every chat, ...
    const messages = [];
    for (let seq = 0; seq < 200; seq++) for (let c = 0; c < 10; c++) messages.push({ stream: 'wa.inbound', type: 'wa.message', data: { chat: `chat-${c}`, seq } });
    for (let i = 0; i < messages.length; i += 250) await b.publishBatch(messages.slice(i, i + 250));
    await waitUntil(() => [...seen.values()].reduce((n, l) => n + l.length, 0) === 2000, 30_000, 'all 2000 handled');
    const expected = Array.from({ length: 200 }, (_, i) => i);
    for (let c = 0; c < 10; c++) expect(seen.get(`chat-${c}`), `chat-${c}`).toEqual(expected);
    expect(overlapSameKey, 'two messages of one chat handled at once').toBe(0);
    expect(maxParallel, 'different chats handled in parallel').toBeGreaterThan(1);
  });

  it('keeps stream order at concurrency 1 with random handler delays', async () => {
    const b = await bus();
    const seen: number[] = [];
    const sub = b.subscribe<{ n: number }>({
      stream: 'ordered',
      group: 'g',
      handler: async (m) => {
        await randomDelay();
        seen.push(m.data.n);
      },
    });
    await sub.ready;
    await b.publishBatch(Array.from({ length: 300 }, (_, n) => ({ stream: 'ordered', type: 'demo.n', data: { n } })));
    await waitUntil(() => seen.length === 300, 20_000, 'all 300 handled');
    expect(seen).toEqual(Array.from({ length: 300 }, (_, n) => n));
  });

  it('a message whose handler throws does not block or reorder the rest of its key', async () => {
    const b = await bus();
    const seen: number[] = [];
    const sub = b.subscribe<{ n: number }>({
      stream: 'k',
      group: 'g',
      concurrency: 4,
      maxDeliveries: 1,
      orderingKey: () => 'one-chat',
      handler: (m) => {
        if (m.data.n === 3) throw new Error('bad message');
        seen.push(m.data.n);
      },
    });
    await sub.ready;
    await b.publishBatch(Array.from({ length: 8 }, (_, n) => ({ stream: 'k', type: 'demo.n', data: { n } })));
    await waitUntil(() => seen.length === 7, 5_000, 'the other 7');
    expect(seen).toEqual([0, 1, 2, 4, 5, 6, 7]);
  });

  it('an orderingKey that throws dead-letters that message; the subscription keeps its slots and goes on', async () => {
    const b = await bus();
    const seen: number[] = [];
    const sub = b.subscribe<{ n: number; chat?: { id: string } }>({
      stream: 'k',
      group: 'g',
      concurrency: 1,
      orderingKey: (m) => m.data.chat!.id,
      handler: (m) => void seen.push(m.data.n),
    });
    await sub.ready;
    await b.publishBatch([0, 1, 2, 3].map((n) => ({ stream: 'k', type: 'demo.n', data: n === 1 ? { n } : { n, chat: { id: 'c' } } })));
    await waitUntil(() => seen.length === 3, 5_000, 'the other 3');
    expect(seen).toEqual([0, 2, 3]);
    const [dl] = await listDeadLetters(b.driver, b.keys, 'k');
    expect(dl).toMatchObject({ reason: 'UNRECOVERABLE', message: { data: { n: 1 } } });
    expect(dl!.error).toMatch(/orderingKey/);
    expect(sub.inFlight).toBe(0);
  });
});
