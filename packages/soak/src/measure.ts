/**
 * What the soak measures on the way: Redis's used_memory, memory per key family (MEMORY USAGE
 * summed per `keys.family`, through sentinel's own report), the pending entries every group holds
 * read back from their streams (an un-acked entry must never have been trimmed), the blob store and
 * the archive on disk.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { blobUsage } from '@hive/blobs';
import { type Keys, type RedisDriver } from '@hive/bus';
import { scanKeys, xinfoGroups, xinfoStream, xpending, xrange } from '@hive/bus/admin';
import { familyUsage } from '../../../apps/sentinel/src/memory-families.js';
import type { FamilyUsage } from '../../../apps/sentinel/src/domain/memory.js';

/** used_memory and used_memory_peak from INFO memory. */
export async function usedMemory(d: RedisDriver): Promise<{ used: number; peak: number }> {
  const info = String(await d.call(['INFO', 'memory']));
  const num = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return { used: num('used_memory'), peak: num('used_memory_peak') };
}

/** The classes STORAGE.md bounds, from a family pattern. */
export type FamilyClass = 'streams' | 'handled marks' | 'publish ids' | 'dead letters' | 'redrive' | 'reply streams' | 'registry' | 'hermes (BullMQ)' | 'agents\' own state' | 'other';

/** Which class a family belongs to (its pattern after the prefix). */
export function classOf(family: string, prefix: string): FamilyClass {
  const rest = family.startsWith(prefix) ? family.slice(prefix.length) : family;
  if (rest.startsWith('s:')) return 'streams';
  if (rest.startsWith('seen:')) return 'handled marks';
  if (rest.startsWith('pubid:')) return 'publish ids';
  if (rest.startsWith('dlq:') || rest.startsWith('dlqg:')) return 'dead letters';
  if (rest.startsWith('redrive:')) return 'redrive';
  if (rest.startsWith('reply:')) return 'reply streams';
  if (rest.startsWith('agent:')) return 'registry';
  if (rest.startsWith('data:hermes')) return 'hermes (BullMQ)';
  if (rest.startsWith('data:')) return 'agents\' own state';
  return 'other';
}

export interface FamilySnapshot {
  readonly families: FamilyUsage[];
  readonly byClass: Record<string, number>;
  readonly keys: number;
}

/** Memory per family, and per class. */
export async function families(bus: { driver: RedisDriver; keys: Keys }): Promise<FamilySnapshot> {
  const r = await familyUsage(bus, 1_000_000);
  const byClass: Record<string, number> = {};
  for (const f of r.families) {
    const c = classOf(f.family, bus.keys.prefix);
    byClass[c] = (byClass[c] ?? 0) + f.bytes;
  }
  return { families: r.families, byClass, keys: r.keys };
}

/** Items per family: stream entries, set and hash members, list elements; 1 per string key. */
export async function familyItems(d: RedisDriver, keys: Keys): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const all = await scanKeys(d, `${keys.prefix}*`);
  for (let i = 0; i < all.length; i += 500) {
    const batch = all.slice(i, i + 500);
    const types = await d.pipeline(batch.map((k) => ['TYPE', k]));
    const LEN: Record<string, string> = { stream: 'XLEN', zset: 'ZCARD', hash: 'HLEN', set: 'SCARD', list: 'LLEN' };
    const lens = await d.pipeline(batch.map((k, j) => {
      const t = types[j]?.ok ? String(types[j]!.value) : 'none';
      return LEN[t] ? [LEN[t]!, k] : ['EXISTS', k];
    }));
    batch.forEach((k, j) => {
      const f = keys.family(k) ?? k;
      const n = lens[j]?.ok ? Number(lens[j]!.value) : 0;
      out.set(f, (out.get(f) ?? 0) + n);
    });
  }
  return out;
}

/** Entries per stream now (XLEN), and ever added (entries-added). */
export async function streamCounts(d: RedisDriver, keys: Keys): Promise<{ stream: string; length: number; added: number; groups: { name: string; lag: number | null; pending: number }[] }[]> {
  const out = [];
  for (const key of await scanKeys(d, keys.streamPattern(), 'stream')) {
    const info = await xinfoStream(d, key);
    const groups = (await xinfoGroups(d, key)).map((g) => ({ name: g.name, lag: g.lag, pending: g.pending }));
    out.push({ stream: keys.streamName(key)!, length: info?.length ?? 0, added: info?.entriesAdded ?? 0, groups });
  }
  return out;
}

/**
 * Every pending entry of every group, read back from its stream: an entry some group has not acked
 * must still be there. Returns how many were checked and how many were missing (trimmed).
 */
export async function pendingReadback(d: RedisDriver, keys: Keys): Promise<{ checked: number; missing: number }> {
  let checked = 0;
  let missing = 0;
  for (const key of await scanKeys(d, keys.streamPattern(), 'stream')) {
    for (const g of await xinfoGroups(d, key)) {
      if (g.pending === 0) continue;
      let start = '-';
      for (;;) {
        const rows = await xpending(d, key, g.name, { start, end: '+', count: 1_000 });
        for (const p of rows) {
          checked++;
          if ((await xrange(d, key, p.id, p.id)).length === 0) missing++;
        }
        if (rows.length < 1_000) break;
        start = `(${rows[rows.length - 1]!.id}`;
      }
    }
  }
  return { checked, missing };
}

/** The archive on disk: rows, bytes of the database file with its WAL, and of the database's pages alone. */
export function archiveSize(path: string): { rows: number; bytes: number; dbBytes: number } {
  if (!existsSync(path)) return { rows: 0, bytes: 0, dbBytes: 0 };
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
    const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
    const dbBytes = pages * (db.pragma('page_size', { simple: true }) as number);
    const bytes = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    return { rows, bytes, dbBytes };
  } finally {
    db.close();
  }
}

/** The blob store on disk. */
export async function blobStoreSize(root: string): Promise<{ blobs: number; bytes: number }> {
  return existsSync(root) ? blobUsage({ root }) : { blobs: 0, bytes: 0 };
}
