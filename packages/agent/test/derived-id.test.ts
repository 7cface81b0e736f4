import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivedId } from '../src/derived-id.js';

// The ids the agents stored before derivedId existed, spelled out: a stored id must never change.
const before = (input: string, length: number) => createHash('sha256').update(input).digest('base64url').slice(0, length);

describe('derivedId', () => {
  it('is the prefix and the SHA-256 of the parts joined by NUL, cut to length, as the agents always derived them', () => {
    expect(derivedId('exp_', ['false_4917@c.us_ABC'], 22)).toBe(`exp_${before('false_4917@c.us_ABC', 22)}`);
    expect(derivedId('note_', ['4917@c.us', 'm1'], 24)).toBe(`note_${before('4917@c.us\u0000m1', 24)}`);
    expect(derivedId('', ['hermes', 'occ-1', 'out'], 26)).toBe(before('hermes\u0000occ-1\u0000out', 26));
  });
  it('tells parts apart that only their boundary separates', () => {
    expect(derivedId('x_', ['ab', 'c'], 24)).not.toBe(derivedId('x_', ['a', 'bc'], 24));
  });
});
