import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogue, ContractDefinitionError, createCatalogue, DAY_MS, defineMessage, defineStream, formatRetention, hiveStreams, HOUR_MS, INTENTS, invalidExamples, previousVersion, scaleRetention } from '../src/index.js';

describe('the Hive catalogue', () => {
  it('has exactly the streams of the brief, under their exact names', () => {
    expect(catalogue.streams.map((s) => s.name).sort()).toEqual(
      [
        'wa.inbound',
        'wa.outbound',
        'voice.transcribed',
        'intent.classified',
        'nutrition.logged',
        'content.drafted',
        'schedule.due',
        'expense.recorded',
        'note.saved',
        'habit.logged',
        'ops.alert',
        'agent.requests',
      ].sort(),
    );
    expect(Object.keys(hiveStreams).sort()).toEqual(catalogue.streams.map((s) => s.name).sort());
  });

  it('every example, current and older, passes its own schema', () => {
    expect(invalidExamples(catalogue)).toEqual([]);
  });

  it('every message type has a description and every stream a description', () => {
    for (const { stream, type, definition } of catalogue.entries()) {
      expect(definition.description.length, `${stream}/${type}`).toBeGreaterThan(10);
    }
    for (const s of catalogue.streams) expect(s.description.length).toBeGreaterThan(10);
  });

  it('routes every intent iris can produce', () => {
    expect([...INTENTS].sort()).toEqual(['briefing', 'content', 'expense', 'habit', 'help', 'note', 'nutrition', 'question', 'schedule', 'unknown']);
  });

  it('carries an intent as a name since v2, so a new intent needs no new version, and still reads v1', () => {
    const c = catalogue.find('intent.classified', 'intent.classified')!;
    expect(c.version).toBe(2);
    const base = { chatId: 'c@c.us', from: 'c@c.us', sourceMessageId: 'w1', via: 'text', text: 'weather in Berlin', entities: {}, confidence: 0.9, classifier: 'rules', sentAt: '2025-03-14T07:45:12.000Z' };
    expect(c.decode({ ...base, intent: 'weather' }, 2)).toMatchObject({ ok: true, data: { intent: 'weather' } });
    expect(c.decode({ ...base, intent: 'Weather Now' }, 2).ok).toBe(false);
    expect(c.decode({ ...base, intent: 'nutrition' }, 1)).toMatchObject({ ok: true, data: { intent: 'nutrition' } });
    // v1 was the fixed list
    expect(c.decode({ ...base, intent: 'weather' }, 1).ok).toBe(false);
  });

  it('decodes a valid current payload and says what is wrong with an invalid one', () => {
    const c = catalogue.find('wa.outbound', 'wa.send')!;
    expect(c.version).toBe(1);
    expect(c.decode({ chatId: 'c@c.us', text: 'hi' }, 1)).toEqual({ ok: true, data: { chatId: 'c@c.us', text: 'hi' } });
    const bad = c.decode({ chatId: 'c@c.us', text: '' }, 1);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues).toMatch(/^text: /);
  });

  it('upcasts a wa.message v1 (whatsapp-web.js shape) to the current version', () => {
    const c = catalogue.find('wa.inbound', 'wa.message')!;
    expect(c.version).toBe(3);
    const r = c.decode({ id: 'w1', from: 'g@g.us', author: 'p@c.us', body: 'hello', timestamp: 1_700_000_000, hasMedia: false }, 1);
    expect(r).toEqual({ ok: true, data: { messageId: 'w1', chatId: 'g@g.us', from: 'p@c.us', text: 'hello', sentAt: '2023-11-14T22:13:20.000Z' } });
  });

  it('reads a wa.message v2 with inline or path media as v3 (media kept as written), and v3 media only by blob reference', () => {
    const c = catalogue.find('wa.inbound', 'wa.message')!;
    const base = { messageId: 'w1', chatId: 'c@c.us', from: 'c@c.us', text: '', sentAt: '2025-03-14T07:45:12.000Z' };
    const inline = { kind: 'voice', mime: 'audio/ogg', base64: 'T2dnUw==', bytes: 4 };
    expect(c.decode({ ...base, media: inline }, 2)).toEqual({ ok: true, data: { ...base, media: inline } });
    const path = { kind: 'voice', mime: 'audio/ogg', path: '/data/kami/media/ab.ogg', bytes: 900_000 };
    expect(c.decode({ ...base, media: path }, 2)).toEqual({ ok: true, data: { ...base, media: path } });
    const ref = { kind: 'voice', mime: 'audio/ogg', sha256: 'a'.repeat(64), bytes: 14_262, seconds: 4 };
    expect(c.decode({ ...base, media: ref }, 3)).toEqual({ ok: true, data: { ...base, media: ref } });
    // Exactly one of sha256 / base64 / path, and a blob reference says its size.
    const both = c.decode({ ...base, media: { ...ref, base64: 'T2dnUw==' } }, 3);
    expect(!both.ok && both.issues).toMatch(/exactly one of "sha256"/);
    const sizeless = c.decode({ ...base, media: { kind: 'voice', mime: 'audio/ogg', sha256: 'a'.repeat(64) } }, 3);
    expect(!sizeless.ok && sizeless.issues).toMatch(/media\.bytes: a blob reference needs "bytes"/);
    const badHash = c.decode({ ...base, media: { ...ref, sha256: 'xyz' } }, 3);
    expect(!badHash.ok && badHash.issues).toMatch(/media\.sha256: must be a SHA-256/);
  });

  it('gives every stream a retention, and refuses a stream without one', () => {
    for (const s of catalogue.streams) {
      expect(s.retention.maxAgeMs ?? s.retention.maxLen, s.name).toBeGreaterThan(0);
      expect(s.retention.why.length, s.name).toBeGreaterThan(10);
    }
    const m = defineMessage({ version: 1, description: 'd', schema: z.object({}), example: {} });
    const without = defineStream({ name: 'a', description: 'd', startAt: 'new', retention: { why: 'none' }, messages: { t: m } });
    expect(() => createCatalogue([without])).toThrow(/stream "a" has no retention/);
    const negative = defineStream({ name: 'a', description: 'd', startAt: 'new', retention: { maxLen: -1, why: 'bad' }, messages: { t: m } });
    expect(() => createCatalogue([negative])).toThrow(/retention\.maxLen must be a positive integer/);
    expect(formatRetention({ maxAgeMs: DAY_MS, maxLen: 50_000 })).toBe('1 day, at most 50,000 entries');
    expect(formatRetention({ maxAgeMs: 3 * DAY_MS })).toBe('3 days');
    expect(formatRetention({ maxAgeMs: HOUR_MS, maxLen: 10 })).toBe('1 h, at most 10 entries');
    expect(scaleRetention({ maxAgeMs: DAY_MS, maxLen: 5, why: 'w' }, 1 / 86_400)).toEqual({ maxAgeMs: 1_000, maxLen: 5, why: 'w' });
  });

  it('refuses shards out of range, or a shard named like another stream', () => {
    const m = defineMessage({ version: 1, description: 'd', schema: z.object({}), example: {} });
    const stream = (name: string, shards?: number) =>
      defineStream({ name, description: 'd', startAt: 'new', retention: { maxLen: 10, why: 'w' }, messages: { [`${name}.t`]: m }, ...(shards === undefined ? {} : { partitions: { shards, why: 'w' } }) });
    expect(() => createCatalogue([stream('a', 0)])).toThrow(/partitions\.shards must be an integer from 1 to 64/);
    expect(() => createCatalogue([stream('a', 65)])).toThrow(/partitions\.shards/);
    expect(() => createCatalogue([stream('a', 2), stream('a.1')])).toThrow(/its shard "a\.1" is another stream's name/);
    const ok = createCatalogue([stream('a', 2), stream('b', 1)]);
    expect(ok.partitioning('a')).toEqual({ shards: 2 });
    expect(ok.partitioning('b')).toBeUndefined();
    expect(ok.find('a.1', 'a.t')?.stream).toBe('a');
  });

  it('rejects a v1 payload that fails the v1 schema, naming the version', () => {
    const r = catalogue.find('wa.inbound', 'wa.message')!.decode({ id: 'w1', from: 'x', body: 'hello' }, 1);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues).toMatch(/^v1: .*timestamp/);
  });

  it('rejects versions it does not know, saying whether they are too new or too old', () => {
    const c = catalogue.find('wa.inbound', 'wa.message')!;
    const newer = c.decode({}, 4);
    expect(!newer.ok && newer.issues).toMatch(/newer than this reader knows/);
    const old = c.decode({}, 0);
    expect(!old.ok && old.issues).toMatch(/no longer readable/);
    expect(catalogue.find('wa.outbound', 'nope')).toBeUndefined();
    expect(catalogue.find('nope', 'wa.send')).toBeUndefined();
  });

  it('reports an upcast that produces an invalid payload instead of handing it on', () => {
    const s = defineStream({
      name: 'fx',
      description: 'fixture',
      startAt: 'new', retention: { maxLen: 100, why: 'test' },
      messages: {
        'fx.m': defineMessage({
          version: 2,
          description: 'fixture',
          schema: z.object({ n: z.number() }),
          example: { n: 1 },
          previous: [previousVersion({ version: 1, schema: z.object({ s: z.string() }), example: { s: '1' }, change: 'number', upcast: (v1) => ({ n: v1.s }) })],
        }),
      },
    });
    const r = createCatalogue([s]).find('fx', 'fx.m')!.decode({ s: '1' }, 1);
    expect(!r.ok && r.issues).toMatch(/upcast v1→v2 produced an invalid payload: n:/);
  });

  it('refuses a catalogue with duplicate types, version gaps or bad names', () => {
    const m = (version = 1, previous: ReturnType<typeof previousVersion>[] = []) =>
      defineMessage({ version, description: 'd', schema: z.object({}), example: {}, previous });
    const old = (version: number) => previousVersion({ version, schema: z.object({}), example: {}, change: 'c', upcast: (x) => x });
    expect(() => createCatalogue([defineStream({ name: 'a', description: 'd', startAt: 'new', retention: { maxLen: 100, why: 'test' }, messages: { t: m() } }), defineStream({ name: 'b', description: 'd', startAt: 'new', retention: { maxLen: 100, why: 'test' }, messages: { t: m() } })])).toThrow(
      /type "t" is declared on both "a" and "b"/,
    );
    expect(() => createCatalogue([defineStream({ name: 'a', description: 'd', startAt: 'new', retention: { maxLen: 100, why: 'test' }, messages: { t: m(3, [old(1)]) } })])).toThrow(ContractDefinitionError);
    expect(() => createCatalogue([defineStream({ name: 'a', description: 'd', startAt: 'new', retention: { maxLen: 100, why: 'test' }, messages: { t: m(2, [old(1)]) } })])).not.toThrow();
    expect(() => createCatalogue([defineStream({ name: 'a b', description: 'd', startAt: 'new', retention: { maxLen: 100, why: 'test' }, messages: { t: m() } })])).toThrow(/stream name/);
    expect(() => createCatalogue([defineStream({ name: 'a', description: 'd', startAt: 'new', retention: { maxLen: 100, why: 'test' }, messages: {} })])).toThrow(/no message types/);
  });
});
