import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleScavenge } from '../src/idle-scavenge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);
const child = fileURLToPath(new URL('./fixtures/idle-scavenge-child.ts', import.meta.url));

describe('idle scavenge', () => {
  it('collects once the process has been quiet for quietMs, when less than the reserve is free; once per spell of work', async () => {
    let collected = 0;
    const s = createIdleScavenge({ quietMs: 20, reserveBytes: 1024, youngFree: () => 0, collect: () => collected++ });
    s.touch();
    expect(collected).toBe(0);
    await expect.poll(() => collected).toBe(1);
    await sleep(60);
    expect(collected).toBe(1);
    expect(s.collections).toBe(1);
    s.touch();
    await expect.poll(() => collected).toBe(2);
  });

  describe('on fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('waits for quietMs after the last work, not the first', () => {
      let collected = 0;
      const s = createIdleScavenge({ quietMs: 40, reserveBytes: 1024, youngFree: () => 0, collect: () => collected++ });
      s.touch();
      vi.advanceTimersByTime(30);
      s.touch();
      vi.advanceTimersByTime(30);
      s.touch();
      vi.advanceTimersByTime(39);
      expect(collected).toBe(0);
      vi.advanceTimersByTime(1);
      expect(collected).toBe(1);
    });

    it('leaves a young generation with the reserve free to V8', () => {
      let collected = 0;
      let asked = 0;
      const s = createIdleScavenge({ quietMs: 10, reserveBytes: 1024, youngFree: () => (asked++, 1024), collect: () => collected++ });
      s.touch();
      vi.advanceTimersByTime(100);
      expect(asked).toBe(1);
      expect(collected).toBe(0);
    });

    it('forgets a collection still waiting once stopped', () => {
      let collected = 0;
      const s = createIdleScavenge({ quietMs: 10, reserveBytes: 1024, youngFree: () => 0, collect: () => collected++ });
      s.touch();
      s.stop();
      vi.advanceTimersByTime(100);
      expect(collected).toBe(0);
      s.touch();
      vi.advanceTimersByTime(10);
      expect(collected).toBe(1);
    });
  });

  it('refuses a quiet that is not a finite number > 0', () => {
    expect(() => createIdleScavenge({ quietMs: 0 })).toThrow(/quietMs must be a finite number > 0/);
    expect(() => createIdleScavenge({ quietMs: Number.NaN })).toThrow(RangeError);
  });

  // V8 itself, in a process of its own: the flag decides whether the gc function exists.
  it('with node --expose-gc, empties the young generation in the quiet; without it, does nothing', async () => {
    const report = async (flags: string[]) => {
      const { stdout } = await run(process.execPath, [...flags, '--conditions=@hive/source', '--import', 'tsx', child], { timeout: 30_000 });
      return JSON.parse(stdout) as { collections: number; minorGcs: number; freeBefore: number; freeAfter: number; reserve: number };
    };
    const [exposed, hidden] = await Promise.all([report(['--expose-gc']), report([])]);
    expect(exposed.freeBefore).toBeLessThan(exposed.reserve);
    expect(exposed.collections).toBe(1);
    expect(exposed.minorGcs).toBeGreaterThanOrEqual(1);
    expect(exposed.freeAfter).toBeGreaterThan(exposed.freeBefore);
    expect(hidden.freeBefore).toBeLessThan(hidden.reserve);
    expect(hidden.collections).toBe(0);
    expect(hidden.minorGcs).toBe(0);
  }, 60_000);
});
