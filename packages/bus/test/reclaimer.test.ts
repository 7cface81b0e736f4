/**
 * The reclaimer's housekeeping: entries trimmed away while pending are acked and counted (never
 * reclaimed forever), and dead consumers with nothing pending are removed from the group. And its
 * race with the batched acks (found by the chaos run's suspect list): an entry whose handler has
 * finished but whose XACK is not yet sent is neither a due retry nor trimmed when the ack lands
 * between the reclaimer's XPENDING and XCLAIM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBus, DRIVER_KINDS, type Bus, type BusObserver, type RedisDriver } from '../src/index.js';
import { xinfoConsumers } from '../src/admin.js';
import { Reclaimer } from '../src/reclaimer.js';
import { retryPolicy } from '../src/retries.js';
import { makeBus, memoryLogger, randomPrefix, rawDriver, sleep, useRedis, waitUntil } from './helpers.js';

/** The driver, with `before` run ahead of each call or pipeline it matches. */
function intercepted(d: RedisDriver, before: { call?: (args: readonly unknown[]) => Promise<void>; pipeline?: (cmds: readonly (readonly unknown[])[]) => Promise<void> }): RedisDriver {
  return new Proxy(d, {
    get(target, prop) {
      if (prop === 'call' && before.call) return async (args: readonly unknown[]) => (await before.call!(args), target.call(args as never));
      if (prop === 'pipeline' && before.pipeline) return async (cmds: readonly (readonly unknown[])[]) => (await before.pipeline!(cmds), target.pipeline(cmds as never));
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const redis = useRedis();

describe.each(DRIVER_KINDS)('reclaimer on %s', (kind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('acks and counts pending entries that were trimmed away, and handles the rest', async () => {
    let trimmed = 0;
    const observer: BusObserver = { trimmedWhilePending: (e) => (trimmed += e.count) };
    const b = await makeBus(kind, redis(), randomPrefix(), { observers: [observer] });
    open.push(b);
    const key = b.keys.stream('t');
    await b.driver.call(['XGROUP', 'CREATE', key, 'g', '0', 'MKSTREAM']);
    await b.publishBatch(Array.from({ length: 10 }, (_, i) => ({ stream: 't', type: 'demo.n', data: { i } })));
    // A consumer that died holding all ten; then retention trims six of them away.
    await b.driver.call(['XREADGROUP', 'GROUP', 'g', 'dead', 'COUNT', 10, 'STREAMS', key, '>']);
    await b.driver.call(['XTRIM', key, 'MAXLEN', 4]);
    await sleep(250);
    const got: number[] = [];
    const sub = b.subscribe<{ i: number }>({ stream: 't', group: 'g', consumer: 'live', claimIdleMs: 200, concurrency: 10, handler: (m) => void got.push(m.data.i) });
    await sub.ready;
    await waitUntil(() => got.length === 4, 5_000, 'the 4 surviving entries');
    await waitUntil(async () => ((await b.driver.call(['XPENDING', key, 'g'])) as unknown[])[0] === 0, 5_000, 'PEL empty');
    expect(got.sort((a, b) => a - b)).toEqual([6, 7, 8, 9]);
    expect(trimmed).toBe(6);
    await sleep(500); // several more reclaim passes: nothing comes back
    expect(got.length).toBe(4);
  });

  it('removes dead consumers that have nothing pending', async () => {
    const b = await makeBus(kind, redis(), randomPrefix());
    open.push(b);
    const key = b.keys.stream('d');
    await b.driver.call(['XGROUP', 'CREATE', key, 'g', '$', 'MKSTREAM']);
    await b.driver.call(['XGROUP', 'CREATECONSUMER', key, 'g', 'ghost']);
    await b.publish('d', 'demo.n', {});
    await b.driver.call(['XREADGROUP', 'GROUP', 'g', 'holder', 'STREAMS', key, '>']);
    await sleep(300);
    const sub = b.subscribe({ stream: 'd', group: 'g', consumer: 'live', claimIdleMs: 60_000, deadConsumerMs: 200, handler: () => undefined });
    await sub.ready;
    await waitUntil(async () => !(await xinfoConsumers(b.driver, key, 'g')).some((c) => c.name === 'ghost'), 5_000, 'ghost removed');
    const names = (await xinfoConsumers(b.driver, key, 'g')).map((c) => c.name).sort();
    // "holder" still has a pending entry, so it stays until that entry is reclaimed or acked.
    expect(names).toEqual(['holder', 'live']);
  });

  it('does not count an entry acked between its XPENDING and its XCLAIM as trimmed', async () => {
    const d = await rawDriver(kind, redis());
    const key = `${randomPrefix()}s:race`;
    await d.call(['XGROUP', 'CREATE', key, 'g', '0', 'MKSTREAM']);
    const id = String(await d.call(['XADD', key, '*', 'type', 'demo.n']));
    await d.call(['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', key, '>']);
    await sleep(150); // idle past the retry delay: XPENDING lists it as due
    let trimmed = 0;
    // The consumer's batched XACK lands just before the reclaimer's XCLAIM.
    const racing = intercepted(d, { call: async (args) => void (args[0] === 'XCLAIM' && (await d.call(['XACK', key, 'g', id]))) });
    const reclaimer = new Reclaimer({
      driver: racing,
      key,
      stream: 'race',
      group: 'g',
      consumer: 'c',
      claimIdleMs: 60_000,
      retry: retryPolicy({ baseMs: 50, jitter: 0 }),
      deadConsumerMs: 60_000,
      log: memoryLogger(),
      observers: [{ trimmedWhilePending: (e) => (trimmed += e.count) }],
      isInFlight: () => false,
    });
    expect(await reclaimer.claimDueRetries(10)).toEqual([]);
    expect(trimmed).toBe(0);
    // An entry really trimmed away while pending still counts.
    const gone = String(await d.call(['XADD', key, '*', 'type', 'demo.n']));
    await d.call(['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', key, '>']);
    await d.call(['XDEL', key, gone]);
    await sleep(150);
    const plain = new Reclaimer({ ...reclaimer.options, driver: d });
    expect(await plain.claimDueRetries(10)).toEqual([]);
    expect(trimmed).toBe(1);
    expect(((await d.call(['XPENDING', key, 'g'])) as unknown[])[0]).toBe(0);
    await d.close();
  });

  it('does not hand out again an entry whose handler finished while its batched ack is on the way', async () => {
    const server = redis();
    const d = await rawDriver(kind, server);
    // Acks take their time to reach Redis (a loaded machine, a slow link).
    const slowAcks = intercepted(d, { pipeline: async (cmds) => void (cmds.some((c) => c[0] === 'XACK') && (await sleep(600))) });
    let trimmed = 0;
    const outcomes: string[] = [];
    const b = await createBus({ redis: slowAcks, prefix: randomPrefix(), source: 'test', logger: memoryLogger(), observers: [{ trimmedWhilePending: (e) => (trimmed += e.count), handled: (e) => void outcomes.push(e.outcome) }] });
    open.push(b);
    let calls = 0;
    // The handler takes longer than the first retry delay: by the time it settles, XPENDING shows it idle enough.
    const sub = b.subscribe({ stream: 'slow', group: 'g', consumer: 'c', startAt: 'all', retry: { baseMs: 50, jitter: 0 }, handler: async () => void (calls++, await sleep(200)) });
    await sub.ready;
    await b.publish('slow', 'demo.n', {});
    await waitUntil(() => outcomes.length > 0, 10_000, 'handled');
    await waitUntil(async () => ((await d.call(['XPENDING', b.keys.stream('slow'), 'g'])) as unknown[])[0] === 0, 10_000, 'acked');
    await sleep(300); // further retry passes: nothing comes back
    expect(calls).toBe(1);
    expect(outcomes).toEqual(['acked']);
    expect(trimmed).toBe(0);
    await b.close();
    open.splice(open.indexOf(b), 1);
    await d.close();
  });
});

