/**
 * Ledger's Redis storage, per chat, under its own state (`keys.data('ledger', …)`, which its ACL covers):
 *
 *   <prefix>data:{ledger}:<chat>:expenses   hash   expense id → expense JSON
 *   <prefix>data:{ledger}:<chat>:by-day     zset   expense id, scored by the day it was spent (days since 1970)
 *   <prefix>data:{ledger}:<chat>:recent     list   expense ids, newest first (what "undo" takes back)
 *   <prefix>data:{ledger}:<chat>:budgets    hash   category → budget JSON
 *   <prefix>data:{ledger}:<chat>:undo:<msg> string what one "undo" message removed (a day), so a redelivery undoes nothing more
 *
 * Writes that touch several keys are one Lua script each, so a crash never leaves an expense in the
 * hash but missing from the totals. Records are keyed by an id derived from the message, and the
 * script adds only what is new: a redelivered message records nothing twice.
 */
import { jsonReply, type Keys, loadScript, type RedisDriver, runScript, stringReplies } from '@hive/agent';
import type { Budget } from './domain/budgets.js';
import type { Category } from './domain/categories.js';
import { dayNumber } from './domain/periods.js';
import type { Expense } from './domain/reports.js';

/** Key names for one chat's ledger, from the bus's key builder. */
export function ledgerKeys(keys: Keys, chatId: string) {
  return {
    expenses: keys.data('ledger', chatId, 'expenses'),
    byDay: keys.data('ledger', chatId, 'by-day'),
    recent: keys.data('ledger', chatId, 'recent'),
    budgets: keys.data('ledger', chatId, 'budgets'),
    undo: (messageId: string) => keys.data('ledger', chatId, 'undo', messageId),
  };
}

/** How many expenses "undo" can walk back. */
const RECENT_KEPT = 200;
const UNDO_MARK_S = 24 * 3600;

/** Writes that touch several keys: one script each (src/scripts/*.lua, each with its KEYS/ARGV header). */
const SCRIPTS = {
  record: loadScript(new URL('./scripts/record-expense-3.lua', import.meta.url)),
  between: loadScript(new URL('./scripts/expenses-between-2.lua', import.meta.url)),
  undo: loadScript(new URL('./scripts/undo-expense-4.lua', import.meta.url)),
};

export interface ExpenseStore {
  /** Store an expense; false when this id was already stored (a redelivery). */
  record(chatId: string, expense: Expense): Promise<boolean>;
  /** Expenses spent from `from` to `to` (YYYY-MM-DD, inclusive). */
  between(chatId: string, from: string, to: string): Promise<Expense[]>;
  /** Take back the newest expense; the same `messageId` always gets the same answer. */
  undoLast(chatId: string, messageId: string): Promise<Expense | undefined>;
  budgets(chatId: string): Promise<Budget[]>;
  setBudget(chatId: string, budget: Budget): Promise<void>;
  removeBudget(chatId: string, category: Category): Promise<boolean>;
}

/** The store on the bus's Redis driver (ioredis or node-redis). */
export function createExpenseStore(driver: RedisDriver, busKeys: Keys): ExpenseStore {
  const keys = (chatId: string) => ledgerKeys(busKeys, chatId);
  return {
    async record(chatId, e) {
      const k = keys(chatId);
      const added = await runScript(driver, SCRIPTS.record, [k.expenses, k.byDay, k.recent], [e.id, JSON.stringify(e), dayNumber(e.spentOn), RECENT_KEPT]);
      return added === 1;
    },
    async between(chatId, from, to) {
      const k = keys(chatId);
      // One round trip (the index, then the hash, read by one script): it is on the path of every expense's reply.
      const values = await runScript(driver, SCRIPTS.between, [k.byDay, k.expenses], [dayNumber(from), dayNumber(to)]);
      const out: Expense[] = [];
      for (const v of Array.isArray(values) ? values : []) {
        const e = jsonReply<Expense>(v);
        if (e) out.push(e);
      }
      return out;
    },
    async undoLast(chatId, messageId) {
      const k = keys(chatId);
      return jsonReply<Expense>(await runScript(driver, SCRIPTS.undo, [k.expenses, k.byDay, k.recent, k.undo(messageId)], [UNDO_MARK_S]));
    },
    async budgets(chatId) {
      const flat = stringReplies(await driver.call(['HGETALL', keys(chatId).budgets]));
      const out: Budget[] = [];
      for (let i = 1; i < flat.length; i += 2) {
        const b = jsonReply<Budget>(flat[i]);
        if (b) out.push(b);
      }
      return out;
    },
    async setBudget(chatId, budget) {
      await driver.call(['HSET', keys(chatId).budgets, budget.category, JSON.stringify(budget)]);
    },
    async removeBudget(chatId, category) {
      return (await driver.call(['HDEL', keys(chatId).budgets, category])) === 1;
    },
  };
}
