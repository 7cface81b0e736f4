import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeData, encodeFields, envelopeFields, HEADER_FIELD, newMessageId } from '../src/index.js';
import { UNIQUE_FOR_MS } from '../src/envelope.js';
import { compareEntryIds, entryIdAfter } from '../src/ids.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const good = () =>
  encodeFields({ type: 'demo.ping', v: 1, id: newMessageId(), src: 'test', ts: Date.now(), corr: 'c1', cause: '', data: encodeData({ n: 1 }) });

/** A form-1 (flat) entry, as Hive wrote it before form 2 and as any Redis client may write it. */
const flat = () => ['type', 'demo.ping', 'v', '1', 'id', 'm1', 'src', 'test', 'ts', '5', 'corr', 'c1', 'cause', '', 'data', '{"n":1}'];

function withField(fields: string[], name: string, value: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === name) {
      if (value !== undefined) out.push(name, value);
    } else out.push(fields[i]!, fields[i + 1]!);
  }
  return out;
}

/** A form-2 entry with its header's parts replaced ([part index, value]; undefined cuts the header there). */
function withHeader(parts: string[], data = '{"n":1}'): string[] {
  return [HEADER_FIELD, parts.join(' '), 'data', data];
}
const header = ['demo.ping', '1', 'm1', 'test', '5', 'c1', ''];

