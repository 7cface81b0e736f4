/**
 * Correlation: the follow-ups a handler returns belong to the conversation of the message that
 * caused them. Each inherits the input's `corr` and `traceparent` and names the input as its
 * `cause`, unless the handler set them itself.
 */
import type { Handle } from '../delivery.js';

/** Fill in `corr`, `cause` and `traceparent` of every follow-up from the message being handled. */
export function correlation(next: Handle): Handle {
  return async (message, d) => {
    const out = await next(message, d);
    if (out.length === 0) return out;
    return out.map((o) => ({ ...o, corr: o.corr ?? message.corr, cause: o.cause ?? message.id, traceparent: o.traceparent ?? message.traceparent }));
  };
}
