/**
 * Which key families take Redis's memory: every key under the prefix (SCAN), its MEMORY USAGE,
 * summed per family (`keys.family`: a stream, `…seen:<stream>:*`, `…data:<agent>:*`, …). Run only
 * when memory is already high, and bounded: at most `maxKeys` keys are looked at (then the result
 * says it is a sample).
 */
import type { Bus } from '@hive/bus';
import type { FamilyUsage } from './domain/memory.js';

/** Keys looked at, at most, per report. */
export const DEFAULT_FAMILY_SCAN_KEYS = 200_000;

export interface FamilyReport {
  readonly families: FamilyUsage[];
  /** Keys looked at. */
  readonly keys: number;
  /** True when the scan stopped at `maxKeys`: the figures cover only part of the keyspace. */
  readonly sampled: boolean;
}

/** Memory per key family under the bus's prefix, largest first. */
export async function familyUsage(bus: Pick<Bus, 'driver' | 'keys'>, maxKeys = DEFAULT_FAMILY_SCAN_KEYS): Promise<FamilyReport> {
  const byFamily = new Map<string, { bytes: number; keys: number }>();
  let cursor = '0';
  let seen = 0;
  do {
    const r = (await bus.driver.call(['SCAN', cursor, 'MATCH', `${bus.keys.prefix}*`, 'COUNT', 1_000])) as [string, string[]];
    cursor = String(r[0]);
    const keys = (r[1] ?? []).map(String);
    if (keys.length === 0) continue;
    // MEMORY USAGE samples 5 elements of an aggregate by default: close enough to rank families.
    const sizes = await bus.driver.pipeline(keys.map((k) => ['MEMORY', 'USAGE', k]));
    keys.forEach((key, i) => {
      const s = sizes[i];
      if (!s?.ok || s.value === null) return; // expired or deleted since the SCAN
      const family = bus.keys.family(key) ?? key;
      const f = byFamily.get(family) ?? { bytes: 0, keys: 0 };
      f.bytes += Number(s.value);
      f.keys += 1;
      byFamily.set(family, f);
    });
    seen += keys.length;
  } while (cursor !== '0' && seen < maxKeys);
  const families = [...byFamily].map(([family, f]) => ({ family, ...f })).sort((a, b) => b.bytes - a.bytes);
  return { families, keys: seen, sampled: cursor !== '0' };
}
