/** Follow-ups before the ack: what the handler returns is in the stream before the delivery settles as "acked". */
import { afterEach, describe, expect, it } from 'vitest';
import { xrange } from '../../src/commands.js';
import type { Handle } from '../../src/delivery.js';
import { createKeys } from '../../src/keys.js';
import { publishFollowUps } from '../../src/middleware/follow-ups.js';
import type { PublisherContext } from '../../src/outgoing.js';
import { DRIVER_KINDS, type RedisDriver } from '../../src/index.js';
import { randomPrefix, rawDriver, useRedis } from '../helpers.js';
import { delivery, message } from './deliveries.js';

const redis = useRedis();

describe.each(DRIVER_KINDS)('publish follow-ups on %s', (kind) => {
  const open: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  const publisher = async (): Promise<PublisherContext> => {
    const driver = await rawDriver(kind, redis());
    open.push(driver);
    return { driver, keys: createKeys(randomPrefix()), contracts: undefined, source: 'test', maxMessageBytes: 1 << 20, observers: [] };
  };

  it('publishes the follow-ups, then settles as acked', async () => {
    const p = await publisher();
    let inStreamWhenSettled = -1;
    const handle: Handle = async () => [
      { stream: 'out', type: 'o.one', data: { n: 1 } },
      { stream: 'out', type: 'o.two', data: { n: 2 } },
    ];
    const settled = await publishFollowUps(p)(handle)(message('in'), delivery([]).d).then(async (s) => {
      inStreamWhenSettled = (await xrange(p.driver, p.keys.stream('out'), '-', '+')).length;
      return s;
    });
    expect(settled).toBe('acked');
    expect(inStreamWhenSettled).toBe(2);
  });

  it('settles as acked with nothing to publish', async () => {
    const p = await publisher();
    expect(await publishFollowUps(p)(async () => [])(message('in'), delivery([]).d)).toBe('acked');
    expect(await p.driver.call(['EXISTS', p.keys.stream('out')])).toBe(0);
  });

  it('publishes nothing and leaves the entry pending when shutdown gave up on the handler', async () => {
    const p = await publisher();
    const t = delivery([]);
    const handle: Handle = async () => {
      t.close(); // shutdown timed out while the handler ran
      return [{ stream: 'out', type: 'o', data: {} }];
    };
    expect(await publishFollowUps(p)(handle)(message('in'), t.d)).toBe('pending');
    expect(await p.driver.call(['EXISTS', p.keys.stream('out')])).toBe(0);
  });

  it('fails the delivery when a follow-up cannot be published', async () => {
    const p = await publisher();
    const handle: Handle = async () => [{ stream: 'bad stream name', type: 'o', data: {} }];
    await expect(publishFollowUps(p)(handle)(message('in'), delivery([]).d)).rejects.toThrow(/stream name "bad stream name" is invalid/);
  });
});
