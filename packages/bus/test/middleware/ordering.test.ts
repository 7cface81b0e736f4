/** Per-key ordering as a step: one message per key at a time, in the order they came; other keys in parallel. */
import { describe, expect, it } from 'vitest';
import type { MessageStep } from '../../src/delivery.js';
import { UnrecoverableError } from '../../src/errors.js';
import { perKeyOrder } from '../../src/middleware/ordering.js';
import { delivery, message } from './deliveries.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('per-key order', () => {
  it('runs messages of one key one after another, in order, even when the first is the slowest', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const next: MessageStep = async (m) => {
      const { key, n, ms } = m.data as { key: string; n: number; ms: number };
      running++;
      most = Math.max(most, running);
      log.push(`start ${key}${n}`);
      await sleep(ms);
      log.push(`end ${key}${n}`);
      running--;
      return 'acked';
    };
    const step = perKeyOrder((m) => (m.data as { key: string }).key)(next);
    const { d } = delivery([]);
    await Promise.all([
      step(message('t', { key: 'a', n: 1, ms: 60 }), d),
      step(message('t', { key: 'a', n: 2, ms: 1 }), d),
      step(message('t', { key: 'b', n: 1, ms: 5 }), d),
      step(message('t', { key: 'a', n: 3, ms: 1 }), d),
    ]);
    const a = log.filter((l) => l.endsWith('a1') || l.endsWith('a2') || l.endsWith('a3'));
    expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    // b did not wait for a.
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
    expect(most).toBe(2);
  });

  it('goes on with the next message of a key after one fails, and hands the failure back', async () => {
    const ran: number[] = [];
    const next: MessageStep = async (m) => {
      const n = (m.data as { n: number }).n;
      ran.push(n);
      if (n === 1) throw new Error('boom');
      return 'acked';
    };
    const step = perKeyOrder(() => 'k')(next);
    const { d } = delivery([]);
    const [first, second] = await Promise.allSettled([step(message('t', { n: 1 }), d), step(message('t', { n: 2 }), d)]);
    expect(first).toMatchObject({ status: 'rejected', reason: { message: 'boom' } });
    expect(second).toEqual({ status: 'fulfilled', value: 'acked' });
    expect(ran).toEqual([1, 2]);
  });

  it('runs a message without a key at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const next: MessageStep = async (m) => {
      if ((m.data as { wait?: boolean }).wait) await gate;
      return 'acked';
    };
    const step = perKeyOrder((m) => (m.data as { key?: string }).key)(next);
    const { d } = delivery([]);
    const blocked = step(message('t', { key: 'k', wait: true }), d);
    await expect(step(message('t', {}), d)).resolves.toBe('acked');
    release();
    await blocked;
  });

  it('fails a message whose orderingKey throws with an UnrecoverableError (dead-lettered, not retried)', async () => {
    const step = perKeyOrder(() => {
      throw new Error('no chat id');
    })(async () => 'acked');
    const err = await step(message('t'), delivery([]).d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe('orderingKey threw: no chat id');
  });
});
