import { describe, expect, it } from 'vitest';
import { deferredOnce } from '../src/deferred-once.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('deferredOnce', () => {
  it('runs once, after the delay, however many calls came meanwhile; then again after the next call', async () => {
    let runs = 0;
    const later = deferredOnce(() => runs++, 20);
    later();
    later();
    later();
    expect(runs).toBe(0);
    await expect.poll(() => runs).toBe(1);
    await sleep(40);
    expect(runs).toBe(1);
    later();
    await expect.poll(() => runs).toBe(2);
  });

  it('runs inside the call with a delay of 0', () => {
    let runs = 0;
    const now = deferredOnce(() => runs++, 0);
    now();
    now();
    expect(runs).toBe(2);
  });

  it('forgets a run still waiting once cancelled', async () => {
    let runs = 0;
    const later = deferredOnce(() => runs++, 10);
    later();
    later.cancel();
    await sleep(40);
    expect(runs).toBe(0);
  });

  it('refuses a delay that is not a finite number ≥ 0', () => {
    expect(() => deferredOnce(() => {}, -1)).toThrow(RangeError);
    expect(() => deferredOnce(() => {}, Number.NaN)).toThrow(/delayMs must be a finite number/);
  });
});
