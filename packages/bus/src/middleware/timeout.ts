/**
 * The handler timeout: a handler that runs past `handlerTimeoutMs` fails with a HandlerTimeoutError,
 * retried with backoff like any handler that threw (and dead-lettered after `maxDeliveries`), and
 * its `signal` is aborted with that error. A handler that ignores its signal runs on in the
 * background, but whatever it returns is discarded. Without a timeout, a hung handler would hold
 * its slot, and its lease would be renewed until shutdown.
 */
import type { Delivery, Handle } from '../delivery.js';
import type { Message } from '../envelope.js';
import { HandlerTimeoutError } from '../errors.js';

/** A handler call under way, and what happens when its time is up (a class: one is made per message). */
class Running {
  constructor(
    readonly deadline: number,
    private readonly timeoutMs: number,
    private readonly message: Message,
    private readonly d: Delivery,
    private readonly reject: (err: unknown) => void,
  ) {}

  expire(): void {
    const err = new HandlerTimeoutError(this.timeoutMs, { entryId: this.d.entry.id, type: this.message.type });
    this.d.abort(err);
    this.reject(err);
  }
}

/**
 * Fail the handler call after `timeoutMs`, aborting its signal. One timer per subscription, not one
 * per message: every call has the same `timeoutMs`, so the calls under way are in deadline order,
 * and only the oldest one's deadline needs a timer (a timer per message was about 3% of the
 * consumer's CPU at concurrency 64).
 */
export function handlerTimeout(timeoutMs: number): (next: Handle) => Handle {
  const running = new Set<Running>();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const oldest = running.values().next().value;
    if (timer || !oldest) return;
    timer = setTimeout(sweep, Math.max(0, oldest.deadline - performance.now()));
    // A pending handler must not keep a process alive that is otherwise done.
    timer.unref();
  };
  const sweep = () => {
    timer = undefined;
    const now = performance.now();
    for (const r of running) {
      if (r.deadline > now) break;
      running.delete(r);
      r.expire();
    }
    arm();
  };
  return (next) => (message, d) =>
    new Promise((resolve, reject) => {
      const call = new Running(performance.now() + timeoutMs, timeoutMs, message, d, reject);
      running.add(call);
      arm();
      next(message, d).then(
        (out) => {
          running.delete(call);
          resolve(out);
        },
        (err: unknown) => {
          running.delete(call);
          reject(err);
        },
      );
    });
}
