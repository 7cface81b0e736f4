/** The store on both bus drivers: idempotent records and undos, day ranges, budgets. */
import { createDriver, createKeys, DRIVER_KINDS, type RedisDriver } from '@hive/bus';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Expense } from '../src/domain/reports.js';
import { createExpenseStore, ledgerKeys, type ExpenseStore } from '../src/expense-store.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const CHAT = 'c1@c.us';
const exp = (id: string, amountMinor: number, spentOn: string, category: Expense['category'] = 'food'): Expense => ({
  id, amountMinor, currency: 'EUR', category, description: category, spentOn, recordedAt: `${spentOn}T10:00:00.000Z`, recordedBy: 'rules',
});

describe.each(DRIVER_KINDS)('expense store on %s', (kind) => {
  let driver: RedisDriver;
  let store: ExpenseStore;
  let prefix: string;
  beforeEach(async () => {
    driver = createDriver(kind, { url: redis.url });
    await driver.connect();
    prefix = randomPrefix('ledger');
    store = createExpenseStore(driver, createKeys(prefix));
  });
  afterEach(async () => {
    await driver.close();
  });

  it('records an id once, however often it is delivered', async () => {
    expect(await store.record(CHAT, exp('e1', 1250, '2025-03-14'))).toBe(true);
    expect(await store.record(CHAT, exp('e1', 1250, '2025-03-14'))).toBe(false);
    expect(await store.between(CHAT, '2025-03-01', '2025-03-31')).toHaveLength(1);
    const k = ledgerKeys(createKeys(prefix), CHAT);
    expect(k.recent).toBe(`${prefix}data:{ledger}:${CHAT}:recent`);
    expect(await driver.call(['LLEN', k.recent])).toBe(1);
    expect(await driver.call(['ZCARD', k.byDay])).toBe(1);
  });

  it('returns expenses by the day they were spent, inclusive, per chat', async () => {
    await store.record(CHAT, exp('feb', 100, '2025-02-28'));
    await store.record(CHAT, exp('mar1', 200, '2025-03-01'));
    await store.record(CHAT, exp('mar31', 300, '2025-03-31'));
    await store.record(CHAT, exp('apr', 400, '2025-04-01'));
    await store.record('other@c.us', exp('x', 999, '2025-03-15'));
    const march = await store.between(CHAT, '2025-03-01', '2025-03-31');
    expect(march.map((e) => e.id).sort()).toEqual(['mar1', 'mar31']);
    expect(await store.between(CHAT, '2025-03-02', '2025-03-30')).toEqual([]);
  });

  it('reads a long span in one round trip, however many expenses it holds', async () => {
    const days = ['2025-03-01', '2025-03-15', '2025-03-31'];
    for (let i = 0; i < 1203; i++) await store.record(CHAT, exp(`e${i}`, i + 1, days[i % 3]!));
    await store.record(CHAT, exp('april', 5, '2025-04-01'));
    const commands: string[] = [];
    const counting = createExpenseStore(
      Object.assign(Object.create(driver) as RedisDriver, { call: (args: Parameters<RedisDriver['call']>[0]) => (commands.push(String(args[0])), driver.call(args)) }),
      createKeys(prefix),
    );
    const march = await counting.between(CHAT, '2025-03-01', '2025-03-31');
    expect(march).toHaveLength(1203);
    expect(new Set(march.map((e) => e.id)).size).toBe(1203);
    expect(march.reduce((sum, e) => sum + e.amountMinor, 0)).toBe((1203 * 1204) / 2);
    expect(commands).toEqual(['EVALSHA']);
  });

  it('undoes the newest, once per undo message', async () => {
    await store.record(CHAT, exp('e1', 100, '2025-03-14'));
    await store.record(CHAT, exp('e2', 200, '2025-03-10'));
    expect((await store.undoLast(CHAT, 'msg-1'))?.id).toBe('e2');
    // The same undo delivered again takes nothing more.
    expect((await store.undoLast(CHAT, 'msg-1'))?.id).toBe('e2');
    expect((await store.between(CHAT, '2025-03-01', '2025-03-31')).map((e) => e.id)).toEqual(['e1']);
    expect((await store.undoLast(CHAT, 'msg-2'))?.id).toBe('e1');
    expect(await store.undoLast(CHAT, 'msg-3')).toBeUndefined();
  });

  it('keeps budgets per category', async () => {
    await store.setBudget(CHAT, { category: 'food', limitMinor: 30000, currency: 'EUR' });
    await store.setBudget(CHAT, { category: 'travel', limitMinor: 50000, currency: 'EUR' });
    await store.setBudget(CHAT, { category: 'food', limitMinor: 25000, currency: 'EUR' });
    expect((await store.budgets(CHAT)).sort((a, b) => a.category.localeCompare(b.category))).toEqual([
      { category: 'food', limitMinor: 25000, currency: 'EUR' },
      { category: 'travel', limitMinor: 50000, currency: 'EUR' },
    ]);
    expect(await store.removeBudget(CHAT, 'food')).toBe(true);
    expect(await store.removeBudget(CHAT, 'food')).toBe(false);
    expect(await store.budgets('other@c.us')).toEqual([]);
  });
});
