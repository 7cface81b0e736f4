/**
 * The evidence that archivist loses nothing and stores nothing twice: the real process
 * (`node --conditions=@hive/source --import tsx src/index.ts`) on a real redis-server and a real
 * SQLite file, SIGKILLed while messages are being published to several streams and it is
 * archiving them, then started again. The database must end up holding exactly the published
 * messages: the same set of (stream, id), and as many rows as messages.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBus, silentLogger, type Bus } from '@hive/bus';
import { catalogue } from '@hive/contracts';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const HIVE_BIN = fileURLToPath(new URL('../../../packages/cli/bin/hive.mjs', import.meta.url));
const run = promisify(execFile);
const TOTAL = 1_600;
const BATCH = 8;
const PAUSE_MS = 15;
/** Kill once this many are archived: well into the run, well before its end. */
const KILL_AT = 300;

let redis: RedisServer;
let dataDir: string;
let producer: Bus;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  dataDir = mkdtempSync(join(tmpdir(), 'archivist-crash-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await producer?.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Archivist {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startArchivist(prefix: string): Archivist {
  const child = spawn(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', 'src/index.ts'], {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redis.url,
      HIVE_PREFIX: prefix,
      HIVE_DATA_DIR: dataDir,
      HIVE_LOG_LEVEL: 'debug',
      HIVE_HTTP_PORT: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, stderr: () => stderr, exited };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dbPath = () => join(dataDir, 'archivist', 'history.db');

function archived(): { stream: string; id: string }[] {
  const db = new Database(dbPath(), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT stream, id FROM messages').all() as { stream: string; id: string }[];
  } finally {
    db.close();
  }
}

function archivedCount(): number {
  try {
    const db = new Database(dbPath(), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

it('SIGKILLed mid-stream and restarted: no entry missing, none duplicated', async () => {
  const prefix = randomPrefix('crash');
  producer = await createBus({ url: redis.url, prefix, source: 'producer', contracts: catalogue, logger: silentLogger });
  const example = (stream: string, type: string) => catalogue.message(stream, type)!.example as Record<string, unknown>;
  const kinds = [
    (i: number) => ({ stream: 'wa.inbound', type: 'wa.message', data: { ...example('wa.inbound', 'wa.message'), messageId: `wamid-${i}`, text: `message ${i}` } }),
    (i: number) => ({ stream: 'wa.outbound', type: 'wa.send', data: { chatId: '491701234567@c.us', text: `reply ${i}` } }),
    (i: number) => ({ stream: 'note.saved', type: 'note.saved', data: { ...example('note.saved', 'note.saved'), noteId: `note_${i}`, text: `note ${i}` } }),
    (i: number) => ({ stream: 'schedule.due', type: 'reminder.due', data: { ...example('schedule.due', 'reminder.due'), reminderId: `rem_${i}`, text: `reminder ${i}` } }),
  ];

  const t0 = Date.now();
  const phase = (what: string) => process.env.DEBUG_CRASH && console.log(`${Date.now() - t0} ms: ${what}`);
  const first = startArchivist(prefix);
  await until('archivist to start', () => (first.stderr().includes('"agent started"') ? true : undefined));

  const published: string[] = [];
  let publishing = true;
  const publisher = (async () => {
    for (let i = 0; i < TOTAL; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, TOTAL - i) }, (_, k) => kinds[(i + k) % kinds.length]!(i + k));
      for (const m of batch) {
        const r = await producer.publish(m.stream, m.type, m.data);
        published.push(`${m.stream}/${r.id}`);
      }
      await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
    publishing = false;
  })();

  const atKill = await until('the archive to fill up', () => {
    const n = archivedCount();
    return n >= KILL_AT ? n : undefined;
  });
  phase('kill');
  first.child.kill('SIGKILL');
  expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
  const publishedAtKill = published.length;
  // It died mid-stream: publishing went on, and the archive was behind it.
  expect(publishing).toBe(true);
  expect(atKill).toBeLessThan(TOTAL);

  // Entries it had read but not acked are still pending for its consumer: the restart must finish them.
  const pendingAfterKill = await Promise.all(kinds.map((k) => producer.driver.call(['XPENDING', producer.keys.stream(k(0).stream), 'archivist']) as Promise<unknown[]>));
  const pendingCount = pendingAfterKill.reduce((sum, p) => sum + Number(p[0]), 0);

  const second = startArchivist(prefix);
  await publisher;
  phase('published all');
  expect(published).toHaveLength(TOTAL);
  const rows = await until('every message to be archived', () => {
    const r = archived();
    return r.length >= TOTAL ? r : undefined;
  }, 30_000);
  phase('archived all');
  // A moment more: a duplicate would show up now, as an extra row.
  await new Promise((r) => setTimeout(r, 500));
  const final = archived();
  expect(final).toHaveLength(TOTAL);
  const keys = final.map((r) => `${r.stream}/${r.id}`);
  expect(new Set(keys).size).toBe(TOTAL);
  expect(new Set(keys)).toEqual(new Set(published));
  expect(rows.length).toBe(TOTAL);

  // Everything acked in the end: nothing pending for archivist on any stream.
  await until('the acks', async () => {
    const pending = await Promise.all(kinds.map((k) => producer.driver.call(['XPENDING', producer.keys.stream(k(0).stream), 'archivist']) as Promise<unknown[]>));
    return pending.every((p) => Number(p[0]) === 0) ? true : undefined;
  });

  const repeats = (second.stderr().match(/already archived/g) ?? []).length;
  console.log(
    `archivist crash test: ${TOTAL} published; killed at ${atKill} archived / ${publishedAtKill} published with ${pendingCount} pending; ` +
      `restart re-delivered ${repeats} already archived (ignored); final rows ${final.length}, distinct ${new Set(keys).size}`,
  );
  phase('acked');
  // The real `hive` executable reads the same file while archivist still has it open (WAL).
  const { stdout } = await run(process.execPath, [HIVE_BIN, 'history', '--db', dbPath(), '--stream', 'note.saved', '--jsonl']);
  const notes = stdout.trim().split('\n').map((l) => JSON.parse(l) as { stream: string; id: string });
  expect(notes).toHaveLength(TOTAL / kinds.length);
  expect(new Set(notes.map((m) => `${m.stream}/${m.id}`))).toEqual(new Set(published.filter((k) => k.startsWith('note.saved/'))));

  phase('hive history done');
  second.child.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
});
