/**
 * Idempotent publish (`publish(..., { id, idempotent: true })`): publishing the same message id to
 * the same stream again within the window appends nothing and returns the first entry's id. A Lua
 * script checks and sets the mark (`keys.publishMark(stream, id)`, SET PX) and appends atomically.
 * Ingress uses it with the WhatsApp message id, so a gateway that sees a message twice publishes it once.
 */
import { asOutOfMemory, ConfigError, HiveError } from './errors.js';
import { notify } from './observer.js';
import { describePrepared, type IdempotentPublishOptions, type Prepared, type PublisherContext, type PublishResult } from './outgoing.js';
import { runScript, SCRIPTS } from './scripts.js';

/** How long an idempotent publish remembers a message id. 24 hours. */
export const DEFAULT_PUBLISH_WINDOW_MS = 24 * 60 * 60 * 1000;

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
  const windowMs = option === true ? DEFAULT_PUBLISH_WINDOW_MS : (option.windowMs ?? DEFAULT_PUBLISH_WINDOW_MS);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new ConfigError(`idempotent.windowMs must be a positive integer of ms, got ${windowMs}`, { option: 'idempotent.windowMs', value: windowMs });
  }
  return windowMs;
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
