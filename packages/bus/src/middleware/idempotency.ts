/**
 * Consume-side idempotency (`subscribe({ idempotent })`): a message id is handled once per group,
 * even when it is delivered twice: the same entry redelivered after a crash, or a second entry with
 * the same id. Added to the chain of idempotent subscriptions only.
 *
 * Before the handler runs, the group's handled-marks (`keys.seen(stream, group)`, a sorted set
 * scored by expiry) are asked; a marked id settles as "duplicate" (acked, handler not run). The
 * entries of one read ask together (one ZMSCORE for all the ids asked in the same tick). After the
 * handler succeeds and its follow-ups are published, the delivery settles as "acked" carrying its
 * mark (`Delivery.markOnAck`), and the consumer's batched ack marks and acks it in one script
 * (mark-and-ack-2.lua, acks.ts): there is no moment with the entry acked and not marked, so a crash
 * anywhere leaves either both done, or neither (the entry comes back and its handler runs again).
 * Until its mark is written, a handled id counts as marked here (a second entry with the same id,
 * read meanwhile, is a duplicate without asking Redis). Marks live `ttlMs`.
 * What no bus can promise: a crash inside the handler, after its side effect and before it
 * returns, runs the handler again; handlers with external side effects keep those idempotent too.
 */
import type { MarkOnAck, MessageStep, UnwrittenMarks } from '../delivery.js';
import type { RedisDriver } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { runScript, SCRIPTS } from '../scripts.js';

/** The ids asked in one tick, and the callers waiting for each one's mark. */
interface Asked {
  readonly ids: string[];
  readonly waiters: ((expiry: number | undefined) => void)[];
  readonly fail: ((err: unknown) => void)[];
}

/** The message ids one group has handled, with their expiry. */
export class HandledMarks implements UnwrittenMarks {
  constructor(
    private readonly driver: RedisDriver,
    /** The group's marks key: `keys.seen(stream, group)`. */
    readonly key: string,
    readonly ttlMs: number,
  ) {
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new ConfigError(`idempotent.ttlMs must be a positive integer of ms, got ${ttlMs}`, { option: 'idempotent.ttlMs', value: ttlMs });
  }

  /** The ids asked in this tick, with the callers waiting for their mark's expiry; sent as one ZMSCORE. */
  private asked: Asked | undefined;

  /** Handled here, their marks on their way with their acks. */
  private readonly unwritten = new Set<string>();

  /** True when `messageId` was marked handled and the mark has not expired (or is being written). */
  async has(messageId: string, now: number = Date.now()): Promise<boolean> {
    if (this.unwritten.has(messageId)) return true;
    const expiry = await this.expiryOf(messageId);
    return expiry !== undefined && expiry > now;
  }

  /** The expiry of `messageId`'s mark (ms since epoch), if it has one; asked with every id asked in the same tick. */
  private expiryOf(messageId: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      if (!this.asked) {
        const asked: Asked = (this.asked = { ids: [], waiters: [], fail: [] });
        queueMicrotask(() => {
          this.asked = undefined;
          this.driver.call(['ZMSCORE', this.key, ...asked.ids]).then(
            (scores) => asked.waiters.forEach((w, i) => w(expiryOf((scores as unknown[])[i]))),
            (err: unknown) => asked.fail.forEach((f) => f(err)),
          );
        });
      }
      this.asked.ids.push(messageId);
      this.asked.waiters.push(resolve);
      this.asked.fail.push(reject);
    });
  }

  /** `messageId` was handled: its mark is to be written with its entry's ack (acks.ts), and counts from now. */
  handled(messageId: string): MarkOnAck {
    this.unwritten.add(messageId);
    return { marks: this, messageId };
  }

  async writeWithAcks(key: string, group: string, pairs: readonly string[], deleteAcked: boolean, now: number = Date.now()): Promise<void> {
    try {
      await runScript(this.driver, SCRIPTS.markAndAck, [this.key, key], [now, this.ttlMs, group, deleteAcked ? 1 : 0, ...pairs]);
    } finally {
      for (let i = 0; i < pairs.length; i += 2) this.unwritten.delete(pairs[i]!);
    }
  }
}

/** Skip messages the group has handled; a handled one settles as "acked" with its mark, which its ack writes. */
export function skipHandled(marks: HandledMarks): (next: MessageStep) => MessageStep {
  return (next) => async (message, d) => {
    if (await marks.has(message.id)) return 'duplicate';
    const settled = await next(message, d);
    if (settled === 'acked') d.markOnAck = marks.handled(message.id);
    return settled;
  };
}

/**
 * Marks only (`idempotent: { check: false }`): a handled message settles as "acked" with its mark, as
 * above, but nothing is asked first: for a handler that deduplicates by itself and keeps the marks
 * as a record of what its group handled.
 */
export function markHandled(marks: HandledMarks): (next: MessageStep) => MessageStep {
  return (next) => async (message, d) => {
    const settled = await next(message, d);
    if (settled === 'acked') d.markOnAck = marks.handled(message.id);
    return settled;
  };
}

/** A ZMSCORE score as an expiry (ms), or undefined for an id with no mark. */
function expiryOf(score: unknown): number | undefined {
  return score === null || score === undefined ? undefined : Number(score);
}
