/**
 * Only the messages a subscription handles: any other (known, valid) type, or a message its
 * `accept` refuses, is acked and counted as "skipped", without running the handler, and before the
 * steps that cost a round trip (idempotency). Added to the chain of subscriptions that list
 * `types` or give `accept`.
 */
import type { MessageStep, Settled } from '../delivery.js';
import type { Message } from '../envelope.js';

const SKIPPED: Promise<Settled> = Promise.resolve('skipped');

/** Hand on messages of these types; settle every other one as "skipped". */
export function onlyTypes(types: readonly string[]): (next: MessageStep) => MessageStep {
  const handled = new Set(types);
  return (next) => (message, d) => (handled.has(message.type) ? next(message, d) : SKIPPED);
}

/** Hand on the messages `accept` accepts; settle every other one as "skipped". */
export function onlyAccepted(accept: (message: Message) => boolean): (next: MessageStep) => MessageStep {
  return (next) => (message, d) => (accept(message) ? next(message, d) : SKIPPED);
}
