/**
 * The handler timeout: a handler that runs past `handlerTimeoutMs` fails with a HandlerTimeoutError,
 * retried with backoff like any handler that threw (and dead-lettered after `maxDeliveries`), and
 * its `signal` is aborted with that error. A handler that ignores its signal runs on in the
 * background, but whatever it returns is discarded. Without a timeout, a hung handler would hold
 * its slot, and its lease would be renewed until shutdown.
 */
import type { Handle } from '../delivery.js';
import { HandlerTimeoutError } from '../errors.js';

/** Fail the handler call after `timeoutMs`, aborting its signal. */
export function handlerTimeout(timeoutMs: number): (next: Handle) => Handle {
  return (next) => (message, d) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = new HandlerTimeoutError(timeoutMs, { entryId: d.entry.id, type: message.type });
        d.abort(err);
        reject(err);
      }, timeoutMs);
      // A pending handler must not keep a process alive that is otherwise done.
      timer.unref();
      next(message, d).then(
        (out) => {
          clearTimeout(timer);
          resolve(out);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
}
