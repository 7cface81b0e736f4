import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../src/domain/rate-limit.js';

describe('TokenBuckets', () => {
  const opts = { perMinute: 60, burst: 3, maxWaitMs: 5_000 }; // one token per second

  it('lets a burst through at once, then spaces sends at the rate', () => {
    const b = new TokenBuckets(opts);
    const waits = [0, 0, 0, 0, 0].map(() => b.reserve('a', 10_000));
    expect(waits).toEqual([
      { ok: true, waitMs: 0 },
      { ok: true, waitMs: 0 },
      { ok: true, waitMs: 0 },
      { ok: true, waitMs: 1_000 },
      { ok: true, waitMs: 2_000 },
    ]);
  });

  it('refills with time, never above the burst', () => {
    const b = new TokenBuckets(opts);
    for (let i = 0; i < 3; i++) b.reserve('a', 0);
    expect(b.reserve('a', 1_500)).toEqual({ ok: true, waitMs: 0 });
    expect(b.reserve('a', 1_500)).toEqual({ ok: true, waitMs: 500 });
    // A long quiet spell refills to the burst, not beyond.
    for (let i = 0; i < 3; i++) expect(b.reserve('a', 1_000_000)).toEqual({ ok: true, waitMs: 0 });
    expect(b.reserve('a', 1_000_000)).toEqual({ ok: true, waitMs: 1_000 });
  });

  it('keeps chats apart', () => {
    const b = new TokenBuckets(opts);
    for (let i = 0; i < 3; i++) b.reserve('a', 0);
    expect(b.reserve('b', 0)).toEqual({ ok: true, waitMs: 0 });
    expect(b.reserve('a', 0)).toEqual({ ok: true, waitMs: 1_000 });
  });

  it('refuses (and takes nothing) when the wait would pass maxWaitMs', () => {
    const b = new TokenBuckets({ ...opts, maxWaitMs: 1_500 });
    for (let i = 0; i < 4; i++) b.reserve('a', 0);
    expect(b.reserve('a', 0)).toEqual({ ok: false, retryInMs: 2_000 });
    expect(b.reserve('a', 500)).toEqual({ ok: true, waitMs: 1_500 });
  });

  it('gives a token back for a send that did not happen', () => {
    const b = new TokenBuckets(opts);
    for (let i = 0; i < 3; i++) b.reserve('a', 0);
    b.release('a', 0);
    expect(b.reserve('a', 0)).toEqual({ ok: true, waitMs: 0 });
  });

  it('forgets full buckets, so memory follows active chats only', () => {
    const b = new TokenBuckets(opts);
    b.reserve('a', 0);
    b.reserve('b', 0);
    expect(b.size).toBe(2);
    b.prune(500);
    expect(b.size).toBe(2);
    b.prune(1_000);
    expect(b.size).toBe(0);
  });

  it('ignores a clock that goes backwards', () => {
    const b = new TokenBuckets(opts);
    for (let i = 0; i < 3; i++) b.reserve('a', 10_000);
    expect(b.reserve('a', 5_000)).toEqual({ ok: true, waitMs: 1_000 });
  });

  it('rejects nonsense options', () => {
    expect(() => new TokenBuckets({ ...opts, perMinute: 0 })).toThrow(RangeError);
    expect(() => new TokenBuckets({ ...opts, burst: 0 })).toThrow(RangeError);
  });
});
