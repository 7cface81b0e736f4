/**
 * Follow-ups before the ack: what a handler returns is published first, and only then does the
 * delivery settle as "acked". A crash in between redelivers the input; it never loses the output.
 * A handler that finishes after shutdown gave up on it publishes nothing: its entry stays pending
 * for another consumer.
 */
import type { Handle, MessageStep } from '../delivery.js';
import type { PublisherContext } from '../outgoing.js';
import { publishMany } from '../publisher.js';

/** Publish the handler's follow-ups, then settle as "acked". */
export function publishFollowUps(publisher: PublisherContext): (next: Handle) => MessageStep {
  return (next) => async (message, d) => {
    const out = await next(message, d);
    if (d.abandoned) return 'pending';
    if (out.length > 0) await publishMany(publisher, out);
    return 'acked';
  };
}
