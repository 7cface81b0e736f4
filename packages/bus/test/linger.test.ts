/**
 * Conformance: a lingering subscription (`lingerMs`) holds a read's entries, pending on its consumer,
 * before handling them; reads nothing more meanwhile; handles what arrived meanwhile after; and a
 * stop() ends the wait and handles what it held, so nothing read is left behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DRIVER_KINDS, type Bus } from '../src/index.js';
import { makeBus, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('lingering subscriptions on %s', (kind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const bus = async () => {
    const b = await makeBus(kind, redis(), randomPrefix());
    open.push(b);
    return b;
  };
  const pendingOn = async (b: Bus, stream: string, group: string) => Number(((await b.driver.call(['XPENDING', b.keys.stream(stream), group])) as unknown[])[0]);

  it('holds what it read, pending and unhandled, reads nothing more meanwhile, and stop() handles what it held', async () => {
    const b = await bus();
    const handled: string[] = [];
    // A linger no test run reaches: what happens before it ends is the lingering itself.
    const sub = b.subscribe({ stream: 'q', group: 'g', consumer: 'a', concurrency: 8, lingerMs: 30_000, claimIdleMs: 120_000, handler: (m) => void handled.push(m.id) });
    await sub.ready;
    const first = (await b.publish('q', 'demo.n', { n: 1 })).id;
    await waitUntil(async () => (await pendingOn(b, 'q', 'g')) === 1, 10_000, 'the first entry read');
    expect(handled).toEqual([]);
    const later = [(await b.publish('q', 'demo.n', { n: 2 })).id, (await b.publish('q', 'demo.n', { n: 3 })).id];
    // The loop lingers: neither is read (a read would make them pending on "a").
    expect(await pendingOn(b, 'q', 'g')).toBe(1);
    expect(handled).toEqual([]);

    await sub.stop();
    expect(handled).toEqual([first]);
    expect(await pendingOn(b, 'q', 'g')).toBe(0);

    // Never read by "a", the later two go to the next consumer at once (not after claimIdleMs).
    const next: string[] = [];
    const other = b.subscribe({ stream: 'q', group: 'g', consumer: 'b', handler: (m) => void next.push(m.id) });
    await waitUntil(() => next.length === 2, 10_000, 'the later two handled by the next consumer');
    expect(next).toEqual(later);
    expect(handled).toEqual([first]);
    await other.stop();
  }, 30_000);

  it('handles what arrived while it lingered, after its own linger: every entry once', async () => {
    const b = await bus();
    const handled: string[] = [];
    const sub = b.subscribe({ stream: 'q', group: 'g', consumer: 'a', concurrency: 8, lingerMs: 200, handler: (m) => void handled.push(m.id) });
    await sub.ready;
    const sent = [(await b.publish('q', 'demo.n', { n: 0 })).id];
    await waitUntil(async () => (await pendingOn(b, 'q', 'g')) === 1, 10_000, 'the first entry read');
    for (let n = 1; n <= 5; n++) sent.push((await b.publish('q', 'demo.n', { n })).id);
    await waitUntil(() => handled.length === sent.length, 10_000, 'all six handled');
    await waitUntil(async () => (await pendingOn(b, 'q', 'g')) === 0, 10_000, 'all six acked');
    expect(handled[0]).toBe(sent[0]);
    expect([...handled].sort()).toEqual([...sent].sort());
    await sub.stop();
    expect(handled).toHaveLength(sent.length);
  }, 30_000);

  it('refuses a linger that is negative, fractional or longer than a quarter of claimIdleMs, naming it', async () => {
    const b = await bus();
    const handler = () => undefined;
    for (const lingerMs of [-1, 1.5, 7_501]) {
      expect(() => b.subscribe({ stream: 'q', group: 'g', lingerMs, claimIdleMs: 30_000, handler })).toThrow(ConfigError);
    }
    expect(() => b.subscribe({ stream: 'q', group: 'g', lingerMs: 7_501, claimIdleMs: 30_000, handler })).toThrow(/lingerMs .* \(7500\), got 7501/);
  });
});
