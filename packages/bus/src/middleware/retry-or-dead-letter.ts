/**
 * Retry or dead-letter: the outermost step, so that every failure below it, decoding included, is
 * caught here and nothing reaches the read loop.
 *
 * - An entry that will fail the same way on every delivery goes to the dead letters at once: one
 *   that does not decode or fails its contract (DecodeError), an UnrecoverableError, or a follow-up
 *   that cannot be published (SCHEMA_INVALID, UNKNOWN_TYPE, MESSAGE_TOO_LARGE).
 * - Any other failure (a throw, a handler timeout) leaves the entry pending with its idle time
 *   reset; the reclaimer claims it again once its backoff (from the delivery count) has passed.
 *   On its `maxDeliveries`-th delivery it is dead-lettered as MAX_DELIVERIES with the last error.
 * - When Redis cannot be told, the entry stays pending and comes back after `claimIdleMs`.
 *
 * The dead letter itself is written through the subscription's DeadLetterWriter (dead-letters.ts),
 * which decides where it goes and how it is stored; this step only decides whether.
 */
import type { DeadLetterWriter } from '../dead-letters.js';
import type { Delivery, EntryStep, Settled } from '../delivery.js';
import { DecodeError, errorMessage, HiveError, UnrecoverableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { notify, type BusObserver } from '../observer.js';

export interface RetryOrDeadLetterOptions {
  readonly stream: string;
  readonly group: string;
  readonly maxDeliveries: number;
  readonly deadLetters: DeadLetterWriter;
  readonly log: Logger;
  readonly observers: readonly BusObserver[];
}

/** Codes of a follow-up that retrying will not make publishable. */
const UNPUBLISHABLE = new Set<string>(['SCHEMA_INVALID', 'UNKNOWN_TYPE', 'MESSAGE_TOO_LARGE']);

/** True for failures that would repeat on every delivery. */
export function failsForGood(err: unknown): err is HiveError<string> {
  return err instanceof DecodeError || err instanceof UnrecoverableError || (err instanceof HiveError && UNPUBLISHABLE.has(err.code));
}

/** Turn a failed delivery into a retry, or into a dead letter when retrying cannot help. */
export function retryOrDeadLetter(o: RetryOrDeadLetterOptions): (next: EntryStep) => EntryStep {
  const deadLetter = async (d: Delivery, err: HiveError<string>, deliveryCount: number): Promise<Settled> => {
    const id = await o.deadLetters.write(d, err, deliveryCount);
    // null: the group no longer had it pending (another consumer settled it first).
    if (id === null) return 'pending';
    o.log.warn({ entryId: d.entry.id, reason: err.code, error: err.message, deadLetterId: id }, 'dead-lettered');
    notify(o.observers, 'deadLettered', { stream: o.stream, group: o.group, reason: err.code });
    return 'dead_lettered';
  };

  const fail = async (d: Delivery, err: unknown): Promise<Settled> => {
    if (failsForGood(err)) {
      if (!(err instanceof DecodeError)) d.log.error({ err: errorMessage(err), code: err.code }, 'handler failed for good; dead-lettering');
      return deadLetter(d, err, await d.count());
    }
    const count = await d.count();
    if (count >= o.maxDeliveries) {
      d.log.error({ err: errorMessage(err), deliveryCount: count }, 'handler failed on its last delivery; dead-lettering');
      return deadLetter(d, new HiveError('MAX_DELIVERIES', `failed ${count} times; last error: ${errorMessage(err)}`), count);
    }
    d.log.warn({ err: errorMessage(err), deliveryCount: count }, 'handler failed; will retry');
    await d.release();
    return 'retried';
  };

  return (next) => async (d) => {
    try {
      return await next(d);
    } catch (err) {
      // Shutdown gave up on it: its entry stays pending for another consumer, untouched.
      if (d.abandoned) return 'pending';
      try {
        return await fail(d, err);
      } catch (e) {
        d.log.warn({ err: errorMessage(e) }, 'could not record the failure; the entry stays pending');
        return 'pending';
      }
    }
  };
}
