/** The type filter: listed types go on to the handler; any other is settled as "skipped". */
import { describe, expect, it } from 'vitest';
import type { MessageStep } from '../../src/delivery.js';
import { onlyTypes } from '../../src/middleware/type-filter.js';
import { delivery, message } from './deliveries.js';

describe('type filter', () => {
  it('hands on the listed types and skips the others', async () => {
    const seen: string[] = [];
    const next: MessageStep = async (m) => (seen.push(m.type), 'acked');
    const step = onlyTypes(['a.one', 'a.two'])(next);
    const { d } = delivery([]);
    expect(await step(message('a.one'), d)).toBe('acked');
    expect(await step(message('a.two'), d)).toBe('acked');
    expect(await step(message('b.other'), d)).toBe('skipped');
    expect(seen).toEqual(['a.one', 'a.two']);
  });
});
