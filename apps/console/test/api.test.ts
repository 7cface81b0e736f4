/**
 * What the console reads and does, against a real Redis: a 100,000-entry stream paged from both
 * ends; dead letters written by a real subscription, filtered, retried to the failing group only and
 * dropped, each change logged with who did it; the live snapshot of agents and streams.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createKeys, startHeartbeat, type Bus } from '@hive/bus';
import { createConsole, type ConsoleHandle } from '../src/index.js';
import { mergeHops } from '../src/server/trace-routes.js';
import { capturingLogger, randomPrefix, useRedis } from './helpers.js';

const redis = useRedis();
const prefix = randomPrefix('console');
const keys = createKeys(prefix);
const logged = capturingLogger();
let c: ConsoleHandle;
let csrf: string;
let bus: Bus;

const ENTRIES = 100_000;

beforeAll(async () => {
  const topologyFile = join(tmpdir(), `${prefix.replace(/:$/, '')}-topology.json`);
  writeFileSync(
    topologyFile,
    JSON.stringify({
      agents: [
        { name: 'box', reads: ['orders'], writes: [] },
        { name: 'ghost', reads: ['orders'], writes: [] },
      ],
      streams: [{ stream: 'orders', description: 'orders to fulfil', writers: ['shop'], readers: ['box', 'ghost'] }],
    }),
  );
  c = await createConsole({ driver: redis().driver, prefix, port: 0, kamiUrl: null, logger: logged.log, topologyFile, pollMs: 200, idlePollMs: 200 });
  csrf = ((await (await fetch(`${c.url}/api/session`)).json()) as { csrfToken: string }).csrfToken;
  bus = await createBus({ url: redis().server.url, prefix, source: 'test' });
}, 60_000);

afterAll(async () => {
  await bus?.close();
  await c?.close();
});

const get = async <T>(path: string): Promise<T> => {
  const r = await fetch(`${c.url}${path}`);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};
const post = (path: string, body: unknown) => fetch(`${c.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });

describe('a stream of 100,000 entries', () => {
  beforeAll(async () => {
    const key = keys.stream('big');
    const d = redis().driver;
    for (let i = 0; i < ENTRIES; i += 5_000) {
      await d.pipeline(Array.from({ length: 5_000 }, (_, j) => ['XADD', key, `${1_700_000_000_000 + i + j}-0`, 'type', 'demo.tick', 'v', '1', 'id', `m${i + j}`, 'src', 'test', 'ts', String(1_700_000_000_000 + i + j), 'data', `{"n":${i + j}}`]));
    }
  }, 120_000);

  it('pages from the newest back, each page joining the last, and from near the oldest', async () => {
    type Page = { length: number; entries: { entryId: string; ok: boolean; id?: string }[]; next: string | null };
    const t0 = performance.now();
    const first = await get<Page>('/api/streams/big/entries?count=100');
    const firstMs = performance.now() - t0;
    expect(first.length).toBe(ENTRIES);
    expect(first.entries).toHaveLength(100);
    expect(first.entries[0]).toMatchObject({ entryId: `${1_700_000_000_000 + ENTRIES - 1}-0`, ok: true, id: `m${ENTRIES - 1}` });
    const second = await get<Page>(`/api/streams/big/entries?count=100&before=${first.next}`);
    expect(Number(second.entries[0]!.entryId.split('-')[0])).toBe(Number(first.entries.at(-1)!.entryId.split('-')[0]) - 1);

    // The deepest page costs what the first does: XREVRANGE starts from the cursor, it does not skip.
    const t1 = performance.now();
    const deep = await get<Page>(`/api/streams/big/entries?count=100&before=${1_700_000_000_000 + 50}-0`);
    const deepMs = performance.now() - t1;
    expect(deep.entries.map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => `m${49 - i}`));
    expect(deep.next).toBeNull();
    console.info(`100k-entry stream: first page ${firstMs.toFixed(1)} ms, page at the far end ${deepMs.toFixed(1)} ms`);

    // The live snapshot may be one poll old (it was being built while the stream filled): wait for the next.
    await expect.poll(async () => (await get<{ streams: { stream: string; length: number }[] }>('/api/snapshot')).streams.find((s) => s.stream === 'big')?.length, { timeout: 5_000 }).toBe(ENTRIES);
  });

  it('refuses a cursor that is not an entry id, and a stream that does not exist', async () => {
    expect((await fetch(`${c.url}/api/streams/big/entries?before=yesterday`)).status).toBe(400);
    expect((await fetch(`${c.url}/api/streams/nope/entries`)).status).toBe(404);
    expect((await fetch(`${c.url}/api/streams/bad%20name/entries`)).status).toBe(400);
  });
});

describe('dead letters', () => {
  it('lists, filters, retries to the failing group only, and drops, logging who did it', async () => {
    // Two groups that would handle anything that is a message; garbage is not.
    const subs = (['box', 'ghost'] as const).map((group) => bus.subscribe({ stream: 'orders', group, startAt: 'all', handler: async () => undefined }));
    await Promise.all(subs.map((s) => s.ready));
    // Garbage, as a foreign producer would write it: each group dead-letters it at once.
    await redis().driver.call(['XADD', keys.stream('orders'), '*', 'hello', 'world']);
    const deadline = Date.now() + 10_000;
    type List = { total: number; items: { id: string; group: string; reason: string; type: string | null; retries: number }[]; next: string | null; facets: { groups: Record<string, number>; reasons: Record<string, number> } };
    let list = await get<List>('/api/dead-letters/orders');
    while (list.total < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      list = await get<List>('/api/dead-letters/orders');
    }
    expect(list.total).toBe(2);
    expect(list.facets.groups).toEqual({ box: 1, ghost: 1 });
    expect(Object.keys(list.facets.reasons)).toEqual(['DECODE_MISSING_FIELD']);
    expect(list.items.every((i) => i.type === null)).toBe(true);
    expect(await get<{ streams: unknown[] }>('/api/dead-letters')).toEqual({ streams: [{ stream: 'orders', count: 2 }] });

    const onlyBox = await get<List>('/api/dead-letters/orders?group=box');
    expect(onlyBox.items.map((i) => i.group)).toEqual(['box']);
    const boxLetter = onlyBox.items[0]!.id;
    const ghostLetter = list.items.find((i) => i.group === 'ghost')!.id;
    const detail = await get<{ original: Record<string, string>; decodeError: { message: string } }>(`/api/dead-letters/orders/${boxLetter}`);
    expect(detail.original).toEqual({ hello: 'world' });
    expect(detail.decodeError.message).toMatch(/type/);

    // Retry box's: it goes to box's redrive stream, and ghost's redrive stream stays empty.
    const retried = await post('/api/dead-letters/orders/retry', { ids: [boxLetter] });
    expect(await retried.json()).toMatchObject({ outcomes: [{ id: boxLetter, status: 'retried', group: 'box' }] });
    expect(Number(await redis().driver.call(['XLEN', keys.redrive('orders', 'ghost')]))).toBe(0);
    // box reads its redrive stream (in the same blocking read as the stream, so at once) and
    // dead-letters the garbage again, now with one retry on record.
    let again = await get<List>('/api/dead-letters/orders?group=box');
    while (!again.items.some((i) => i.retries === 1) && Date.now() < deadline + 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      again = await get<List>('/api/dead-letters/orders?group=box');
    }
    expect(again.items.map((i) => [i.group, i.retries])).toEqual([['box', 1]]);

    const dropped = await post('/api/dead-letters/orders/drop', { ids: [ghostLetter, '1-1'] });
    expect(await dropped.json()).toMatchObject({ outcomes: [{ id: ghostLetter, status: 'dropped' }, { id: '1-1', status: 'missing' }] });
    expect((await get<List>('/api/dead-letters/orders?group=ghost')).items).toEqual([]);

    const audit = logged.lines.filter((l) => typeof l.action === 'string' && String(l.action).startsWith('dlq.'));
    expect(audit.map((l) => [l.action, l.stream, l.ids])).toEqual([
      ['dlq.retry', 'orders', [boxLetter]],
      ['dlq.drop', 'orders', [ghostLetter, '1-1']],
    ]);
    expect(audit[0]).toMatchObject({ by: { ip: '127.0.0.1', auth: 'loopback' } });
    expect(String(audit[1]!.msg)).toMatch(/127\.0\.0\.1 \(loopback\) dropped 1 of 2 dead letters of orders/);

    await Promise.all(subs.map((s) => s.stop()));
  });

  it('refuses a retry or drop without ids, or with ids that are not dead-letter ids', async () => {
    expect((await post('/api/dead-letters/orders/retry', {})).status).toBe(400);
    expect((await post('/api/dead-letters/orders/drop', { ids: ['drop table'] })).status).toBe(400);
  });
});

describe('the live snapshot', () => {
  it('shows a registered agent up, an expected one down, and the stream with its readers and rate', async () => {
    const hb = await startHeartbeat(redis().driver, keys, { name: 'box', instance: 'box-1', version: '1.2.3', reads: ['orders'], writes: [] });
    try {
      for (let i = 0; i < 20; i++) await bus.publish('orders', 'order.placed', { n: i });
      await new Promise((r) => setTimeout(r, 700));
      for (let i = 0; i < 20; i++) await bus.publish('orders', 'order.placed', { n: i });
      await new Promise((r) => setTimeout(r, 500));
      type Snap = { agents: { name: string; health: string; healthReason: string | null; instances: { version: string }[] }[]; streams: { stream: string; readers: string[]; writers: string[]; description: string | null; writeRate: { rate: number | null; series: number[] } }[] };
      const snap = await get<Snap>('/api/snapshot');
      const box = snap.agents.find((a) => a.name === 'box')!;
      expect(box.health).toBe('up');
      expect(box.instances[0]!.version).toBe('1.2.3');
      expect(snap.agents.find((a) => a.name === 'ghost')).toMatchObject({ health: 'down', healthReason: 'not in the registry: no heartbeat' });
      const orders = snap.streams.find((s) => s.stream === 'orders')!;
      expect(orders).toMatchObject({ description: 'orders to fulfil', writers: ['shop'], readers: ['box', 'ghost'] });
      expect(orders.writeRate.series.length).toBeGreaterThan(0);
      expect(Math.max(...orders.writeRate.series)).toBeGreaterThan(0);
    } finally {
      await hb.stop();
    }
  });

  it('tells Prometheus where each registered agent serves its metrics (HTTP service discovery)', async () => {
    const hb = await startHeartbeat(redis().driver, keys, { name: 'pulse', instance: 'pulse-7', version: '2.0.0', reads: [], writes: [], httpUrl: 'http://127.0.0.1:43121' });
    try {
      const groups = await get<{ targets: string[]; labels: Record<string, string> }[]>('/api/prometheus/targets');
      expect(groups).toContainEqual({ targets: ['127.0.0.1:43121'], labels: { agent: 'pulse', agent_instance: 'pulse-7', agent_version: '2.0.0' } });
    } finally {
      await hb.stop();
    }
  });

  it('is pushed over SSE', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${c.url}/api/events`, { signal: ctl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    ctl.abort();
    expect(text).toMatch(/^event: snapshot\ndata: \{"at":\d+/);
  });
});

describe('trace merging', () => {
  it('keeps Redis hops, adds archived ones Redis no longer has, and recomputes timings from the first', () => {
    const hop = (id: string, stream: string, ts: number, cause = '') => ({ kind: 'message' as const, stream, entryId: `${ts}-0`, type: 't', src: 's', id, corr: 'c', cause, ts, deltaMs: 0, sinceCauseMs: null, groups: [] });
    const archived = (id: string, stream: string, ts: number, cause = '') => ({ stream, entryId: `${ts}-0`, type: 't', v: 1, id, src: 's', ts, time: '', corr: 'c', cause, chatId: null, text: null, data: {} });
    const merged = mergeHops([hop('b', 'two', 2_000, 'a')], [archived('a', 'one', 1_000), archived('b', 'two', 2_000, 'a')]);
    expect(merged.map((h) => [h.id, h.source, h.deltaMs, h.sinceCauseMs])).toEqual([
      ['a', 'archive', 0, null],
      ['b', 'redis', 1_000, 1_000],
    ]);
  });

  it('takes a Redis hop on a shard and the archive\'s record of its stream for one hop', () => {
    const hop = { kind: 'message' as const, stream: 'intent.classified.3', entryId: '2000-0', type: 't', src: 's', id: 'b', corr: 'c', cause: '', ts: 2_000, deltaMs: 0, sinceCauseMs: null, groups: [] };
    const archived = { stream: 'intent.classified', entryId: '2000-0', type: 't', v: 1, id: 'b', src: 's', ts: 2_000, time: '', corr: 'c', cause: '', chatId: null, text: null, data: {} };
    const partitions = { partitioning: (s: string) => (s === 'intent.classified' ? { shards: 12 } : undefined) };
    expect(mergeHops([hop], [archived], partitions).map((h) => [h.stream, h.source])).toEqual([['intent.classified.3', 'redis']]);
    expect(mergeHops([hop], [archived]).map((h) => h.source), 'without the partitions the two names differ').toEqual(['redis', 'archive']);
  });
});
