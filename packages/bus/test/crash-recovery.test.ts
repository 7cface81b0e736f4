/**
 * Conformance: a consumer killed with SIGKILL mid-batch loses nothing (its pending entries are
 * reclaimed by a live consumer after claimIdleMs), and a handler running longer than claimIdleMs
 * keeps its lease, so it is never reclaimed from under it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_KINDS, type Bus } from '../src/index.js';
import { killMidBatch, startConsumerChild, type Child } from './child.js';
import { makeBus, randomPrefix, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('crash recovery on %s', (kind) => {
  const open: Bus[] = [];
  const children: Child[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('a consumer killed with SIGKILL mid-batch: a live one reclaims its entries; all handled', async () => {
    const prefix = randomPrefix();
    const b = await makeBus(kind, redis(), prefix);
    open.push(b);
    const claimIdleMs = 1_000;
    const child = startConsumerChild({
      REDIS_URL: redis().url, DRIVER: kind, PREFIX: prefix, STREAM: 'jobs', GROUP: 'g', CONSUMER: 'doomed',
      CONCURRENCY: '8', HANDLER_MS: '300', CLAIM_IDLE_MS: String(claimIdleMs),
    });
    children.push(child);
    await child.waitFor((l) => l === 'ready', 20_000, 'child ready');
    const sent = (await b.publishBatch(Array.from({ length: 200 }, (_, i) => ({ stream: 'jobs', type: 'demo.n', data: { i } })))).map((r) => r.id);
    // Kill it while a batch is in its handlers: some started, not all done.
    const { started, finished } = await killMidBatch(child);
    expect(started).toBeGreaterThan(finished); // it really died mid-batch

    const handledHere: string[] = [];
    const survivor = b.subscribe({
      stream: 'jobs',
      group: 'g',
      consumer: 'survivor',
      concurrency: 16,
      claimIdleMs,
      handler: async (m) => {
        handledHere.push(m.id);
        await b.driver.call(['SADD', `${prefix}handled:g`, m.id]);
      },
    });
    await survivor.ready;
    const handledKey = `${prefix}handled:g`;
    await waitUntil(async () => Number(await b.driver.call(['SCARD', handledKey])) === 200, 30_000, 'all 200 handled');
    const handled = new Set(((await b.driver.call(['SMEMBERS', handledKey])) as string[]).map(String));
    console.log(`[${kind}] child started ${started}, finished ${finished} before SIGKILL; survivor handled ${handledHere.length}; union ${handled.size}/200`);
    expect(handled).toEqual(new Set(sent));
    await waitUntil(async () => ((await b.driver.call(['XPENDING', b.keys.stream('jobs'), 'g'])) as unknown[])[0] === 0, 10_000, 'nothing pending');
  }, 60_000);

  it('a handler lasting 3x claimIdleMs beside a reclaiming consumer is handled once', async () => {
    const b = await makeBus(kind, redis(), randomPrefix());
    open.push(b);
    const claimIdleMs = 400;
    const calls: string[] = [];
    const slow = b.subscribe({
      stream: 'long',
      group: 'g',
      consumer: 'slow',
      claimIdleMs,
      handler: async () => {
        calls.push('slow');
        await new Promise((r) => setTimeout(r, claimIdleMs * 3));
      },
    });
    await slow.ready;
    await b.publish('long', 'demo.n', {});
    await waitUntil(() => calls.length === 1, 5_000, 'slow handler started');
    // The reclaimer joins while the slow handler runs; it checks for idle entries every claimIdleMs/2.
    const other = b.subscribe({ stream: 'long', group: 'g', consumer: 'reclaimer', claimIdleMs, handler: () => void calls.push('reclaimer') });
    await other.ready;
    await waitUntil(async () => ((await b.driver.call(['XPENDING', b.keys.stream('long'), 'g'])) as unknown[])[0] === 0, 10_000, 'acked');
    await new Promise((r) => setTimeout(r, claimIdleMs * 2));
    expect(calls).toEqual(['slow']);
  });
});
