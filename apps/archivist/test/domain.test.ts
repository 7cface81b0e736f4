/** archivist's pure logic: which streams it reads, and how a message becomes a row. */
import type { Message } from '@hive/bus';
import { catalogue, hiveStreams } from '@hive/contracts';
import { describe, expect, it } from 'vitest';
import { chatIdOf, rawEnvelope, searchableText, toRecord } from '../src/domain/record.js';
import { archivedStreams } from '../src/domain/streams.js';

describe('archivedStreams', () => {
  it('is every stream of the catalogue with all its types', () => {
    const streams = archivedStreams(catalogue);
    expect(streams.map((s) => s.stream).sort()).toEqual(Object.keys(hiveStreams).sort());
    for (const s of streams) expect([...s.types].sort()).toEqual(Object.keys(catalogue.stream(s.stream)!.messages).sort());
    expect(streams.find((s) => s.stream === 'schedule.due')!.types).toEqual(['reminder.due', 'briefing.due']);
  });

  it('follows the catalogue it is given: a new stream is archived without a change here', () => {
    const entries = () => [
      { stream: 'a', type: 'x', definition: {} as never },
      { stream: 'b', type: 'y', definition: {} as never },
      { stream: 'a', type: 'z', definition: {} as never },
    ];
    expect(archivedStreams({ entries })).toEqual([
      { stream: 'a', types: ['x', 'z'] },
      { stream: 'b', types: ['y'] },
    ]);
  });
});

describe('searchableText', () => {
  it('finds words in every contract example that carries any', () => {
    const texts = Object.fromEntries(catalogue.entries().map((e) => [e.type, searchableText(e.definition.example)]));
    expect(texts['wa.message']).toBe('had 2 eggs and toast for breakfast');
    expect(texts['voice.transcribed']).toBe('remind me to call the dentist tomorrow at nine');
    expect(texts['intent.classified']).toBe('had 2 eggs and toast for breakfast\nbreakfast');
    expect(texts['nutrition.logged']).toBe('had 2 eggs and toast for breakfast\nbreakfast\negg\ntoast');
    expect(texts['content.drafted']).toContain('We stopped calling each other');
    expect(texts['content.drafted']).toContain('redis');
    expect(texts['expense.recorded']).toBe('groceries\ngroceries at rewe');
    expect(texts['note.saved']).toBe('book\nbook recommendation: The Design of Everyday Things\nbooks');
    expect(texts['habit.logged']).toBe('workout\nrun');
    expect(texts['reminder.due']).toBe('call the dentist');
    expect(texts['ops.alert']).toContain('box has sent no heartbeat for 45 s');
    expect(texts['summary.reply']).toContain('Nutrition: 1,840 / 2,000 kcal');
    expect(texts['briefing.due']).toBeUndefined();
  });

  it('keeps a media caption, kind and file name, not the base64', () => {
    const t = searchableText({ text: 'receipt', media: { kind: 'image', mime: 'image/png', base64: 'QUJDRA==', filename: 'rewe.png' } });
    expect(t).toBe('receipt\nimage\nrewe.png');
    expect(searchableText({ text: '', media: { kind: 'voice', mime: 'audio/ogg', path: '/m/x.ogg' } })).toBe('voice note');
  });

  it('drops blanks and repeats; undefined when nothing is left', () => {
    expect(searchableText({ text: '  ', title: 'a', body: 'a' })).toBe('a');
    expect(searchableText({ chatId: 'x', amountMinor: 5 })).toBeUndefined();
    expect(searchableText(null)).toBeUndefined();
    expect(searchableText('just a string')).toBeUndefined();
  });
});

describe('chatIdOf', () => {
  it('is the payload chatId when it is a non-empty string', () => {
    expect(chatIdOf({ chatId: '491701234567@c.us' })).toBe('491701234567@c.us');
    expect(chatIdOf({ chatId: '' })).toBeUndefined();
    expect(chatIdOf({ chatId: 42 })).toBeUndefined();
    expect(chatIdOf({ alertId: 'a' })).toBeUndefined();
    expect(chatIdOf(null)).toBeUndefined();
  });
});

describe('toRecord', () => {
  const message: Message = {
    type: 'wa.message',
    v: 2,
    id: 'm-1',
    src: 'kami',
    ts: 1_741_938_312_000,
    corr: 'c-1',
    cause: 'm-1',
    data: { chatId: '491701234567@c.us', text: 'hello' },
  };

  it('keeps the envelope, the chat, the words, and the data as written', () => {
    const raw = { data: '{"id":"x","from":"491701234567@c.us","body":"hello","timestamp":1,"hasMedia":false,"extra":1}', v: 1 };
    expect(toRecord('wa.inbound', '1741938312000-0', message, 99, raw)).toEqual({
      stream: 'wa.inbound',
      entryId: '1741938312000-0',
      type: 'wa.message',
      v: 1,
      id: 'm-1',
      src: 'kami',
      ts: 1_741_938_312_000,
      corr: 'c-1',
      cause: 'm-1',
      traceparent: undefined,
      chatId: '491701234567@c.us',
      text: 'hello',
      data: raw.data,
      archivedAt: 99,
    });
  });

  it('without the raw entry, stores the decoded payload at the current version', () => {
    const r = toRecord('wa.inbound', '1-0', message, 1);
    expect(r.data).toBe(JSON.stringify(message.data));
    expect(r.v).toBe(2);
  });
});

describe('rawEnvelope', () => {
  it('reads data and v from the flat field list (envelope form 1)', () => {
    expect(rawEnvelope(['type', 't', 'v', '3', 'id', 'i', 'data', '{"a":1}'])).toEqual({ data: '{"a":1}', v: 3 });
  });
  it('reads data and v from the header and data fields (envelope form 2)', () => {
    expect(rawEnvelope(['hive2', 't 3 i src 1764170000000', 'data', '{"a":1}'])).toEqual({ data: '{"a":1}', v: 3 });
  });
  it('is undefined when either is missing or v is not a number', () => {
    expect(rawEnvelope(['type', 't', 'data', '{}'])).toBeUndefined();
    expect(rawEnvelope(['v', 'x', 'data', '{}'])).toBeUndefined();
  });
});
