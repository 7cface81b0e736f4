/** archivist on a real Redis through the runtime's harness, into a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { createBus, encodeFields, silentLogger, type Bus } from '@hive/bus';
import { streamShards } from '@hive/bus/admin';
import { catalogue } from '@hive/contracts';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArchivist } from '../src/agent.js';
import { openHistoryStore } from '../src/history-store.js';

let redis: RedisServer;
let dir: string;
let t: TestAgent | undefined;
let producer: Bus | undefined;

interface Row {
  stream: string;
  entry_id: string;
  type: string;
  v: number;
  id: string;
  src: string;
  ts: number;
  corr: string;
  cause: string;
  chat_id: string | null;
  text: string | null;
  data: string;
}

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'archivist-test-'));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await t?.stop();
  await producer?.close();
  t = undefined;
  producer = undefined;
});

/** A producer on a fresh prefix, and the database path archivist will use for it. */
async function setup() {
  const prefix = randomPrefix('arch');
  producer = await createBus({ url: redis.url, prefix, source: 'producer', contracts: catalogue, logger: silentLogger });
  const dataDir = mkdtempSync(join(dir, 'data-'));
  return { prefix, bus: producer, dataDir, dbPath: join(dataDir, 'archivist', 'history.db') };
}

const start = (prefix: string, dataDir: string) => createTestAgent(createArchivist(), { redis, prefix, env: { HIVE_DATA_DIR: dataDir } });

function rows(dbPath: string): Row[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM messages ORDER BY seq').all() as Row[];
  } finally {
    db.close();
  }
}

