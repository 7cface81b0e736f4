/**
 * `hive history` (packages/cli) over a database written by archivist's own store: the CLI reads
 * the tables archivist writes, so the two are tested together here, in-process through runCli.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@hive/bus';
import { runCli } from '@hive/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRecord } from '../src/domain/record.js';
import { openHistoryStore } from '../src/history-store.js';

const NOW = Date.parse('2025-03-14T12:00:00.000Z');
const ANA = '491701234567@c.us';
const BEN = '447700900123@c.us';
const dir = mkdtempSync(join(tmpdir(), 'archivist-cli-'));
const db = join(dir, 'archivist', 'history.db');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function hive(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    now: () => NOW,
  });
  return { code, stdout, stderr };
}

const minutesAgo = (m: number) => NOW - m * 60_000;
let seq = 0;
function message(type: string, data: Record<string, unknown>, ts: number, extra: Partial<Message> = {}): Message {
  const id = `m-${++seq}`;
  return { type, v: 1, id, src: 'test', ts, corr: extra.corr ?? id, cause: '', data, ...extra };
}

beforeAll(() => {
  const store = openHistoryStore(db);
  const put = (stream: string, m: Message) => store.insert(toRecord(stream, `${m.ts}-0`, m, NOW));
  put('wa.inbound', message('wa.message', { chatId: ANA, from: ANA, messageId: 'w1', text: 'remind me to call the dentist tomorrow', sentAt: '2025-03-14T09:00:00Z' }, minutesAgo(180), { corr: 'conv-1' }));
  put('intent.classified', message('intent.classified', { chatId: ANA, text: 'remind me to call the dentist tomorrow', intent: 'schedule', entities: { what: 'call the dentist' } }, minutesAgo(179), { corr: 'conv-1' }));
  put('wa.outbound', message('wa.send', { chatId: ANA, text: 'Reminder set for tomorrow 09:00: call the dentist' }, minutesAgo(178), { corr: 'conv-1' }));
  put('wa.inbound', message('wa.message', { chatId: BEN, from: BEN, messageId: 'w2', text: 'spent 12.50 on groceries', sentAt: '2025-03-14T11:00:00Z' }, minutesAgo(60)));
  put('expense.recorded', message('expense.recorded', { chatId: BEN, expenseId: 'e1', amountMinor: 1250, currency: 'EUR', category: 'groceries', description: 'groceries' }, minutesAgo(59)));
  put('ops.alert', message('ops.alert', { alertId: 'a1', status: 'firing', summary: 'box has sent no heartbeat for 45 s', subject: 'box' }, minutesAgo(5)));
  for (let i = 0; i < 60; i++) put('wa.outbound', message('wa.send', { chatId: BEN, text: `bulk reply ${i}` }, minutesAgo(300 + i)));
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (s: string) => s.trim().split('\n').filter((l) => l !== '');
const jsonLines = (s: string) => lines(s).map((l) => JSON.parse(l) as { id: string; type: string; stream: string; ts: number; chatId: string | null; data: Record<string, unknown>; text: string | null });

describe('hive history', () => {
  it('lists the latest 50 by default, oldest first, and says how many more there are', async () => {
    const r = await hive(['history', '--db', db]);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^TIME\s+STREAM\s+TYPE\s+CHAT\s+SRC\s+TEXT$/);
    expect(out).toHaveLength(51);
    expect(out[50]).toMatch(/^2025-03-14T11:55:00.000Z\s+ops\.alert\s+ops\.alert\s+-\s+test\s+box has sent no heartbeat for 45 s/);
    expect(r.stderr).toBe('the latest 50 of 66 matching messages; --limit N for more, --jsonl or --export FILE for all\n');
  });

  it('finds words anywhere in what was said, by prefix, and quotes the match', async () => {
    const r = await hive(['history', '--db', db, '--text', 'dent']);
    expect(r.code).toBe(0);
    const out = lines(r.stdout).slice(1);
    expect(out).toHaveLength(3);
    expect(out[0]).toContain('remind me to call the [dentist] tomorrow');
    expect(out[2]).toContain('Reminder set for tomorrow 09:00: call the [dentist]');
    expect(r.stderr).toBe('');
    // Words as arguments are the same search; every word must occur.
    const both = await hive(['history', 'dentist', 'set', '--db', db, '--json']);
    expect(JSON.parse(both.stdout).map((m: { type: string }) => m.type)).toEqual(['wa.send']);
  });

  it('filters by chat (a phone number works), type, stream and conversation', async () => {
    const ben = await hive(['history', '--db', db, '--chat', '+44 7700 900123', '--type', 'wa.message', '--type', 'expense.recorded', '--json']);
    expect(JSON.parse(ben.stdout).map((m: { type: string }) => m.type)).toEqual(['wa.message', 'expense.recorded']);
    const conv = await hive(['history', '--db', db, '--corr', 'conv-1', '--stream', 'wa.inbound', '--stream', 'wa.outbound', '--json']);
    expect(JSON.parse(conv.stdout).map((m: { stream: string }) => m.stream)).toEqual(['wa.inbound', 'wa.outbound']);
  });

  it('filters by time: ago, ISO, both ends inclusive', async () => {
    const recent = await hive(['history', '--db', db, '--since', '2h', '--json']);
    expect(JSON.parse(recent.stdout).map((m: { type: string }) => m.type)).toEqual(['wa.message', 'expense.recorded', 'ops.alert']);
    const window = await hive(['history', '--db', db, '--since', '2025-03-14T09:00:00Z', '--until', '2025-03-14T09:02:00Z', '--json']);
    expect(JSON.parse(window.stdout).map((m: { type: string }) => m.type)).toEqual(['wa.message', 'intent.classified', 'wa.send']);
  });

  it('--json: one document, each message with its envelope, chat, text and data parsed', async () => {
    const r = await hive(['history', '--db', db, '--type', 'expense.recorded', '--json']);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        stream: 'expense.recorded',
        entryId: `${minutesAgo(59)}-0`,
        type: 'expense.recorded',
        v: 1,
        id: expect.stringMatching(/^m-\d+$/),
        src: 'test',
        ts: minutesAgo(59),
        time: '2025-03-14T11:01:00.000Z',
        corr: expect.any(String),
        cause: '',
        chatId: BEN,
        text: 'groceries',
        data: { chatId: BEN, expenseId: 'e1', amountMinor: 1250, currency: 'EUR', category: 'groceries', description: 'groceries' },
      },
    ]);
  });

  it('--jsonl prints every match, unlimited and in time order; --limit caps it', async () => {
    const all = jsonLines((await hive(['history', '--db', db, '--jsonl'])).stdout);
    expect(all).toHaveLength(66);
    expect(all.map((m) => m.ts)).toEqual([...all.map((m) => m.ts)].sort((a, b) => a - b));
    expect(new Set(all.map((m) => m.id)).size).toBe(66);
    const latest = jsonLines((await hive(['history', '--db', db, '--jsonl', '--limit', '2'])).stdout);
    expect(latest.map((m) => m.type)).toEqual(['expense.recorded', 'ops.alert']);
  });

  it('--export writes the same JSON lines to a file and says how many', async () => {
    const file = join(dir, 'export.jsonl');
    const r = await hive(['history', '--db', db, '--chat', BEN, '--export', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`exported 62 messages to ${file}\n`);
    const exported = jsonLines(readFileSync(file, 'utf8'));
    expect(exported).toHaveLength(62);
    expect(exported).toEqual(jsonLines((await hive(['history', '--db', db, '--chat', BEN, '--jsonl'])).stdout));
    const asJson = await hive(['history', '--db', db, '--chat', BEN, '--export', file, '--json']);
    expect(JSON.parse(asJson.stdout)).toEqual({ exported: 62, file });
  });

  it('finds the database under HIVE_DATA_DIR, or ARCHIVIST_DB_PATH', async () => {
    expect((await hive(['history', '--json', '--limit', '1'], { HIVE_DATA_DIR: dir })).code).toBe(0);
    expect(JSON.parse((await hive(['history', '--json', '--limit', '1'], { ARCHIVIST_DB_PATH: db })).stdout)).toHaveLength(1);
  });

  it('an empty result is not an error', async () => {
    const r = await hive(['history', '--db', db, '--text', 'zebra']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: `no messages match in ${db}\n` });
  });

  it('says plainly what is wrong: no database (exit 1), bad flags (exit 2)', async () => {
    const missing = await hive(['history', '--db', join(dir, 'nope.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no history database at ${join(dir, 'nope.db')}: archivist writes it`);
    const json = await hive(['history', '--db', join(dir, 'nope.db'), '--json']);
    expect(JSON.parse(json.stderr).error.code).toBe('NOT_FOUND');
    for (const argv of [
      ['--since', 'yesterday'],
      ['--limit', '0'],
      ['--text', '!!!'],
      ['--text', 'a', 'b'],
      ['--since', '1h', '--until', '2h'],
      ['--jsonl', '--export', 'x.jsonl'],
    ]) {
      const r = await hive(['history', '--db', db, ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
    }
  });

  it('refuses a file that is not a history database', async () => {
    const other = join(dir, 'other.db');
    const { default: Database } = await import('better-sqlite3');
    new Database(other).close();
    const r = await hive(['history', '--db', other]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not an archivist history database');
  });
});
