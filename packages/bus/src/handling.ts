/**
 * What happens to one delivered entry: a straight line of steps, one file each in middleware/,
 * composed here once per subscription (Watermill's router is the model). In order:
 *
 *   retry or dead-letter   a failure anywhere below becomes a retry, or a dead letter
 *   decode and check       raw fields become a message checked against its stream's contract
 *   type filter            (with `types`) any other type is skipped; (with `accept`) so is what it refuses
 *   per-key order          (with `orderingKey`) one message per key at a time, in stream order
 *   idempotency            (with `idempotent`) a handled id is skipped; a new one is marked with its ack
 *                          (with `idempotent.check: false`, marked only: not asked for first; nor is
 *                          a first delivery whose id its publisher vouched for)
 *   publish follow-ups     what the handler returned is published before the ack
 *   correlation            follow-ups inherit `corr` and `traceparent` and name the input as `cause`
 *   shared slots           (a shard of a partitioned stream) one concurrency limit across its shards
 *   timeout                (unless `handlerTimeoutMs: false`) a handler past its time fails
 *   the handler
 *
 * A step only some subscriptions need is in their chain only. The consumer (consumer.ts) reads
 * the entries, walks each down this line, and acks what settles as acked, skipped or duplicate.
 */
import { deadLetterWriter } from './dead-letters.js';
import { callHandler, type EntryStep, type Handle, type MessageStep } from './delivery.js';
import { correlation } from './middleware/correlation.js';
import { decode } from './middleware/decode.js';
import { publishFollowUps } from './middleware/follow-ups.js';
import { HandledMarks, markHandled, skipHandled } from './middleware/idempotency.js';
import { perKeyOrder } from './middleware/ordering.js';
import { retryOrDeadLetter } from './middleware/retry-or-dead-letter.js';
import { sharedSlots } from './middleware/shared-slots.js';
import { handlerTimeout } from './middleware/timeout.js';
import { onlyAccepted, onlyTypes } from './middleware/type-filter.js';
import type { Message } from './envelope.js';
import type { Logger } from './logger.js';
import type { Handler, SubscribeOptions, SubscriptionContext, SubscriptionSettings } from './subscribe-options.js';

/** The handled marks of an idempotent subscription (undefined for `idempotent: false`). */
export function handledMarks(ctx: SubscriptionContext, opts: SubscribeOptions, settings: SubscriptionSettings): HandledMarks | undefined {
  return settings.idempotencyTtlMs === false ? undefined : new HandledMarks(ctx.driver, ctx.keys.seen(opts.stream, opts.group), settings.idempotencyTtlMs);
}

/** The chain of one subscription, from the raw entry to its handler (built from the inside out). */
export function buildHandling(ctx: SubscriptionContext, opts: SubscribeOptions, settings: SubscriptionSettings, log: Logger, marks: HandledMarks | undefined): EntryStep {
  const { stream, group } = opts;
  let handle: Handle = callHandler(opts.handler as Handler);
  if (settings.handlerTimeoutMs !== false) handle = handlerTimeout(settings.handlerTimeoutMs)(handle);
  if (ctx.sharedSlots) handle = sharedSlots(ctx.sharedSlots)(handle);
  handle = correlation(handle);

  let step: MessageStep = publishFollowUps(ctx.publisher)(handle);
  if (marks) step = (settings.idempotencyCheck ? skipHandled(marks) : markHandled(marks))(step);
  if (opts.orderingKey) step = perKeyOrder(opts.orderingKey)(step);
  if (opts.accept) step = onlyAccepted(opts.accept as (message: Message) => boolean)(step);
  if (opts.types) step = onlyTypes(opts.types)(step);

  const deadLetters = deadLetterWriter({ driver: ctx.driver, keys: ctx.keys, stream, group, consumer: settings.consumer, maxLen: opts.deadLetterMaxLen });
  return retryOrDeadLetter({ stream, group, maxDeliveries: settings.maxDeliveries, deadLetters, log, observers: ctx.observers })(
    decode({ stream, contracts: ctx.contracts, maxMessageBytes: ctx.maxMessageBytes })(step),
  );
}
