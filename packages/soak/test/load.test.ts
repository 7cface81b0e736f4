/** The soak's load: deterministic for a seed, in the mix's proportions, voice notes that say their words. */
import { describe, expect, it } from 'vitest';
import { fakeAudio, MIX, nextMessage, saidIn, type Kind } from '../src/load.js';
import { prng } from '../src/prng.js';

describe('the load', () => {
  it('is the same for the same seed, and follows the mix', () => {
    const a = prng(7);
    const b = prng(7);
    const first = Array.from({ length: 50 }, () => nextMessage(a, 20));
    expect(Array.from({ length: 50 }, () => nextMessage(b, 20))).toEqual(first);
    const r = prng(1);
    const counts: Partial<Record<Kind, number>> = {};
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const m = nextMessage(r, 20);
      counts[m.kind] = (counts[m.kind] ?? 0) + 1;
      expect(m.chat).toBeGreaterThanOrEqual(0);
      expect(m.chat).toBeLessThan(20);
    }
    expect(Object.values(MIX).reduce((x, y) => x + y, 0)).toBe(100);
    for (const [kind, pct] of Object.entries(MIX)) expect(Math.abs((counts[kind as Kind] ?? 0) / n - pct / 100), kind).toBeLessThan(0.01);
  });

  it('makes voice notes of a realistic size that carry what they say', () => {
    const r = prng(3);
    const audio = fakeAudio('spent 4 on coffee', r);
    expect(audio.length).toBeGreaterThanOrEqual(10_000);
    expect(audio.length).toBeLessThanOrEqual(50_000);
    expect(audio.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(saidIn(audio)).toBe('spent 4 on coffee');
  });
});
