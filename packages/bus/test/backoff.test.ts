import { describe, expect, it } from 'vitest';
import { backoffMs } from '../src/backoff.js';

describe('backoffMs', () => {
  it('doubles from the base with each attempt, the first waiting the base', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 100))).toEqual([100, 200, 400, 800]);
  });
  it('never waits past the cap, however many attempts', () => {
    expect(backoffMs(5, 100, 1_000)).toBe(1_000);
    expect(backoffMs(10_000, 100, 60_000)).toBe(60_000);
  });
  it('reads an attempt below 1 as the first', () => {
    expect(backoffMs(0, 100)).toBe(100);
  });
});
