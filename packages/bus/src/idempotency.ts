/**
 * Idempotency, on both sides of a stream.
 *
 * Consume side (`subscribe({ idempotent })`): a message id is handled once per group, even when it
 * is delivered twice: the same entry redelivered after a crash, or a second entry with the same id.
 * Before a handler runs, the group's handled-marks (`keys.seen(stream, group)`, a sorted set scored
 * by expiry) are asked; a marked id is acked without running the handler and counted as a
 * "duplicate". After the handler succeeds and its follow-ups are published, the id is marked, and
 * only then acked. Mark first, ack second, is the order that makes a crash between the two safe:
 * the entry comes back, finds its mark, and is acked without running the handler again. (Marking
 * and acking in one script would leave no mark for that crash to find.) Marks live `ttlMs`.
 * What no bus can promise: a crash inside the handler, after its side effect and before it
 * returns, runs the handler again; handlers with external side effects keep those idempotent too.
 *
 * Publish side (`publish(..., { id, idempotent: true })`): publishing the same message id to the
 * same stream again within the window appends nothing and returns the first entry's id; a Lua
 * script checks and sets the mark (`keys.publishMark(stream, id)`, SET PX) and appends atomically.
 * Ingress uses it with the WhatsApp message id, so a gateway that sees a message twice publishes it once.
 */
import type { RedisDriver } from './drivers/driver.js';
import { asOutOfMemory, ConfigError, HiveError } from './errors.js';
import type { Keys } from './keys.js';
import { notify } from './observer.js';
import { describePrepared, type PublisherContext, type PublishResult, type prepareMessage } from './publisher.js';
import { runScript, SCRIPTS } from './scripts.js';

/** How long a handled mark is kept: duplicates later than this are handled again. 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long an idempotent publish remembers a message id. 24 hours. */
export const DEFAULT_PUBLISH_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Consume-side idempotency of a subscription. */
export interface IdempotencyOptions {
  /** How long a handled message id is remembered. @defaultValue 86400000 (24 h) */
  ttlMs?: number;
}

/** Publish-side idempotency of one message. */
export interface IdempotentPublishOptions {
  /** How long the message id is remembered on its stream. @defaultValue 86400000 (24 h) */
  windowMs?: number;
}

function positiveMs(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer of ms, got ${v}`, { option: name, value: v });
  return v;
}

/** The message ids one group has handled, with their expiry. */
export class HandledMarks {
  constructor(
    private readonly driver: RedisDriver,
    /** The group's marks key: `keys.seen(stream, group)`. */
    readonly key: string,
    readonly ttlMs: number = DEFAULT_IDEMPOTENCY_TTL_MS,
  ) {
    positiveMs('idempotent.ttlMs', ttlMs);
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

/** The handled marks of a subscription, or undefined when it is not idempotent. */
export function handledMarksFor(
  driver: RedisDriver,
  keys: Keys,
  stream: string,
  group: string,
  option: boolean | IdempotencyOptions | undefined,
): HandledMarks | undefined {
  if (!option) return undefined;
  const ttlMs = option === true ? DEFAULT_IDEMPOTENCY_TTL_MS : (option.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
  return new HandledMarks(driver, keys.seen(stream, group), ttlMs);
}

type Prepared = ReturnType<typeof prepareMessage>;

/**
 * The idempotency window of a message to publish, or undefined when it is not idempotent; throws
 * a ConfigError for an idempotent message without its own `id`, or a bad window.
 */
export function publishWindowMs(m: { stream: string; type: string; id?: string | undefined; idempotent?: boolean | IdempotentPublishOptions | undefined }): number | undefined {
  const option = m.idempotent;
  if (!option) return undefined;
  if (m.id === undefined) {
    throw new ConfigError(`an idempotent publish needs the message's own id (e.g. the WhatsApp message id): pass { id } with { idempotent }`, {
      stream: m.stream,
      type: m.type,
    });
  }
  return positiveMs('idempotent.windowMs', option === true ? DEFAULT_PUBLISH_WINDOW_MS : (option.windowMs ?? DEFAULT_PUBLISH_WINDOW_MS));
}

/**
 * Append a prepared message unless its id was published to the same stream within `windowMs`;
 * a duplicate resolves with the first entry's id and `duplicate: true`.
 */
export async function publishOnce(ctx: PublisherContext, p: Prepared, windowMs: number): Promise<PublishResult> {
  const kind = p.add.maxLen !== undefined ? 'MAXLEN' : p.add.minId !== undefined ? 'MINID' : '';
  const threshold = p.add.maxLen ?? p.add.minId ?? '';
  const r = await runScript(ctx.driver, SCRIPTS.publishOnce, [ctx.keys.publishMark(p.stream, p.id), p.key], [windowMs, kind, threshold, ...p.fields]).catch((err: unknown) => {
    throw asOutOfMemory(err, describePrepared(p), { stream: p.stream, type: p.type, id: p.id });
  });
  if (!Array.isArray(r) || r.length < 2) throw new HiveError('SCRIPT_ERROR', `publish-once returned ${JSON.stringify(r)}`);
  const added = Number(r[1]) === 1;
  if (added) notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
  return { stream: p.stream, id: p.id, entryId: String(r[0]), ...(added ? {} : { duplicate: true }) };
}