describe('envelope', () => {
  it('round-trips a message through its two fields', () => {
    const f = good();
    expect(f).toHaveLength(4);
    expect([f[0], f[2]]).toEqual([HEADER_FIELD, 'data']);
    const r = decodeEntry(f);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.message).toMatchObject({ type: 'demo.ping', v: 1, src: 'test', corr: 'c1', cause: '', data: { n: 1 } });
  });

  it('writes a readable header, leaving out trailing empty parts and a corr that is the id', () => {
    const root = encodeFields({ type: 'wa.message', v: 1, id: 'M1', src: 'kami', ts: 1764170000000, corr: 'M1', cause: '', data: '{}' });
    expect(root).toEqual([HEADER_FIELD, 'wa.message 1 M1 kami 1764170000000', 'data', '{}']);
    const reply = encodeFields({ type: 't', v: 2, id: 'i', src: 's', ts: 1, corr: 'i', cause: 'x', traceparent: TRACEPARENT, replyTo: 'r-1', data: '{}' });
    expect(reply[1]).toBe(`t 2 i s 1  x ${TRACEPARENT} r-1`);
    const r = decodeEntry(reply);
    expect(r.ok && r.message).toMatchObject({ type: 't', v: 2, id: 'i', src: 's', ts: 1, corr: 'i', cause: 'x', traceparent: TRACEPARENT, replyTo: 'r-1' });
  });

  it('carries the publisher\'s promise that an id is unique for a day or more (uniq "*"), and no promise from anything else', () => {
    const forever = encodeFields({ type: 't', v: 1, id: 'i', src: 's', ts: 1, corr: 'i', cause: '', uniqueForMs: Number.POSITIVE_INFINITY, data: '{}' });
    expect(forever[1]).toBe('t 1 i s 1     *');
    const read = decodeEntry(forever);
    expect(read.ok && read.message.uniqueForMs).toBe(UNIQUE_FOR_MS);
    const day = encodeFields({ type: 't', v: 1, id: 'i', src: 's', ts: 1, corr: 'c', cause: 'x', uniqueForMs: UNIQUE_FOR_MS, data: '{}' });
    expect(day[1]).toBe('t 1 i s 1 c x   *');
    // No promise, or one shorter than a day: nothing written, nothing read.
    for (const uniqueForMs of [undefined, UNIQUE_FOR_MS - 1]) {
      const none = encodeFields({ type: 't', v: 1, id: 'i', src: 's', ts: 1, corr: 'i', cause: '', uniqueForMs, data: '{}' });
      expect(none[1]).toBe('t 1 i s 1');
      const r = decodeEntry(none);
      expect(r.ok && 'uniqueForMs' in r.message).toBe(false);
    }
    // Anything else in that place is no promise, and the message is still good.
    for (const bad of ['1', '**', 'x', '86400000']) {
      const r = decodeEntry(withHeader([...header, '', '', bad]));
      expect(r.ok, bad).toBe(true);
      expect(r.ok && r.message.uniqueForMs, bad).toBeUndefined();
    }
    expect(envelopeFields(forever)).toMatchObject({ id: 'i', uniq: '*' });
  });

  it('refuses to encode a header part with whitespace, naming it', () => {
    expect(() => encodeFields({ type: 't', v: 1, id: 'i', src: 's', ts: 1, corr: 'a b', cause: '', data: '{}' })).toThrow(
      expect.objectContaining({ code: 'DECODE_INVALID_FIELD', field: 'corr' }),
    );
  });

  it('still decodes a flat (form 1) entry', () => {
    const r = decodeEntry(flat());
    expect(r.ok && r.message).toEqual({ type: 'demo.ping', v: 1, id: 'm1', src: 'test', ts: 5, corr: 'c1', cause: '', data: { n: 1 } });
    const withTrace = decodeEntry([...flat(), 'traceparent', TRACEPARENT, 'replyTo', 'r-1']);
    expect(withTrace.ok && withTrace.message).toMatchObject({ traceparent: TRACEPARENT, replyTo: 'r-1' });
  });

  it('reads a form-2 entry whatever its field order, with unknown fields beside it', () => {
    const r = decodeEntry(['extra', 'y', 'data', '{"n":2}', HEADER_FIELD, 'demo.ping 3 m1 test 5']);
    expect(r.ok && r.message).toEqual({ type: 'demo.ping', v: 3, id: 'm1', src: 'test', ts: 5, corr: 'm1', cause: '', data: { n: 2 } });
  });

  it.each([
    ['type', undefined, 'DECODE_MISSING_FIELD'],
    ['type', 'has space', 'DECODE_INVALID_FIELD'],
    ['v', undefined, 'DECODE_MISSING_FIELD'],
    ['v', '0', 'DECODE_INVALID_FIELD'],
    ['v', '1.5', 'DECODE_INVALID_FIELD'],
    ['id', undefined, 'DECODE_MISSING_FIELD'],
    ['id', 'a b', 'DECODE_INVALID_FIELD'],
    ['src', undefined, 'DECODE_MISSING_FIELD'],
    ['ts', 'yesterday', 'DECODE_INVALID_FIELD'],
    ['data', undefined, 'DECODE_MISSING_FIELD'],
    ['data', '{not json', 'DECODE_INVALID_JSON'],
    ['data', '"caf\uFFFD"', 'DECODE_INVALID_UTF8'],
  ])('names the field of a flat entry when %s is %s', (field, value, code) => {
    const r = decodeEntry(withField(flat(), field, value));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.field).toBe(field);
      expect(r.error.message).toContain(field);
    }
  });

  it.each([
    ['type', 0, '', 'DECODE_INVALID_FIELD'],
    ['type', 0, 'a/b', 'DECODE_INVALID_FIELD'],
    ['v', 1, '0', 'DECODE_INVALID_FIELD'],
    ['v', 1, 'x', 'DECODE_INVALID_FIELD'],
    ['id', 2, '', 'DECODE_INVALID_FIELD'],
    ['src', 3, '', 'DECODE_INVALID_FIELD'],
    ['ts', 4, '', 'DECODE_INVALID_FIELD'],
    ['ts', 4, 'yesterday', 'DECODE_INVALID_FIELD'],
    ['traceparent', 7, 'not-a-trace', 'DECODE_INVALID_FIELD'],
  ])('names the header part of a form-2 entry when %s is "%s"', (field, index, value, code) => {
    const parts = [...header, ''];
    parts[index] = value;
    const r = decodeEntry(withHeader(parts));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.field).toBe(field);
      expect(r.error.message).toContain(field);
    }
  });

  it.each([
    ['', 'type'],
    ['demo.ping', 'v'],
    ['demo.ping 1', 'id'],
    ['demo.ping 1 m1', 'src'],
    ['demo.ping 1 m1 test', 'ts'],
  ])('names the first missing part of a short header "%s"', (h, field) => {
    const r = decodeEntry([HEADER_FIELD, h, 'data', '{}']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
  });

  it('names the field of a form-2 entry whose data is missing, not JSON or not UTF-8', () => {
    const missing = decodeEntry([HEADER_FIELD, header.join(' ')]);
    expect(!missing.ok && [missing.error.code, missing.error.field]).toEqual(['DECODE_MISSING_FIELD', 'data']);
    const notJson = decodeEntry(withHeader(header, '{not json'));
    expect(!notJson.ok && [notJson.error.code, notJson.error.field]).toEqual(['DECODE_INVALID_JSON', 'data']);
    const corrupt = decodeEntry(withHeader(['demo.ping', '1', 'm\uFFFD', 'test', '5']));
    expect(!corrupt.ok && [corrupt.error.code, corrupt.error.field]).toEqual(['DECODE_INVALID_UTF8', HEADER_FIELD]);
  });

  it('rejects an entry over the size limit, in either form', () => {
    for (const entry of [good(), flat()]) {
      const big = withField(entry, 'data', JSON.stringify('x'.repeat(2000)));
      const r = decodeEntry(big, 1000);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('MESSAGE_TOO_LARGE');
      expect(decodeEntry(big, 10_000).ok).toBe(true);
    }
  });

  it('counts multi-byte characters in bytes for the size limit', () => {
    const big = withField(good(), 'data', JSON.stringify('é'.repeat(400)));
    const r = decodeEntry(big, 850);
    expect(decodeEntry(withField(good(), 'data', JSON.stringify('e'.repeat(400))), 850).ok).toBe(true);
    expect(r.ok).toBe(false);
  });

  it('keeps the overhead of an entry under 120 bytes beside its payload; the promise of a unique id adds 4', () => {
    const m = { type: 'intent.classified', v: 1, id: newMessageId(), src: 'iris', ts: Date.now(), corr: newMessageId(), cause: newMessageId(), data: '{}' };
    const plain = Buffer.byteLength(encodeFields(m)[1]!);
    expect(plain).toBeLessThan(120);
    // Three separators (empty traceparent and replyTo) and the "*": over 120 by 3 in this case,
    // where id, corr and cause are three 26-character ULIDs (BENCHMARKS.md, issue 18).
    expect(Buffer.byteLength(encodeFields({ ...m, uniqueForMs: UNIQUE_FOR_MS })[1]!)).toBe(plain + 4);
  });

  it('escapes U+FFFD in data it encodes, so only corrupt input carries a raw one', () => {
    const json = encodeData({ s: 'a\uFFFDb' });
    expect(json).not.toContain('\uFFFD');
    expect(JSON.parse(json)).toEqual({ s: 'a\uFFFDb' });
  });

  it('defaults corr to the message id and ignores unknown fields', () => {
    const r = decodeEntry(['type', 'x', 'v', '1', 'id', 'm1', 'src', 'raw', 'ts', '5', 'data', '1', 'extra', 'y']);
    expect(r.ok && r.message.corr).toBe('m1');
  });

  it('shows either form by the envelope names, unchecked', () => {
    const compact = envelopeFields(encodeFields({ type: 't', v: 1, id: 'i', src: 's', ts: 1, corr: 'i', cause: '', data: '{"a":1}' }));
    expect(compact).toEqual({ type: 't', v: '1', id: 'i', src: 's', ts: '1', corr: 'i', cause: '', data: '{"a":1}' });
    expect(envelopeFields(flat())).toMatchObject({ type: 'demo.ping', id: 'm1', corr: 'c1', data: '{"n":1}' });
    expect(envelopeFields([HEADER_FIELD, 'bad', 'x', 'y'])).toEqual({ type: 'bad', cause: '', x: 'y' });
  });

  it('tells which stream entry id comes after another as compareEntryIds does; a malformed one comes after nothing', () => {
    const ids = ['0-1', '5-0', '5-1', '5-10', '1796521222606-0', '1796521222606-2', '1796521222607'];
    for (const a of ids) for (const b of ids) expect(entryIdAfter(a, b), `${a} after ${b}`).toBe(compareEntryIds(a, b) > 0);
    expect(entryIdAfter('garbage', '5-0')).toBe(false);
    expect(entryIdAfter('5-0', 'garbage')).toBe(false);
  });

  it('makes sortable 26-character ULIDs', () => {
    const a = newMessageId(1_000);
    const b = newMessageId(2_000);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
  });

  it("puts the time in a ULID's first ten characters (Crockford base32) and 80 fresh random bits after them, across refills of its random pool", () => {
    expect(newMessageId(0).slice(0, 10)).toBe('0000000000');
    expect(newMessageId(1_700_000_000_000).slice(0, 10)).toBe('01HF7YAT00');
    expect(newMessageId(2 ** 48 - 1).slice(0, 10)).toBe('7ZZZZZZZZZ');
    // A time with a fraction (performance.now()-like) or before the epoch still makes a well-formed id.
    expect(newMessageId(1_700_000_000_000.75).slice(0, 10)).toBe('01HF7YAT00');
    expect(newMessageId(-5)).toMatch(/^0000000000[0-9A-HJKMNP-TV-Z]{16}$/);
    // The pool holds 256 ids' random bytes: 600 ids draw it afresh twice.
    const ids = Array.from({ length: 600 }, () => newMessageId(1_700_000_000_000));
    for (const id of ids) expect(id).toMatch(/^01HF7YAT00[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(new Set(ids).size).toBe(600);
    // Each of the 16 random characters takes many values (not a constant or a stuck pool).
    for (let i = 10; i < 26; i++) expect(new Set(ids.map((id) => id[i])).size).toBeGreaterThan(20);
  });
});
