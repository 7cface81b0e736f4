/**
 * Which key families take Redis's memory: every key under the prefix (SCAN), its MEMORY USAGE,
 * summed per family (`keys.family`: a stream, `…seen:<stream>:*`, `…data:<agent>:*`, …). Run only
 * when memory is already high, and bounded: at most `maxKeys` keys are looked at (then the result
 * says it is a sample).
 *
 * Under its generated ACL user sentinel may not SCAN (key names are admin's to list): it measures
 * the keys it can name instead, from the indexes (each stream, its groups' handled marks, redrive
 * and dead-letter streams, the registry), and the rest of Redis's memory as one family, `other`
 * (agents' own state, and Redis itself).
 */
import { errorMessage, type Bus } from '@hive/agent';
import { deadLetterKeys, indexedAgents, xinfoGroups } from '@hive/bus/admin';
import type { FamilyUsage } from './domain/memory.js';
import { streamNames } from './observe.js';

/** Keys looked at, at most, per report. */
export const DEFAULT_FAMILY_SCAN_KEYS = 200_000;

export interface FamilyReport {
  readonly families: FamilyUsage[];
  /** Keys looked at. */
  readonly keys: number;
  /** True when the scan stopped at `maxKeys`: the figures cover only part of the keyspace. */
  readonly sampled: boolean;
}

type Families = Map<string, { bytes: number; keys: number }>;

/** Add each key's MEMORY USAGE to its family. */
async function measure(bus: Pick<Bus, 'driver' | 'keys'>, keys: readonly string[], byFamily: Families): Promise<void> {
  if (keys.length === 0) return;
  // MEMORY USAGE samples 5 elements of an aggregate by default: close enough to rank families.
  const sizes = await bus.driver.pipeline(keys.map((k) => ['MEMORY', 'USAGE', k]));
  keys.forEach((key, i) => {
    const s = sizes[i];
    if (!s?.ok || s.value === null) return; // expired or deleted since it was named
    const family = bus.keys.family(key) ?? key;
    const f = byFamily.get(family) ?? { bytes: 0, keys: 0 };
    f.bytes += Number(s.value);
    f.keys += 1;
    byFamily.set(family, f);
  });
}

const report = (byFamily: Families, keys: number, sampled: boolean): FamilyReport => ({
  families: [...byFamily].map(([family, f]) => ({ family, ...f })).sort((a, b) => b.bytes - a.bytes),
  keys,
  sampled,
});

/** The keys sentinel can name without SCAN: per stream, the stream, its groups' marks, redrive and dead letters; the registry. */
async function namedKeys(bus: Pick<Bus, 'driver' | 'keys'>, catalogue: readonly string[]): Promise<string[]> {
  const k = bus.keys;
  const out = [k.agentIndex(), k.streamIndex(), ...(await indexedAgents(bus.driver, k)).map((a) => k.agent(a.name, a.instance))];
  for (const s of await streamNames(bus, catalogue)) {
    out.push(k.stream(s), k.deadLetterGroups(s), ...(await deadLetterKeys(bus.driver, k, s)));
    for (const g of await xinfoGroups(bus.driver, k.stream(s))) out.push(k.seen(s, g.name), k.redrive(s, g.name));
  }
  return [...new Set(out)];
}

/** Memory per key family under the bus's prefix, largest first (`usedMemory` and `catalogue` serve the no-SCAN path). */
export async function familyUsage(bus: Pick<Bus, 'driver' | 'keys'>, maxKeys = DEFAULT_FAMILY_SCAN_KEYS, usedMemory?: number, catalogue: readonly string[] = []): Promise<FamilyReport> {
  const byFamily: Families = new Map();
  let cursor = '0';
  let seen = 0;
  do {
    let r: [string, string[]];
    try {
      r = (await bus.driver.call(['SCAN', cursor, 'MATCH', `${bus.keys.prefix}*`, 'COUNT', 1_000])) as [string, string[]];
    } catch (err) {
      if (!errorMessage(err).startsWith('NOPERM')) throw err;
      return namedFamilyUsage(bus, usedMemory, catalogue);
    }
    cursor = String(r[0]);
    const keys = (r[1] ?? []).map(String);
    await measure(bus, keys, byFamily);
    seen += keys.length;
  } while (cursor !== '0' && seen < maxKeys);
  return report(byFamily, seen, cursor !== '0');
}

/** Without SCAN: the keys it can name, and the rest of `usedMemory` as the family `other`. */
async function namedFamilyUsage(bus: Pick<Bus, 'driver' | 'keys'>, usedMemory: number | undefined, catalogue: readonly string[]): Promise<FamilyReport> {
  const byFamily: Families = new Map();
  const keys = await namedKeys(bus, catalogue);
  await measure(bus, keys, byFamily);
  const named = [...byFamily.values()].reduce((n, f) => n + f.bytes, 0);
  if (usedMemory !== undefined && usedMemory > named) byFamily.set('other', { bytes: usedMemory - named, keys: 0 });
  return report(byFamily, keys.length, true);
}
