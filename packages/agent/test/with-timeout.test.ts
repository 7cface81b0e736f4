import { describe, expect, it } from 'vitest';
import { withTimeout } from '../src/with-timeout.js';

class Late extends Error {}

describe('withTimeout', () => {
  it('resolves with the promise when it answers first', async () => {
    await expect(withTimeout(Promise.resolve(42), 60_000, 'the answer')).resolves.toBe(42);
  });
  it('rejects saying what did not answer, when given a name', async () => {
    await expect(withTimeout(new Promise(() => {}), 1, 'Redis')).rejects.toThrow('Redis did not answer within 1 ms');
  });
  it('rejects with the caller\'s own error, when given one', async () => {
    await expect(withTimeout(new Promise(() => {}), 1, () => new Late('too late'))).rejects.toBeInstanceOf(Late);
  });
});
