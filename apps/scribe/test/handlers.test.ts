/** scribe's handler through the runtime's harness, on a real Redis and a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifiedIntent, createTestAgent, replyText, type TestAgent } from '@hive/agent/testing';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createScribe } from '../src/agent.js';

const CHAT = '491701234567@c.us';
const NOW = new Date('2025-03-14T18:00:00Z');
let redis: RedisServer;
let dir: string;
let t: TestAgent | undefined;

type Entities = Record<string, string | number | boolean>;

function classified(text: string, entities: Entities, extra: { intent?: 'note' | 'habit'; sourceMessageId?: string; sentAt?: string; chatId?: string } = {}) {
  return classifiedIntent(text, entities, {
    intent: extra.intent ?? 'note',
    chatId: extra.chatId ?? CHAT,
    sentAt: extra.sentAt ?? '2025-03-14T09:30:00.000Z', confidence: 0.95,
    ...(extra.sourceMessageId ? { sourceMessageId: extra.sourceMessageId } : {}),
  });
}

async function start(prefix?: string) {
  t = await createTestAgent(createScribe({ now: () => NOW }), { redis, ...(prefix ? { prefix } : {}), env: { HIVE_DATA_DIR: dir, HIVE_TZ: 'Europe/Berlin' } });
  return t;
}

/** Send one message and wait for scribe's reply to it. */
async function say(agent: TestAgent, text: string, entities: Entities, extra: Parameters<typeof classified>[2] = {}) {
  return replyText(agent, classified(text, entities, extra));
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scribe-handlers-'));
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('scribe', () => {
  it('saves a note, publishes note.saved and confirms with its number', async () => {
    const a = await start();
    const input = classified('note: call the landlord about the heater #home', { action: 'save', kind: 'note', text: 'call the landlord about the heater #home' });
    await a.publish('intent.classified', 'intent.classified', input);
    const saved = await a.expectMessage('note.saved');
    expect(saved.src).toBe('scribe');
    expect(saved.data).toMatchObject({ chatId: CHAT, kind: 'note', text: 'call the landlord about the heater #home', tags: ['home'], savedAt: '2025-03-14T09:30:00.000Z' });
    expect(saved.data.noteId).toMatch(/^note_/);
    const reply = await a.expectMessage('wa.outbound');
    expect(reply.data).toEqual({ chatId: CHAT, replyTo: input.sourceMessageId, text: '📝 Saved note #1: “call the landlord about the heater #home”. Tags: #home.' });
    // Correlated with the input, so a trace follows it.
    const inputMessage = (await a.messages('intent.classified'))[0]!;
    expect(reply.cause).toBe(inputMessage.id);
    expect(reply.corr).toBe(inputMessage.corr);
  });

  it('saves a source message once, even when iris classifies it twice', async () => {
    const a = await start();
    const first = classified('note: renew passport', { action: 'save', text: 'renew passport' }, { sourceMessageId: 'wamid-same' });
    await a.publish('intent.classified', 'intent.classified', first);
    await a.publish('intent.classified', 'intent.classified', { ...first });
    await expect.poll(async () => (await a.messages('wa.outbound')).length).toBe(2);
    const replies = (await a.messages('wa.outbound')).map((m) => m.data.text);
    expect(replies).toEqual(['📝 Saved note #1: “renew passport”.', '📝 Saved note #1: “renew passport”.']);
    const saved = await a.messages('note.saved');
    expect(new Set(saved.map((m) => m.data.noteId)).size).toBe(1);
    expect(await say(a, 'list notes', { action: 'list', kind: 'note' })).toContain('#1 (Mar 14) renew passport');
    expect(await say(a, 'list notes', { action: 'list', kind: 'note' })).not.toContain('#2');
  });

  it('finds notes by their words, ranked and quoted', async () => {
    const a = await start();
    await say(a, 'note: call the landlord about the heater', { action: 'save', text: 'call the landlord about the heater' });
    await say(a, 'note: buy milk', { action: 'save', text: 'buy milk' }, { sentAt: '2025-03-12T10:00:00.000Z' });
    await say(a, 'journal: the landlord finally fixed it', { action: 'save', kind: 'journal', text: 'the landlord finally fixed it' }, { sentAt: '2024-12-31T23:30:00.000Z' });
    const text = await say(a, 'what did I note about the landlord', { action: 'search', query: 'landlord' });
    expect(text).toBe(
      [
        '🔎 2 notes match “landlord”:',
        // bm25: the same one hit weighs more in the shorter entry. Berlin is an hour ahead: 23:30 UTC on New Year's Eve is 2025 there.
        '1. (Jan 1) the *landlord* finally fixed it — #3 📓',
        '2. (Mar 14) call the *landlord* about the heater — #1',
      ].join('\n'),
    );
    expect(await say(a, 'find notes about pizza', { action: 'search', query: 'pizza' })).toBe('🔎 No notes match “pizza”. Try other words, or say *list notes* to see the latest.');
  });

  it('lists, shows and deletes notes by number', async () => {
    const a = await start();
    await say(a, 'note: one', { action: 'save', text: 'first thing' });
    await say(a, 'note: two', { action: 'save', text: 'second thing' });
    expect(await say(a, 'list notes', { action: 'list', kind: 'note' })).toBe(
      ['🗒️ Your notes:', '#2 (Mar 14) second thing', '#1 (Mar 14) first thing', 'Say *show note N* to read one in full, *delete note N* to remove it.'].join('\n'),
    );
    expect(await say(a, 'show note 2', {}, { intent: 'note' })).toBe('📝 Note #2 (Mar 14):\nsecond thing');
    expect(await say(a, 'delete note 2', {})).toBe('🗑️ Deleted note #2: “second thing”.');
    expect(await say(a, 'delete note 2', {})).toBe('There is no note #2. Say *list notes* to see their numbers.');
    expect(await say(a, 'find notes about second', { action: 'search', query: 'second' })).toContain('No notes match');
    expect(await say(a, 'notes from yesterday', { action: 'list', kind: 'note', day: 'yesterday' })).toBe('No notes from yesterday.');
  });

  it('undoes the newest note, once per message', async () => {
    const a = await start();
    await say(a, 'note: one', { action: 'save', text: 'first thing' });
    await say(a, 'note: two', { action: 'save', text: 'second thing' });
    const undo = classified('undo', { action: 'undo', last: true }, { sourceMessageId: 'wamid-undo' });
    await a.publish('intent.classified', 'intent.classified', undo);
    await a.publish('intent.classified', 'intent.classified', { ...undo });
    await expect.poll(async () => (await a.messages('wa.outbound')).filter((m) => m.data.replyTo === 'wamid-undo').map((m) => m.data.text)).toEqual([
      '🗑️ Deleted note #2: “second thing”.',
      '🗑️ Deleted note #2: “second thing”.',
    ]);
    expect(await say(a, 'list notes', { action: 'list' })).toContain('#1 (Mar 14) first thing');
    expect(await say(a, 'delete my last note', { action: 'undo', last: true })).toBe('🗑️ Deleted note #1: “first thing”.');
    expect(await say(a, 'undo', { action: 'undo', last: true })).toBe('You have no notes, so there is nothing to undo.');
  });

  it('answers an empty notebook and an unclear request with what it can do', async () => {
    const a = await start();
    expect(await say(a, 'my journal', { action: 'list', kind: 'journal' })).toBe('Your journal is empty. Write in it with *journal: long walk, felt good*.');
    expect(await say(a, 'note', { action: 'save' })).toContain('I keep notes and a journal');
  });

  it('leaves other intents alone', async () => {
    const a = await start();
    await a.publish('intent.classified', 'intent.classified', classified('ran 5k', { action: 'log' }, { intent: 'habit' }));
    const marker = await say(a, 'list notes', { action: 'list' });
    expect(marker).toContain('no notes yet');
    expect(await a.messages('wa.outbound')).toHaveLength(1);
    expect(await a.messages('note.saved')).toHaveLength(0);
  });

  it('keeps notes across a restart of the agent', async () => {
    const prefix = randomPrefix('scribe');
    const a = await start(prefix);
    await say(a, 'note: the wifi password is on the router', { action: 'save', text: 'the wifi password is on the router' });
    await a.stop();
    t = undefined;
    const b = await start(prefix);
    expect(await say(b, 'what did I note about wifi', { action: 'search', query: 'wifi' })).toContain('the *wifi* password is on the router — #1');
    expect(b.logs.some((l) => l.msg === 'notes database open')).toBe(true);
  });
});
