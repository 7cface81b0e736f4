/**
 * The reclaimer's housekeeping: entries trimmed away while pending are acked and counted (never
 * reclaimed forever), and dead consumers with nothing pending are removed from the group.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_KINDS, type Bus, type BusObserver } from '../src/index.js';
import { xinfoConsumers } from '../src/admin.js';
import { makeBus, randomPrefix, sleep, useRedis, waitUntil } from './helpers.js';

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
});
