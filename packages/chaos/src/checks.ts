/**
 * Reading back what the network did, from where it keeps it: ledger's expenses and box's meals in
 * Redis (each under the key builder's names), scribe's notes in its SQLite file (and found through
 * its full-text index), every group's pending entries and every dead letter.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Keys, RedisDriver } from '@hive/bus';
import { scanKeys, xinfoGroups, xrange } from '@hive/bus/admin';

/** Amounts (cents) of every expense ledger holds, per chat. */
export async function ledgerAmounts(d: RedisDriver, keys: Keys, chatIds: readonly string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const chatId of chatIds) {
    const flat = (await d.call(['HGETALL', keys.data('ledger', chatId, 'expenses')])) as unknown;
    const values: string[] = Array.isArray(flat) ? (flat as string[]).filter((_, i) => i % 2 === 1) : Object.values((flat ?? {}) as Record<string, string>);
    out.set(chatId, values.map((v) => (JSON.parse(v) as { amountMinor: number }).amountMinor));
  }
  return out;
}

/** The WhatsApp message ids of every meal box holds (any chat, any day), with how often each is there. */
export async function boxMealSources(d: RedisDriver, keys: Keys): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const key of await scanKeys(d, keys.data('box', 'meals', '*'))) {
    const flat = (await d.call(['HGETALL', key])) as unknown;
    const values: string[] = Array.isArray(flat) ? (flat as string[]).filter((_, i) => i % 2 === 1) : Object.values((flat ?? {}) as Record<string, string>);
    for (const v of values) {
      const src = (JSON.parse(v) as { sourceMessageId: string }).sourceMessageId;
      out.set(src, (out.get(src) ?? 0) + 1);
    }
  }
  return out;
}

/** For each token: how many of scribe's notes hold it, and whether a full-text search for it finds it. */
export function scribeNotes(dbPath: string, tokens: readonly { chatId: string; token: string }[]): Map<string, { stored: number; found: boolean }> {
  const out = new Map<string, { stored: number; found: boolean }>();
  if (!existsSync(dbPath)) {
    for (const t of tokens) out.set(t.token, { stored: 0, found: false });
    return out;
  }
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const stored = db.prepare<[string, string], { n: number }>("SELECT count(*) AS n FROM notes WHERE chat_id = ? AND text LIKE '%' || ? || '%'");
    const found = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid WHERE notes_fts MATCH ? AND n.chat_id = ?');
    for (const t of tokens) {
      out.set(t.token, { stored: stored.get(t.chatId, t.token)!.n, found: found.get(`"${t.token}"`, t.chatId)!.n > 0 });
    }
  } finally {
    db.close();
  }
  return out;
}

export interface GroupState {
  readonly stream: string;
  readonly group: string;
  readonly pending: number;
  /** Entries after the group's last-delivered-id (read from the stream, at most 1,000 counted). */
  readonly unread: number;
  /** What XINFO GROUPS says the lag is (Redis 7's counter). */
  readonly lag: number | null;
}

/**
 * Every group of every stream: what it has not acked, and what it has not read. Unread is counted
 * from the stream after the group's last-delivered-id, not taken from XINFO's `lag`: after Redis
 * has been killed and restarted, Redis 7.0's entries-read counter can stay behind for good (a
 * chaos run saw lag 492 on groups that had read and acked everything).
 */
export async function groupStates(d: RedisDriver, keys: Keys): Promise<GroupState[]> {
  const out: GroupState[] = [];
  for (const key of await scanKeys(d, keys.streamPattern(), 'stream')) {
    for (const g of await xinfoGroups(d, key)) {
      const after = await xrange(d, key, `(${g.lastDeliveredId}`, '+', 1_000);
      out.push({ stream: keys.streamName(key)!, group: g.name, pending: g.pending, unread: after.length, lag: g.lag });
    }
  }
  return out;
}

export interface DeadLetterSummary {
  readonly total: number;
  /** Dead letters without a reason (must be 0). */
  readonly withoutReason: number;
  /** How many per reason, per stream. */
  readonly byReason: Record<string, number>;
}

/** Every dead letter in every dead-letter stream, by its reason. */
export async function deadLetters(d: RedisDriver, keys: Keys): Promise<DeadLetterSummary> {
  let total = 0;
  let withoutReason = 0;
  const byReason: Record<string, number> = {};
  for (const key of await scanKeys(d, keys.deadLetterPattern(), 'stream')) {
    // A group's dead letters or the shared ones of earlier versions: keys.deadLetterStreamName knows both.
    const stream = keys.deadLetterStreamName(key) ?? key;
    for (const e of await xrange(d, key, '-', '+')) {
      total++;
      const fields = e.fields ?? [];
      const get = (name: string) => {
        const i = fields.indexOf(name);
        return i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
      };
      const reason = get('dl.reason');
      if (!reason) withoutReason++;
      const group = get('dl.group');
      const k = `${stream} ${group ?? '?'}: ${reason ?? '(none)'}`;
      byReason[k] = (byReason[k] ?? 0) + 1;
    }
  }
  return { total, withoutReason, byReason };
}
