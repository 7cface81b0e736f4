/** The run's messages and faults come from its seed: the same seed, the same run; every expense amount unique. */
import { describe, expect, it } from 'vitest';
import { FAULT_CLASSES, faultSchedule } from '../src/faults.js';
import { plan } from '../src/load.js';

describe('the plan of a chaos run', () => {
  it('sends the same messages for the same seed, and other messages for another', () => {
    expect(plan(7, 500, 5)).toEqual(plan(7, 500, 5));
    expect(plan(8, 500, 5).map((m) => m.text)).not.toEqual(plan(7, 500, 5).map((m) => m.text));
  });

  it('gives every expense an amount of its own and every note and reminder a word of its own', () => {
    const ms = plan(1, 10_000, 12);
    const cents = ms.filter((m) => m.kind === 'expense').map((m) => m.cents);
    expect(cents.length).toBeGreaterThan(2_000);
    expect(new Set(cents).size).toBe(cents.length);
    const tokens = ms.filter((m) => m.token !== undefined).map((m) => m.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(new Set(ms.map((m) => m.id)).size).toBe(ms.length);
    for (const m of ms.filter((x) => x.kind === 'expense')) expect(m.text).toBe(m.text.replace(/\d+\.\d\d/, (m.cents! / 100).toFixed(2)));
  });

  it('schedules every class once a round, in an order fixed by the seed', () => {
    const a = faultSchedule(3, FAULT_CLASSES, 2);
    expect(a).toEqual(faultSchedule(3, FAULT_CLASSES, 2));
    expect(a.length).toBe(FAULT_CLASSES.length * 2);
    expect(new Set(a.slice(0, FAULT_CLASSES.length).map((f) => f.cls)).size).toBe(FAULT_CLASSES.length);
    for (const f of a.filter((x) => x.cls === 'sigkill-agents')) expect(f.agents!.length).toBeGreaterThanOrEqual(2);
  });
});
