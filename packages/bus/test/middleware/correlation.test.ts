/** Correlation: follow-ups inherit the input's corr and traceparent and name it as their cause. */
import { describe, expect, it } from 'vitest';
import type { Handle } from '../../src/delivery.js';
import { correlation } from '../../src/middleware/correlation.js';
import { delivery, message } from './deliveries.js';

describe('correlation', () => {
  const input = message('in.msg', {}, { id: 'm-in', corr: 'conv-7', traceparent: '00-abc-def-01' });

  it('fills corr, cause and traceparent of every follow-up from the message handled', async () => {
    const handle: Handle = async () => [
      { stream: 'out', type: 'o.one', data: 1 },
      { stream: 'out', type: 'o.two', data: 2 },
    ];
    const out = await correlation(handle)(input, delivery([]).d);
    expect(out).toEqual([
      { stream: 'out', type: 'o.one', data: 1, corr: 'conv-7', cause: 'm-in', traceparent: '00-abc-def-01' },
      { stream: 'out', type: 'o.two', data: 2, corr: 'conv-7', cause: 'm-in', traceparent: '00-abc-def-01' },
    ]);
  });

  it('keeps what the handler set itself', async () => {
    const handle: Handle = async () => [{ stream: 'out', type: 'o', data: 0, corr: 'new-conv', cause: 'other', traceparent: '00-x-y-01' }];
    const [o] = await correlation(handle)(input, delivery([]).d);
    expect(o).toMatchObject({ corr: 'new-conv', cause: 'other', traceparent: '00-x-y-01' });
  });

  it('passes no follow-ups through as none', async () => {
    expect(await correlation(async () => [])(input, delivery([]).d)).toEqual([]);
  });
});
