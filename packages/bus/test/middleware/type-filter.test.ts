/** The type filter: listed types (and what `accept` accepts) go on to the handler; any other is settled as "skipped". */
import { describe, expect, it } from 'vitest';
import type { MessageStep } from '../../src/delivery.js';
import { onlyAccepted, onlyTypes } from '../../src/middleware/type-filter.js';
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

  it('hands on what accept accepts and skips the rest without calling the next step', async () => {
    const seen: unknown[] = [];
    const next: MessageStep = async (m) => (seen.push(m.data), 'acked');
    const step = onlyAccepted((m) => (m.data as { intent?: string } | null)?.intent === 'expense')(next);
    const { d } = delivery([]);
    expect(await step({ ...message('intent.classified'), data: { intent: 'expense' } }, d)).toBe('acked');
    expect(await step({ ...message('intent.classified'), data: { intent: 'note' } }, d)).toBe('skipped');
    expect(await step({ ...message('intent.classified'), data: null }, d)).toBe('skipped');
    expect(seen).toEqual([{ intent: 'expense' }]);
  });
});
