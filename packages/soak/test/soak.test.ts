/**
 * The soak itself, small: a warm-up day and one measured day through the 13 real agents, with the
 * same accounting `npm run soak` reports (every bus message reaches a final outcome in every group,
 * every pending entry read back, every user message answered).
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../src/run.js';

describe('a short soak', () => {
  it('loses nothing, trims nothing un-acked, answers every message, and measures memory, blobs and the archive', async () => {
    const lines: string[] = [];
    const r = await runSoak({ days: 1, userMessagesPerDay: 40, dayMs: 2_000, chats: 5, seed: 5, realBusMessagesPerDay: 50_000, progress: (l) => void lines.push(l) });
    const j = r.json as Record<string, any>;
    expect(j.sent).toBe(80);
    expect(j.kamiOutcomes).toEqual({ published: 80 });
    expect(j.answered).toBe(80);
    expect(j.lost).toBe(0);
    expect(j.unackedTrimmed).toBe(0);
    expect(j.busMessages).toBeGreaterThan(200);
    expect(j.trimmedByJanitor).toBeGreaterThan(0);
    expect(j.archive.rows).toBe(j.busMessages);
    expect(j.usedMemoryMB.day1).toBeGreaterThan(j.usedMemoryMB.start);
    expect(r.rows.map((x) => x.day)).toEqual([0, 1]);
    // intent.classified is split by intent: its marks are a family per shard.
    expect(r.end.families.some((f) => /^hive:seen:\{intent\.classified\.\d+\}:\*$/.test(f.family))).toBe(true);
    expect(lines[0]).toMatch(/^soak: 13 agents up/);
  }, 120_000);
});
