import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeData, encodeFields, newMessageId } from '../src/index.js';

const good = () =>
  encodeFields({ type: 'demo.ping', v: 1, id: newMessageId(), src: 'test', ts: Date.now(), corr: 'c1', cause: '', data: encodeData({ n: 1 }) });

function withField(fields: string[], name: string, value: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === name) {
      if (value !== undefined) out.push(name, value);
    } else out.push(fields[i]!, fields[i + 1]!);
  }
  return out;
}

describe('envelope', () => {
  it('round-trips a message through its flat fields', () => {
    const r = decodeEntry(good());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.message).toMatchObject({ type: 'demo.ping', v: 1, src: 'test', corr: 'c1', cause: '', data: { n: 1 } });
  });

  it('writes the fields in a fixed order with traceparent last', () => {
    const f = encodeFields({ type: 't', v: 2, id: 'i', src: 's', ts: 1, corr: 'c', cause: 'x', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', data: '{}' });
    expect(f.filter((_, i) => i % 2 === 0)).toEqual(['type', 'v', 'id', 'src', 'ts', 'corr', 'cause', 'data', 'traceparent']);
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
  ])('names the field when %s is %s', (field, value, code) => {
    const r = decodeEntry(withField(good(), field, value));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.field).toBe(field);
      expect(r.error.message).toContain(field);
    }
  });

  it('rejects an entry over the size limit', () => {
    const big = withField(good(), 'data', JSON.stringify('x'.repeat(2000)));
    const r = decodeEntry(big, 1000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('MESSAGE_TOO_LARGE');
    expect(decodeEntry(big, 10_000).ok).toBe(true);
  });

  it('counts multi-byte characters in bytes for the size limit', () => {
    const big = withField(good(), 'data', JSON.stringify('é'.repeat(400)));
    const r = decodeEntry(big, 850);
    expect(decodeEntry(withField(good(), 'data', JSON.stringify('e'.repeat(400))), 850).ok).toBe(true);
    expect(r.ok).toBe(false);
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

  it('makes sortable 26-character ULIDs', () => {
    const a = newMessageId(1_000);
    const b = newMessageId(2_000);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
  });
});
