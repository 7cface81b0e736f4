/**
 * Write and read rates from successive samples of counters Redis keeps (a stream's entries-added, a
 * group's entries-read), so a rate costs no extra Redis work; after a console restart the first rate
 * comes one poll later. Each series keeps its last RATE_SAMPLES points for the sparklines.
 */
import type { RateSeries } from '../wire.js';

export type { RateSeries } from '../wire.js';

/** Rolling rates per key (a stream, or stream/group), from monotonically growing counters. */
export class RateTracker {
  private readonly last = new Map<string, { at: number; value: number }>();
  private readonly series = new Map<string, number[]>();

  constructor(private readonly samples: number) {}

  /** Record `value` of counter `key` at `at` (ms); a counter that went backwards (a reset stream) restarts its series. */
  sample(key: string, at: number, value: number | null): void {
    if (value === null) return;
    const prev = this.last.get(key);
    this.last.set(key, { at, value });
    if (!prev || at <= prev.at) return;
    const points = this.series.get(key) ?? [];
    if (value < prev.value) points.length = 0;
    else points.push(((value - prev.value) * 1000) / (at - prev.at));
    if (points.length > this.samples) points.splice(0, points.length - this.samples);
    this.series.set(key, points);
  }

  /** The current rate and the series of `key`. */
  get(key: string): RateSeries {
    const points = this.series.get(key) ?? [];
    return { rate: points.length > 0 ? points[points.length - 1]! : null, series: [...points] };
  }

  /** Forget keys not seen in the last sample round (deleted streams and groups). */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.last.keys()) {
      if (!keys.has(k)) {
        this.last.delete(k);
        this.series.delete(k);
      }
    }
  }
}
