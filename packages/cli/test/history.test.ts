/**
 * `hive history`'s pure parts: where the database is, time bounds, chats, the FTS query and the SQL.
 * The verb end to end, over a database archivist wrote, is tested in apps/archivist/test/history-cli.test.ts.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ftsQuery, historyDbPath, historyQuery, normalizeChat, parseTimeBound } from '../src/commands/history.js';
import { UsageError } from '../src/errors.js';
import { hive } from './helpers.js';

const NOW = Date.parse('2025-03-14T12:00:00.000Z');

describe('historyDbPath', () => {
  it('--db, then ARCHIVIST_DB_PATH, then HIVE_DATA_DIR, then .data', () => {
    expect(historyDbPath('/x/h.db', { ARCHIVIST_DB_PATH: '/y.db', HIVE_DATA_DIR: '/d' })).toBe('/x/h.db');
    expect(historyDbPath(undefined, { ARCHIVIST_DB_PATH: '/y.db', HIVE_DATA_DIR: '/d' })).toBe('/y.db');
    expect(historyDbPath(undefined, { ARCHIVIST_DB_PATH: '', HIVE_DATA_DIR: '/d' })).toBe('/d/archivist/history.db');
    expect(historyDbPath(undefined, {})).toBe(resolve('.data/archivist/history.db'));
  });
});

describe('parseTimeBound', () => {
  it.each([
    ['2h', NOW - 7_200_000],
    ['30m', NOW - 1_800_000],
    ['1d12h', NOW - 129_600_000],
    ['2025-03-14', Date.parse('2025-03-14')],
    ['2025-03-14T08:00:00+01:00', Date.parse('2025-03-14T07:00:00Z')],
    ['1741939200000', 1_741_939_200_000],
  ])('%s', (text, ms) => {
    expect(parseTimeBound('--since', text, NOW, 'history')).toBe(ms);
  });

  it.each(['yesterday', '2h ago', '14/03/2025', '123'])('%s is a usage error naming the flag', (text) => {
    expect(() => parseTimeBound('--since', text, NOW, 'history')).toThrow(UsageError);
    expect(() => parseTimeBound('--since', text, NOW, 'history')).toThrow(/^--since "/);
  });
});

describe('normalizeChat', () => {
  it.each([
    ['+49 170 1234567', '491701234567@c.us'],
    ['491701234567', '491701234567@c.us'],
    ['(44) 7700-900123', '447700900123@c.us'],
    ['491701234567@c.us', '491701234567@c.us'],
    ['120363025246125888@g.us', '120363025246125888@g.us'],
    ['owner', 'owner'],
  ])('%s → %s', (text, chat) => {
    expect(normalizeChat(text)).toBe(chat);
  });
});

describe('ftsQuery', () => {
  it('every word, quoted, as a prefix: operators in the input are only words', () => {
    expect(ftsQuery('call the dentist')).toBe('"call"* "the"* "dentist"*');
    expect(ftsQuery('text:NEAR(a OR "b")')).toBe('"text"* "NEAR"* "a"* "OR"* "b"*');
    expect(ftsQuery('Zürich café')).toBe('"Zürich"* "café"*');
    expect(ftsQuery(' !!! ')).toBeUndefined();
  });
});

describe('historyQuery', () => {
  it('no filter: the newest N, returned oldest first', () => {
    const q = historyQuery({}, 50);
    expect(q.sql).toBe('SELECT * FROM (SELECT m.*, NULL AS snippet FROM messages m ORDER BY m.ts DESC, m.seq DESC LIMIT ?) ORDER BY ts, seq');
    expect(q.params).toEqual([50]);
  });

  it('every filter as a bound parameter, never spliced into the SQL', () => {
    const q = historyQuery({ text: "o'brien", chatId: 'c@c.us', types: ['a', 'b'], streams: ['s'], corr: 'k', since: 1.5, until: 9 }, undefined);
    expect(q.sql).toContain('FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ? AND m.chat_id = ? AND m.type IN (?, ?) AND m.stream IN (?) AND m.corr = ? AND m.ts >= ? AND m.ts <= ?');
    expect(q.sql).toMatch(/ORDER BY m\.ts, m\.seq$/);
    expect(q.sql).not.toContain('brien');
    expect(q.params).toEqual(['"o"* "brien"*', 'c@c.us', 'a', 'b', 's', 'k', 1, 9]);
  });
});

describe('hive history (the verb)', () => {
  it('is listed in help with its flags', async () => {
    const r = await hive(['help', 'history']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hive history [<words>] [--text WORDS]');
    expect(r.stdout).toContain('--export FILE');
  });

  it('needs no Redis: a missing database is exit 1 whatever REDIS_URL says', async () => {
    const r = await hive(['history', '--db', '/nonexistent/history.db'], { url: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no history database at /nonexistent/history.db');
  });
});
