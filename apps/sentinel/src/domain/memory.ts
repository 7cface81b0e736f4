/**
 * The memory check: Redis near its maxmemory. At 100% (with noeviction, as a bus must run) Redis
 * refuses every write, so the owner hears it well before that, with the key families that take the
 * most memory: where to look, and what retention or data to cut.
 */
import type { Condition, RedisFacts } from './checks.js';

/** Memory taken by one key family (a key pattern, e.g. `hive:seen:{intent.classified}:*`). */
export interface FamilyUsage {
  readonly family: string;
  readonly bytes: number;
  readonly keys: number;
}

function mb(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return `${m < 10 ? m.toFixed(1) : Math.round(m)} MB`;
}

/** True when maxmemory is set and used_memory is above `ratio` of it. */
export function memoryOverRatio(r: RedisFacts, ratio: number): boolean {
  return r.maxmemory !== undefined && r.maxmemory > 0 && r.usedMemory !== undefined && r.usedMemory / r.maxmemory > ratio;
}

/** The condition when used memory is above `ratio` of maxmemory, naming the largest families (largest first); else undefined. */
export function memoryCondition(r: RedisFacts, ratio: number, families: readonly FamilyUsage[]): Condition | undefined {
  if (!memoryOverRatio(r, ratio)) return undefined;
  const used = r.usedMemory!;
  const max = r.maxmemory!;
  const pct = Math.round((used / max) * 100);
  const top = [...families].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
  const largest = top.length > 0 ? ` Largest: ${top.map((f) => `${f.family} ${mb(f.bytes)} (${f.keys} ${f.keys === 1 ? 'key' : 'keys'})`).join(', ')}.` : '';
  return {
    alertId: 'redis:memory',
    check: 'redis_memory',
    severity: 'warning',
    subject: 'redis',
    summary: `Redis uses ${pct}% of its maxmemory (${mb(used)} of ${mb(max)}); at 100% every write fails.${largest} See STORAGE.md for each family's bound.`,
    recovery: `Redis memory use is back under ${Math.round(ratio * 100)}% of maxmemory`,
    details: {
      usedMemory: used,
      maxmemory: max,
      ratio: Number((used / max).toFixed(3)),
      ...Object.fromEntries(top.map((f) => [`family:${f.family}`, f.bytes])),
    },
  };
}
