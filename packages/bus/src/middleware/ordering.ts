/**
 * Per-key ordering: messages with the same key (e.g. a WhatsApp chat id) are handled one at a time,
 * in the order they were read, while other keys run in parallel. Added to the chain of
 * subscriptions with an `orderingKey`; without it, order holds only at concurrency 1.
 *
 * Limits: the order is per consumer (two instances of an agent split a stream between them), and a
 * message that fails is retried later, after the ones behind it.
 */
import type { Message } from '../envelope.js';
import type { MessageStep } from '../delivery.js';
import { errorMessage, UnrecoverableError } from '../errors.js';

const noop = (): void => undefined;

/** Run messages with the same `orderingKey` one after another; those without a key at once. */
export function perKeyOrder(orderingKey: (message: Message) => string | undefined): (next: MessageStep) => MessageStep {
  /** The last message queued per key; settles (never rejects) when it is done. */
  const tails = new Map<string, Promise<void>>();
  return (next) => (message, d) => {
    let key: string | undefined;
    try {
      key = orderingKey(message);
    } catch (err) {
      // It would say the same on every delivery: the message is dead-lettered like any other it cannot take.
      return Promise.reject(new UnrecoverableError(`orderingKey threw: ${errorMessage(err)}`, { cause: err }));
    }
    if (key === undefined) return next(message, d);
    const previous = tails.get(key);
    const run = previous ? previous.then(() => next(message, d)) : next(message, d);
    // The next message of this key waits for this one, however it ends.
    const tail = run.then(noop, noop);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
