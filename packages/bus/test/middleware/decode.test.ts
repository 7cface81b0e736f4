/** The decode step: raw fields become a checked message, or the delivery fails with a named DecodeError. */
import { describe, expect, it } from 'vitest';
import type { ContractRegistry } from '../../src/contracts.js';
import type { MessageStep } from '../../src/delivery.js';
import { DecodeError } from '../../src/errors.js';
import { decode } from '../../src/middleware/decode.js';
import { delivery, envelopeFields } from './deliveries.js';

/** demo.order: v2 is current; a v1 payload { n } is upcast to { qty }. */
const contracts: ContractRegistry = {
  find: (stream, type) =>
    stream === 's' && type === 'demo.order'
      ? {
          stream,
          type,
          version: 2,
          decode: (data, v) => {
            const d = data as { n?: unknown; qty?: unknown };
            const qty = v === 1 ? d.n : d.qty;
            return typeof qty === 'number' ? { ok: true, data: { qty } } : { ok: false, issues: 'qty: expected a number' };
          },
        }
      : undefined,
};

function recording(): { next: MessageStep; seen: unknown[] } {
  const seen: unknown[] = [];
  return { seen, next: async (m) => (seen.push(m), 'acked') };
}

describe('decode', () => {
  it('hands on the message, checked and upcast, and keeps it on the delivery', async () => {
    const { next, seen } = recording();
    const { d } = delivery(envelopeFields('demo.order', { n: 3 }, { v: '1' }));
    await expect(decode({ stream: 's', contracts, maxMessageBytes: 1 << 20 })(next)(d)).resolves.toBe('acked');
    expect(seen).toHaveLength(1);
    expect(d.message).toMatchObject({ type: 'demo.order', v: 2, data: { qty: 3 }, corr: 'corr-1' });
    expect(seen[0]).toBe(d.message);
  });

  it('without contracts, any well-formed envelope passes as it is', async () => {
    const { next, seen } = recording();
    const { d } = delivery(envelopeFields('anything.at.all', { x: 1 }));
    await decode({ stream: 's', contracts: undefined, maxMessageBytes: 1 << 20 })(next)(d);
    expect(seen[0]).toMatchObject({ type: 'anything.at.all', v: 1, data: { x: 1 } });
  });

  it.each([
    ['a malformed entry', ['type', 'demo.order'], 'DECODE_MISSING_FIELD'],
    ['JSON that is not JSON', envelopeFields('demo.order', {}).map((f, i, all) => (all[i - 1] === 'data' ? '{not json' : f)), 'DECODE_INVALID_JSON'],
    ['a type the stream does not carry', envelopeFields('demo.other', {}), 'UNKNOWN_TYPE'],
    ['a payload that fails its schema', envelopeFields('demo.order', { qty: 'three' }, { v: '2' }), 'SCHEMA_INVALID'],
    ['an entry over the size limit', envelopeFields('demo.order', { qty: 1, pad: 'x'.repeat(2_000) }, { v: '2' }), 'MESSAGE_TOO_LARGE'],
  ])('rejects %s with a DecodeError, without calling the next step', async (_, fields, code) => {
    const { next, seen } = recording();
    const { d } = delivery(fields);
    const err = await decode({ stream: 's', contracts, maxMessageBytes: 1_024 })(next)(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).code).toBe(code);
    expect(seen).toHaveLength(0);
    expect(d.message).toBeUndefined();
  });
});
