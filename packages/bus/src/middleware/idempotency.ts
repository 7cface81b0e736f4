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
 *
 * Not asked: an entry whose publisher vouched that no other entry of the stream carries its id
 * (`Message.uniqueForMs`, the header's `uniq`: a generated id, an idempotent publish's window, a
 * follow-up whose id derives from such a message on its first delivery) for at least as long as
 * the marks live, when it reaches the group for the first time (`Delivery.fresh`). No earlier entry
 * can have been handled under its id, so the round trip would only ever answer "not handled"; it
 * is still marked with its ack. What delivers entries the group already handled as new to it
 * (moving the group back with `hive replay --reset`, creating it again over its stream) first
 * writes a boundary (check-from-2.lua): every entry up to it is asked about, whatever it vouches.
 * The consumer reads the boundary with each read (`checkFromArgs`, pipelined behind XREADGROUP on
 * the same connection: no round trip of its own). Moving a group with redis-cli's XGROUP SETID or
 * CREATE writes no boundary: use `hive replay`.
 */
import type { MarkOnAck, MessageStep, UnwrittenMarks, WriteWithAcksOptions } from '../delivery.js';
import type { RedisDriver } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { entryIdAfter } from '../ids.js';
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

  async writeWithAcks(key: string, group: string, pairs: readonly string[], deleteAcked: boolean, o: WriteWithAcksOptions = {}): Promise<void> {
    let written = false;
    try {
      await runScript(o.via ?? this.driver, SCRIPTS.markAndAck, [this.key, key], [o.now ?? Date.now(), this.ttlMs, group, deleteAcked ? 1 : 0, ...pairs], !o.carried);
      written = true;
    } finally {
      // A carried write that failed is tried again: its ids are still handled here meanwhile.
      if (written || !o.carried) for (let i = 0; i < pairs.length; i += 2) this.unwritten.delete(pairs[i]!);
    }
  }
}

/** Skip messages the group has handled; a handled one settles as "acked" with its mark, which its ack writes. */
export function skipHandled(marks: HandledMarks): (next: MessageStep) => MessageStep {
  const { ttlMs } = marks;
  return (next) => async (message, d) => {
    const vouched = d.fresh && message.uniqueForMs !== undefined && message.uniqueForMs >= ttlMs;
    if (!vouched && (await marks.has(message.id))) return 'duplicate';
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

/** The member of a marks set that holds its check-from boundary (check-from-2.lua); no message id has a space. */
const CHECK_FROM = ' from ';

/** The command that reads a group's check-from boundary from its marks set `key` (pipelined behind each read). */
export function checkFromArgs(key: string): string[] {
  return ['ZRANGEBYSCORE', key, '+inf', '+inf'];
}

/** The boundary in checkFromArgs' reply: the last entry id that must be asked about, or undefined for none. */
export function parseCheckFrom(reply: unknown): string | undefined {
  if (!Array.isArray(reply)) return undefined;
  let from: string | undefined;
  for (const m of reply) {
    const member = String(m);
    if (!member.startsWith(CHECK_FROM)) continue;
    const id = member.slice(CHECK_FROM.length);
    if (from === undefined || entryIdAfter(id, from)) from = id;
  }
  return from;
}

/**
 * Before a group is created or moved back over its stream: every entry there now is asked about
 * when it is delivered, whatever its header vouches (check-from-2.lua). Returns the boundary, or
 * undefined when the group has no marks to protect.
 */
export async function checkFromHere(driver: RedisDriver, marksKey: string, streamKey: string): Promise<string | undefined> {
  const id = await runScript(driver, SCRIPTS.checkFrom, [marksKey, streamKey], []);
  return typeof id === 'string' || Buffer.isBuffer(id) ? String(id) : undefined;
}

/** A ZMSCORE score as an expiry (ms), or undefined for an id with no mark. */
function expiryOf(score: unknown): number | undefined {
  return score === null || score === undefined ? undefined : Number(score);
}
