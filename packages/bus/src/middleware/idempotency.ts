/**
 * Consume-side idempotency (`subscribe({ idempotent })`): a message id is handled once per group,
 * even when it is delivered twice: the same entry redelivered after a crash, or a second entry with
 * the same id. Added to the chain of idempotent subscriptions only.
 *
 * Before the handler runs, the group's handled-marks (`keys.seen(stream, group)`, a sorted set
 * scored by expiry) are asked; a marked id settles as "duplicate" (acked, handler not run). After
 * the handler succeeds and its follow-ups are published, the id is marked, and only then acked.
 * Mark first, ack second, is the order that makes a crash between the two safe: the entry comes
 * back, finds its mark, and is acked without running the handler again. (Marking and acking in one
 * script would leave no mark for that crash to find.) Marks live `ttlMs`.
 * What no bus can promise: a crash inside the handler, after its side effect and before it
 * returns, runs the handler again; handlers with external side effects keep those idempotent too.
 */
import type { MessageStep } from '../delivery.js';
import type { RedisDriver } from '../drivers/driver.js';
import { ConfigError, errorMessage } from '../errors.js';
import { runScript, SCRIPTS } from '../scripts.js';

/** The message ids one group has handled, with their expiry. */
export class HandledMarks {
  constructor(
    private readonly driver: RedisDriver,
    /** The group's marks key: `keys.seen(stream, group)`. */
    readonly key: string,
    readonly ttlMs: number,
  ) {
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new ConfigError(`idempotent.ttlMs must be a positive integer of ms, got ${ttlMs}`, { option: 'idempotent.ttlMs', value: ttlMs });
  }

  /** True when `messageId` was marked handled and the mark has not expired. */
  async has(messageId: string, now: number = Date.now()): Promise<boolean> {
    const score = await this.driver.call(['ZSCORE', this.key, messageId]);
    return score !== null && Number(score) > now;
  }

  /** Mark `messageId` handled for `ttlMs` (pruning expired marks on the way). */
  async mark(messageId: string, now: number = Date.now()): Promise<void> {
    await runScript(this.driver, SCRIPTS.markHandled, [this.key], [now, this.ttlMs, messageId]);
  }
}

/** Skip messages the group has handled; mark each one handled before it is acked. */
export function skipHandled(marks: HandledMarks): (next: MessageStep) => MessageStep {
  return (next) => async (message, d) => {
    if (await marks.has(message.id)) return 'duplicate';
    const settled = await next(message, d);
    if (settled !== 'acked') return settled;
    try {
      await marks.mark(message.id);
    } catch (err) {
      // Not marked, so not acked either: the handler runs again on the retry (at-least-once).
      d.log.warn({ err: errorMessage(err) }, 'could not mark the message handled; it stays pending and will be retried');
      await d.release().catch(() => undefined);
      return 'pending';
    }
    return 'acked';
  };
}
