/** Idempotency as a step, on a real Redis: a handled id is skipped; a new one is marked only once it is acked. */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageStep, Settled } from '../../src/delivery.js';
import { HandledMarks, skipHandled } from '../../src/middleware/idempotency.js';
import { DRIVER_KINDS, type RedisDriver } from '../../src/index.js';
import { randomPrefix, rawDriver, useRedis } from '../helpers.js';
import { delivery, message } from './deliveries.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('skip handled on %s', (kind) => {
  const open: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  const marks = async () => {
    const driver = await rawDriver(kind, redis());
    open.push(driver);
    return new HandledMarks(driver, `${randomPrefix()}seen:s:g`, 60_000);
  };

  it('runs a new message, marks it, and skips it as a duplicate the second time', async () => {
    const m = await marks();
    let runs = 0;
    const step = skipHandled(m)(async () => (runs++, 'acked'));
    expect(await step(message('t', {}, { id: 'm1' }), delivery([]).d)).toBe('acked');
    expect(await m.has('m1')).toBe(true);
    expect(await step(message('t', {}, { id: 'm1' }), delivery([]).d)).toBe('duplicate');
    expect(runs).toBe(1);
  });

  it.each<Settled>(['retried', 'dead_lettered', 'pending', 'skipped'])('does not mark a message that settled as %s', async (outcome) => {
    const m = await marks();
    const step = skipHandled(m)(async () => outcome);
    expect(await step(message('t', {}, { id: 'm2' }), delivery([]).d)).toBe(outcome);
    expect(await m.has('m2')).toBe(false);
  });

  it('does not mark a message whose handling failed', async () => {
    const m = await marks();
    const step = skipHandled(m)(async () => {
      throw new Error('boom');
    });
    await expect(step(message('t', {}, { id: 'm3' }), delivery([]).d)).rejects.toThrow('boom');
    expect(await m.has('m3')).toBe(false);
  });

  it('when the mark cannot be written, leaves the entry pending for a retry instead of acking it', async () => {
    const m = await marks();
    const t = delivery([], { entryId: '7-0' });
    // The handler's work breaks the marks key (a string where a sorted set belongs): the mark fails with WRONGTYPE.
    const next: MessageStep = async () => {
      await (open[0] as RedisDriver).call(['SET', m.key, 'not a sorted set']);
      return 'acked';
    };
    expect(await skipHandled(m)(next)(message('t', {}, { id: 'm4' }), t.d)).toBe('pending');
    expect(t.calls.released).toEqual(['7-0']);
    expect(t.lines.some((l) => l.level === 'warn' && /could not mark the message handled/.test(l.msg ?? ''))).toBe(true);
  });
});
