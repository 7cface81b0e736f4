/**
 * Idempotency as a step, on a real Redis: a handled id is skipped; a new one settles as "acked"
 * carrying its mark, which the batched ack writes together with the XACK (acks.ts), or not at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BatchedAcks } from '../../src/acks.js';
import type { Settled } from '../../src/delivery.js';
import { HandledMarks, skipHandled } from '../../src/middleware/idempotency.js';
import { DRIVER_KINDS, type RedisDriver } from '../../src/index.js';
import { memoryLogger, randomPrefix, rawDriver, useRedis, type LogLine } from '../helpers.js';
import { delivery, message } from './deliveries.js';

const redis = useRedis();

/** Commands of `name` the server has run so far (INFO commandstats). */
async function calls(driver: RedisDriver, name: string): Promise<number> {
  const info = String(await driver.call(['INFO', 'commandstats']));
  return Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

describe.each(DRIVER_KINDS)('skip handled on %s', (kind) => {
  const open: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  const connect = async () => {
    const driver = await rawDriver(kind, redis());
    open.push(driver);
    return driver;
  };
  const marks = async () => new HandledMarks(await connect(), `${randomPrefix()}seen:{s}:g`, 60_000);

  /** A stream with one entry read by group g (pending), and the acks of that group. */
  const pendingEntry = async (driver: RedisDriver, lines: LogLine[] = []) => {
    const key = `${randomPrefix()}s:{s}`;
    const entryId = String(await driver.call(['XADD', key, '*', 'f', 'v']));
    await driver.call(['XGROUP', 'CREATE', key, 'g', '0']);
    await driver.call(['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', key, '>']);
    const acks = new BatchedAcks({ driver, group: 'g', redriveKey: `${key}:redrive`, log: memoryLogger(lines) });
    const pending = async () => Number(((await driver.call(['XPENDING', key, 'g'])) as unknown[])[0]);
    return { key, entryId, acks, pending };
  };

  it('runs a new message and settles it as acked with its mark; the ack writes the mark, and the second time it is a duplicate', async () => {
    const m = await marks();
    let runs = 0;
    const step = skipHandled(m)(async () => (runs++, 'acked'));
    const t = delivery([]);
    expect(await step(message('t', {}, { id: 'm1' }), t.d)).toBe('acked');
    expect(t.d.markOnAck).toEqual({ marks: m, messageId: 'm1' });
    // Counted as handled here at once; in Redis only with its ack.
    expect(await m.has('m1')).toBe(true);
    expect(await new HandledMarks(open[0]!, m.key, 60_000).has('m1')).toBe(false);

    const { key, entryId, acks, pending } = await pendingEntry(open[0]!);
    acks.add(key, entryId, t.d.markOnAck);
    await acks.flush();
    expect(await pending()).toBe(0);
    expect(await m.has('m1')).toBe(true);
    expect(await step(message('t', {}, { id: 'm1' }), delivery([]).d)).toBe('duplicate');
    expect(runs).toBe(1);
  });

  it.each<Settled>(['retried', 'dead_lettered', 'pending', 'skipped'])('gives no mark to a message that settled as %s', async (outcome) => {
    const m = await marks();
    const t = delivery([]);
    expect(await skipHandled(m)(async () => outcome)(message('t', {}, { id: 'm2' }), t.d)).toBe(outcome);
    expect(t.d.markOnAck).toBeUndefined();
  });

  it('gives no mark to a message whose handling failed', async () => {
    const m = await marks();
    const t = delivery([]);
    const step = skipHandled(m)(async () => {
      throw new Error('boom');
    });
    await expect(step(message('t', {}, { id: 'm3' }), t.d)).rejects.toThrow('boom');
    expect(t.d.markOnAck).toBeUndefined();
  });

  it('when the mark cannot be written, the entry is not acked either: it stays pending for its handler to run again', async () => {
    const m = await marks();
    const lines: LogLine[] = [];
    const { key, entryId, acks, pending } = await pendingEntry(open[0]!, lines);
    // Something broke the marks key (a string where a sorted set belongs): the mark fails with WRONGTYPE.
    await open[0]!.call(['SET', m.key, 'not a sorted set']);
    acks.add(key, entryId, m.handled('m4'));
    await acks.flush();
    expect(await pending()).toBe(1);
    expect(acks.has(key, entryId)).toBe(false); // the reclaimer's again
    await open[0]!.call(['DEL', m.key]);
    expect(await m.has('m4')).toBe(false); // not a duplicate when it is delivered again: its handler runs
    expect(lines.some((l) => l.level === 'warn' && /ack failed; entries stay pending/.test(l.msg ?? ''))).toBe(true);
  });

  it('flush() waits for a batch of acks already on its way (shutdown exited before its last marks and acks were written)', async () => {
    const m = await marks();
    const { key, entryId, acks, pending } = await pendingEntry(open[0]!);
    acks.add(key, entryId, m.handled('m5'));
    await new Promise((r) => setImmediate(r)); // the batch is sent, not yet answered
    await acks.flush();
    expect(acks.has(key, entryId)).toBe(false);
    expect(await pending()).toBe(0);
  });

  it('a failed carried write (tried again by its caller) leaves the id handled here; a last try does not', async () => {
    const m = await marks();
    const broken = { ...open[0]!, call: () => Promise.reject(new Error('connection lost (test)')) } as RedisDriver;
    m.handled('retried');
    await expect(m.writeWithAcks(`${randomPrefix()}s:{s}`, 'g', ['retried', '1-0'], false, { via: broken, carried: true })).rejects.toThrow('connection lost');
    expect(await m.has('retried'), 'still counted as handled until the next try').toBe(true);
    await expect(m.writeWithAcks(`${randomPrefix()}s:{s}`, 'g', ['retried', '1-0'], false, { via: broken })).rejects.toThrow('connection lost');
    expect(await m.has('retried'), 'given up: no longer counted').toBe(false);
  });

  it('asks for the marks of the ids asked in one tick with one command', async () => {
    const m = await marks();
    await m.writeWithAcks(`${randomPrefix()}s:{s}`, 'g', ['seen-1', '1-0'], false);
    const driver = open[0]!;
    const [zmscore, zscore] = [await calls(driver, 'zmscore'), await calls(driver, 'zscore')];
    const answers = await Promise.all(['seen-1', 'new-1', 'new-2', 'seen-1'].map((id) => m.has(id)));
    expect(answers).toEqual([true, false, false, true]);
    expect((await calls(driver, 'zmscore')) - zmscore).toBe(1);
    expect((await calls(driver, 'zscore')) - zscore).toBe(0);
  });
});
