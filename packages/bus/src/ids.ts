/**
 * Message ids: 26-character ULIDs (48-bit millisecond time + 80 random bits, Crockford base32).
 * They sort by creation time, are safe in keys and URLs, and are short enough to keep the
 * envelope small. Any other non-empty id without whitespace is accepted from foreign producers.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The alphabet as bytes, and the id's 26 bytes, filled in place and read out as one string. */
const CODES = Buffer.from(ALPHABET, 'latin1');
const ID = Buffer.alloc(26);
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;

/**
 * A new ULID for the given time (ms since epoch). Written into a buffer and read out once: one
 * string per id, not one per character (the concatenations made about 760 bytes of garbage an id,
 * and every publish without an id of its own makes one).
 */
export function newMessageId(now: number = Date.now()): string {
  // Whole milliseconds, not before the epoch: anything else has no character to stand for it.
  let t = Math.max(0, Math.floor(now));
  for (let i = 9; i >= 0; i--) {
    ID[i] = CODES[t % 32]!;
    t = Math.floor(t / 32);
  }
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  for (let i = 10; i < 26; i++) ID[i] = CODES[pool[poolOffset++]! & 31]!;
  return ID.toString('latin1', 0, 26);
}

/** Milliseconds of a Redis stream entry id ("1700000000000-0"). */
export function entryIdTime(entryId: string): number {
  const dash = entryId.indexOf('-');
  return Number(dash === -1 ? entryId : entryId.slice(0, dash));
}

/**
 * True when stream entry id `a` comes after `b`: `compareEntryIds(a, b) > 0` without its BigInts,
 * for the consumer's read path (once per entry read). Sequence numbers past 2^53 are not told apart;
 * a malformed id comes after nothing and nothing comes after it.
 */
export function entryIdAfter(a: string, b: string): boolean {
  const am = entryIdTime(a);
  const bm = entryIdTime(b);
  if (am !== bm) return am > bm;
  return entryIdSeq(a) > entryIdSeq(b);
}

/** The sequence part of a stream entry id ("1700000000000-3" → 3; 0 when it has none). */
function entryIdSeq(entryId: string): number {
  const dash = entryId.indexOf('-');
  return dash === -1 ? 0 : Number(entryId.slice(dash + 1));
}

/** Compare two stream entry ids: negative, zero or positive like a sort comparator. */
export function compareEntryIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = BigInt(am) - BigInt(bm);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const s = BigInt(as) - BigInt(bs);
  return s === 0n ? 0 : s < 0n ? -1 : 1;
}
