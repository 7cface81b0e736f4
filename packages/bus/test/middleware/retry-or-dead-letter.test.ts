/**
 * Retry or dead-letter as a step, on a real Redis: a failure is retried until maxDeliveries, then
 * dead-lettered; what cannot succeed is dead-lettered at once; Redis trouble leaves the entry pending.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { xreadgroup } from '../../src/commands.js';
import { deadLetterWriter, type DeadLetterWriter } from '../../src/dead-letters.js';
import type { EntryStep } from '../../src/delivery.js';
import { DecodeError, HiveError, UnrecoverableError } from '../../src/errors.js';
import { retryOrDeadLetter } from '../../src/middleware/retry-or-dead-letter.js';
import { listDeadLetters } from '../../src/admin.js';
import { createKeys, DRIVER_KINDS, type Keys, type RedisDriver } from '../../src/index.js';
import { memoryLogger, randomPrefix, rawDriver, useRedis, type LogLine } from '../helpers.js';
import { delivery, envelopeFields } from './deliveries.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('retry or dead-letter on %s', (kind) => {
  const open: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });

  /** One entry on stream "s", read by group "g" so that it is pending, as a subscription would hold it. */
  const setup = async () => {
    const driver = await rawDriver(kind, redis());
    open.push(driver);
    const keys: Keys = createKeys(randomPrefix());
    const key = keys.stream('s');
    await driver.call(['XGROUP', 'CREATE', key, 'g', '$', 'MKSTREAM']);
    const fields = envelopeFields('t.one', { n: 1 });
    await driver.call(['XADD', key, '*', ...fields]);
    const [read] = await xreadgroup(driver, 'g', 'c', [key], ['>'], { count: 1 });
    const entry = read!.entries[0]!;
    const lines: LogLine[] = [];
    const deadLetters = deadLetterWriter({ driver, keys, stream: 's', group: 'g', consumer: 'c' });
    const step = (next: EntryStep, writer: DeadLetterWriter = deadLetters) =>
      retryOrDeadLetter({ stream: 's', group: 'g', maxDeliveries: 3, deadLetters: writer, log: memoryLogger(lines), observers: [] })(next);
    const pendingCount = async () => Number(((await driver.call(['XPENDING', key, 'g'])) as unknown[])[0]);
    return { driver, keys, key, entry, lines, step, pendingCount, at: (deliveryCount: number) => delivery(entry.fields, { entryId: entry.id, deliveryCount, key }) };
  };

  it('passes a success through untouched', async () => {
    const s = await setup();
    expect(await s.step(async () => 'acked')(s.at(1).d)).toBe('acked');
  });

  it('leaves a failed entry pending for its retry while deliveries remain', async () => {
    const s = await setup();
    const t = s.at(2);
    expect(await s.step(async () => Promise.reject(new Error('flaky')))(t.d)).toBe('retried');
    expect(t.calls.released).toEqual([s.entry.id]);
    expect(await listDeadLetters(s.driver, s.keys, 's')).toEqual([]);
    expect(await s.pendingCount()).toBe(1);
    expect(t.lines.some((l) => l.level === 'warn' && l.msg === 'handler failed; will retry' && l.obj.deliveryCount === 2)).toBe(true);
  });

  it('dead-letters on the last delivery as MAX_DELIVERIES with the last error, and acks the entry', async () => {
    const s = await setup();
    const t = s.at(3);
    expect(await s.step(async () => Promise.reject(new Error('still broken')))(t.d)).toBe('dead_lettered');
    expect(t.calls.released).toEqual([]);
    const [dl] = await listDeadLetters(s.driver, s.keys, 's');
    expect(dl).toMatchObject({ entryId: s.entry.id, group: 'g', consumer: 'c', deliveryCount: 3, reason: 'MAX_DELIVERIES', error: 'failed 3 times; last error: still broken' });
    expect(dl!.message?.type).toBe('t.one');
    expect(await s.pendingCount()).toBe(0);
  });

  it.each([
    ['a DecodeError', new DecodeError('DECODE_INVALID_JSON', 'data is not JSON', 'data'), 'DECODE_INVALID_JSON'],
    ['an UnrecoverableError', new UnrecoverableError('no such account'), 'UNRECOVERABLE'],
    ['a follow-up that fails its schema', new HiveError('SCHEMA_INVALID', 'payload of "o" fails its schema'), 'SCHEMA_INVALID'],
  ])('dead-letters %s at once, on the first delivery', async (_, error, reason) => {
    const s = await setup();
    expect(await s.step(async () => Promise.reject(error))(s.at(1).d)).toBe('dead_lettered');
    const [dl] = await listDeadLetters(s.driver, s.keys, 's');
    expect(dl).toMatchObject({ reason, deliveryCount: 1, error: error.message });
    if (error instanceof DecodeError) expect(dl!.field).toBe('data');
  });

  it('leaves the entry alone when shutdown gave up on it', async () => {
    const s = await setup();
    const t = s.at(3);
    const next: EntryStep = async () => {
      t.close();
      throw new Error('aborted by shutdown');
    };
    expect(await s.step(next)(t.d)).toBe('pending');
    expect(t.calls.released).toEqual([]);
    expect(await listDeadLetters(s.driver, s.keys, 's')).toEqual([]);
    expect(await s.pendingCount()).toBe(1);
  });

  it('leaves the entry pending, and says so, when the dead letter cannot be written', async () => {
    const s = await setup();
    const t = s.at(1);
    const failing: DeadLetterWriter = { write: async () => Promise.reject(new Error('READONLY You can\'t write against a read only replica.')) };
    expect(await s.step(async () => Promise.reject(new UnrecoverableError('bad')), failing)(t.d)).toBe('pending');
    expect(await s.pendingCount()).toBe(1);
    expect(t.lines.some((l) => l.level === 'warn' && l.msg === 'could not record the failure; the entry stays pending')).toBe(true);
  });

  it('settles as pending when another consumer dead-letters or acks the entry first', async () => {
    const s = await setup();
    await s.driver.call(['XACK', s.key, 'g', s.entry.id]);
    expect(await s.step(async () => Promise.reject(new UnrecoverableError('bad')))(s.at(1).d)).toBe('pending');
    expect(await listDeadLetters(s.driver, s.keys, 's')).toEqual([]);
  });
});
