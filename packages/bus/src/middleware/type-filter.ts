/**
 * Only the types a subscription handles: any other (known, valid) type is acked and counted as
 * "skipped", without running the handler. Added to the chain of subscriptions that list `types`.
 */
import type { MessageStep, Settled } from '../delivery.js';

const SKIPPED: Promise<Settled> = Promise.resolve('skipped');

/** Hand on messages of these types; settle every other one as "skipped". */
export function onlyTypes(types: readonly string[]): (next: MessageStep) => MessageStep {
  const handled = new Set(types);
  return (next) => (message, d) => (handled.has(message.type) ? next(message, d) : SKIPPED);
}