async function waitForRows(dbPath: string, count: number, timeoutMs = 10_000): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  let last: Row[] = [];
  for (;;) {
    try {
      last = rows(dbPath);
    } catch (err) {
      if (process.env.DEBUG_ARCH) console.log('rows failed', err);
      last = [];
    }
    if (last.length >= count) return last;
    if (Date.now() > deadline) {
      if (process.env.DEBUG_ARCH) console.log(JSON.stringify(t?.logs.filter((l) => !/created consumer group/.test(l.msg ?? "")).slice(0, 20), null, 1));
      throw new Error(`expected ${count} rows, have ${last.length}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('archivist', () => {
  it('backfills every stream of the catalogue: each message type published before it started is archived', async () => {
    const { prefix, bus, dataDir, dbPath } = await setup();
    const published = [];
    // The archive names a message's stream; a split stream's (intent.classified's) entry sits on one of its shards.
    for (const { stream, type, definition } of catalogue.entries()) published.push({ type, ...(await bus.publish(stream, type, definition.example)), stream });
    t = await start(prefix, dataDir);

    const got = await waitForRows(dbPath, published.length);
    expect(got).toHaveLength(published.length);
    expect(new Set(got.map((r) => `${r.stream}/${r.type}/${r.id}`))).toEqual(new Set(published.map((p) => `${p.stream}/${p.type}/${p.id}`)));
    for (const p of published) {
      const row = got.find((r) => r.id === p.id)!;
      expect(row).toMatchObject({ stream: p.stream, entry_id: p.entryId, type: p.type, src: 'producer', corr: p.id, cause: '', v: catalogue.message(p.stream, p.type)!.version });
      expect(JSON.parse(row.data)).toEqual(catalogue.message(p.stream, p.type)!.example);
    }
    const inbound = got.find((r) => r.type === 'wa.message')!;
    expect(inbound).toMatchObject({ chat_id: '491701234567@c.us', text: 'had 2 eggs and toast for breakfast' });
    expect(got.find((r) => r.type === 'ops.alert')!.chat_id).toBeNull();
    // Every group archivist made starts at the beginning of its stream, whatever the contract's startAt.
    for (const shard of catalogue.streams.flatMap((s) => streamShards(catalogue, s.name))) {
      const groups = (await bus.driver.call(['XINFO', 'GROUPS', bus.keys.stream(shard)])) as unknown[][];
      expect(groups.some((g) => g[1] === 'archivist'), shard).toBe(true);
    }
  });

  it('archives live traffic, once per message id even when the id arrives twice, and separately per stream', async () => {
    const { prefix, bus, dataDir, dbPath } = await setup();
    t = await start(prefix, dataDir);
    const send = { chatId: '491701234567@c.us', text: 'Logged: 2 eggs' };
    const a = await bus.publish('wa.outbound', 'wa.send', send, { id: 'dup-1' });
    const b = await bus.publish('wa.outbound', 'wa.send', send, { id: 'dup-1' }); // a second entry, same message id
    expect(b.entryId).not.toBe(a.entryId);
    const transcript = catalogue.message('voice.transcribed', 'voice.transcribed')!.example as Record<string, unknown>;
    await bus.publish('voice.transcribed', 'voice.transcribed', { ...transcript, text: 'same id, other stream' }, { id: 'dup-1' });
    await bus.publish('wa.outbound', 'wa.send', { ...send, text: 'after' }, { id: 'after-1' });

    const got = await waitForRows(dbPath, 3);
    await new Promise((r) => setTimeout(r, 300));
    const final = rows(dbPath);
    expect(final.map((r) => [r.stream, r.id]).sort()).toEqual([
      ['voice.transcribed', 'dup-1'],
      ['wa.outbound', 'after-1'],
      ['wa.outbound', 'dup-1'],
    ]);
    expect(final.find((r) => r.stream === 'wa.outbound' && r.id === 'dup-1')!.entry_id).toBe(a.entryId);
    expect(got.length).toBe(3);
  });

  it('keeps the data as written: a v1 entry is stored as v1, searchable by its upcast text', async () => {
    const { prefix, bus, dataDir, dbPath } = await setup();
    t = await start(prefix, dataDir);
    const v1 = { id: 'wamid-old', from: '491701234567@c.us', body: 'old client says hi', timestamp: 1_741_938_312, hasMedia: false };
    const data = JSON.stringify(v1);
    const fields = encodeFields({ type: 'wa.message', v: 1, id: 'old-1', src: 'kami-0.9', ts: 1_741_938_312_000, corr: 'old-1', cause: 'old-1', data });
    await bus.driver.call(['XADD', bus.keys.stream('wa.inbound'), '*', ...fields]);
    const [row] = await waitForRows(dbPath, 1);
    expect(row).toMatchObject({ v: 1, data, id: 'old-1', src: 'kami-0.9', ts: 1_741_938_312_000, chat_id: '491701234567@c.us', text: 'old client says hi' });
  });

  it('keeps what was written from the fields the bus delivered: no XRANGE to read an entry again', async () => {
    const { prefix, bus, dataDir, dbPath } = await setup();
    t = await start(prefix, dataDir);
    const xranges = async () => Number(/cmdstat_xrange:calls=(\d+)/.exec(String(await bus.driver.call(['INFO', 'commandstats'])))?.[1] ?? 0);
    const before = await xranges();
    const v1 = { id: 'wamid-raw', from: '491701234567@c.us', body: 'raw as written', timestamp: 1_741_938_312, hasMedia: false };
    const fields = encodeFields({ type: 'wa.message', v: 1, id: 'raw-1', src: 'kami-0.9', ts: 1_741_938_312_000, corr: 'raw-1', cause: 'raw-1', data: JSON.stringify(v1) });
    for (let i = 0; i < 5; i++) await bus.driver.call(['XADD', bus.keys.stream('wa.inbound'), '*', ...fields.map((f) => f.replace('raw-1', `raw-${i}`))]);
    const got = await waitForRows(dbPath, 5);
    expect(got.every((r) => r.v === 1 && JSON.parse(r.data).body === 'raw as written')).toBe(true);
    expect(await xranges()).toBe(before);
  });

  it('a crash between the insert and the ack: the redelivered entry is a no-op, the row stays the first one', async () => {
    const { prefix, bus, dataDir, dbPath } = await setup();
    const sent = await bus.publish('wa.outbound', 'wa.send', { chatId: '491701234567@c.us', text: 'stored, not acked' });
    // What the first delivery left: its row committed, no handled mark, the entry still to be acked.
    const first = openHistoryStore(dbPath);
    first.insert({ stream: 'wa.outbound', entryId: sent.entryId, type: 'wa.send', v: 1, id: sent.id, src: 'producer', ts: 1, corr: sent.id, cause: '', traceparent: undefined, chatId: undefined, text: 'first delivery', data: '{}', archivedAt: 1 });
    first.close();
    t = await start(prefix, dataDir);
    const after = await bus.publish('wa.outbound', 'wa.send', { chatId: '491701234567@c.us', text: 'after' });
    await waitForRows(dbPath, 2);
    const pending = async () => Number(((await bus.driver.call(['XPENDING', bus.keys.stream('wa.outbound'), 'archivist'])) as unknown[])[0]);
    await expect.poll(pending, { timeout: 5_000 }).toBe(0);
    const final = rows(dbPath);
    expect(final.map((r) => r.id)).toEqual([sent.id, after.id]);
    expect(final[0]).toMatchObject({ text: 'first delivery', ts: 1 });
  });

  it('a foreign entry is a dead letter for archivist, not a crash; what follows is archived', async () => {
    const { prefix, bus, dataDir, dbPath } = await setup();
    t = await start(prefix, dataDir);
    await bus.driver.call(['XADD', bus.keys.stream('note.saved'), '*', 'hello', 'world']);
    const ok = await bus.publish('note.saved', 'note.saved', catalogue.message('note.saved', 'note.saved')!.example);
    const [row] = await waitForRows(dbPath, 1);
    expect(row!.id).toBe(ok.id);
    const dead = await t.deadLetters('note.saved');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ 'dl.group': 'archivist', hello: 'world' });
  });

  it('a restart of the agent stores nothing twice and picks up what arrived while it was down', async () => {
    const { prefix, bus, dataDir, dbPath } = await setup();
    t = await start(prefix, dataDir);
    for (let i = 0; i < 5; i++) await bus.publish('wa.outbound', 'wa.send', { chatId: '491701234567@c.us', text: `before ${i}` });
    await waitForRows(dbPath, 5);
    await t.stop();
    t = undefined;
    for (let i = 0; i < 5; i++) await bus.publish('wa.outbound', 'wa.send', { chatId: '491701234567@c.us', text: `while down ${i}` });
    t = await start(prefix, dataDir);
    const got = await waitForRows(dbPath, 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(rows(dbPath)).toHaveLength(10);
    expect(new Set(got.map((r) => r.id)).size).toBe(10);
  });
});
