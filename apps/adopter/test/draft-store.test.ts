/** The draft store on both bus drivers: numbers, idempotent creation, revision and deletion, conflicts, history. */
import { createDriver, createKeys, DRIVER_KINDS, type RedisDriver } from '@hive/bus';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adopterKeys, createDraftStore, type DraftStore, type NewDraft } from '../src/draft-store.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const CHAT = 'c1@c.us';
const draft = (idea: string, extra: Partial<NewDraft> = {}): NewDraft => ({
  draftId: `draft_${idea}`, revision: 1, idea, channel: 'x', title: idea, body: `${idea}.`, tags: [], draftedBy: 'rules', createdAt: '2025-03-14T09:00:00.000Z', updatedAt: '2025-03-14T09:00:00.000Z', ...extra,
});

describe.each(DRIVER_KINDS)('draft store on %s', (kind) => {
  let driver: RedisDriver;
  let store: DraftStore;
  let prefix: string;
  beforeEach(async () => {
    driver = createDriver(kind, { url: redis.url });
    await driver.connect();
    prefix = randomPrefix('adopter');
    store = createDraftStore(driver, createKeys(prefix));
  });
  afterEach(async () => {
    await driver.close();
  });

  it('numbers drafts per chat and never reuses a number', async () => {
    expect(await store.create(CHAT, 'm1', draft('a'))).toEqual({ number: 1, created: true });
    expect(await store.create(CHAT, 'm2', draft('b'))).toEqual({ number: 2, created: true });
    expect(await store.create('other@c.us', 'm3', draft('c'))).toEqual({ number: 1, created: true });
    expect((await store.delete(CHAT, 'd1', 2))?.idea).toBe('b');
    expect(await store.delete(CHAT, 'd2', 2)).toBeUndefined();
    expect(await store.create(CHAT, 'm4', draft('d'))).toEqual({ number: 3, created: true });
    expect((await store.list(CHAT)).map((d) => [d.number, d.idea])).toEqual([[3, 'd'], [1, 'a']]);
  });

  it('creates once per source message', async () => {
    await store.create(CHAT, 'm1', draft('a'));
    expect(await store.create(CHAT, 'm1', draft('something else'))).toEqual({ number: 1, created: false });
    expect(await store.get(CHAT, 1)).toMatchObject({ number: 1, idea: 'a' });
    expect(await store.sourceOf(CHAT, 'm1')).toBe(1);
    expect(await driver.call(['HLEN', adopterKeys(createKeys(prefix), CHAT).drafts])).toBe(1);
  });

  it('revises once per source message, only over the revision it read', async () => {
    await store.create(CHAT, 'm1', draft('a'));
    const current = (await store.get(CHAT, 1))!;
    const rev2 = { ...current, revision: 2, body: 'shorter.' };
    expect(await store.revise(CHAT, 'e1', rev2, 1)).toBe('applied');
    expect(await store.revise(CHAT, 'e1', { ...rev2, body: 'again' }, 1)).toBe('already-applied');
    expect(await store.revise(CHAT, 'e2', { ...rev2, revision: 2, body: 'stale' }, 1)).toBe('conflict');
    expect(await store.get(CHAT, 1)).toMatchObject({ revision: 2, body: 'shorter.' });
    expect(await store.revise(CHAT, 'e3', { ...rev2, number: 9 }, 2)).toBe('gone');
    // The revision it replaced is kept, for undo.
    expect(await store.revision(CHAT, 1, 1)).toMatchObject({ number: 1, revision: 1, body: 'a.' });
    expect(await store.revision(CHAT, 1, 2)).toBeUndefined();
  });

  it('deletes once per source message', async () => {
    await store.create(CHAT, 'm1', draft('a'));
    await store.create(CHAT, 'm2', draft('b'));
    expect((await store.delete(CHAT, 'd1', 1))?.idea).toBe('a');
    expect(await store.delete(CHAT, 'd1', 2)).toBeUndefined(); // the same message deletes nothing more
    expect(await store.sourceOf(CHAT, 'd1')).toBe(1);
    expect((await store.list(CHAT)).map((d) => d.number)).toEqual([2]);
  });

  it('keeps its keys under the bus\'s data keys for adopter', () => {
    expect(adopterKeys(createKeys('hive:'), CHAT)).toEqual({
      drafts: 'hive:data:{adopter}:c1@c.us:drafts',
      seq: 'hive:data:{adopter}:c1@c.us:seq',
      bySource: 'hive:data:{adopter}:c1@c.us:by-source',
      history: 'hive:data:{adopter}:c1@c.us:history',
    });
  });

  it('skips a draft whose JSON was damaged by hand', async () => {
    await store.create(CHAT, 'm1', draft('a'));
    await store.create(CHAT, 'm2', draft('b'));
    await driver.call(['HSET', adopterKeys(createKeys(prefix), CHAT).drafts, '2', '{oops']);
    expect((await store.list(CHAT)).map((d) => d.number)).toEqual([1]);
    expect(await store.get(CHAT, 2)).toBeUndefined();
  });
});
