/**
 * Idempotent publish (`publish(..., { id, idempotent: true })`): publishing the same message id to
 * the same stream again within the window appends nothing and returns the first entry's id. A Lua
 * script checks and sets the mark (`keys.publishMark(stream, id)`, SET PX) and appends atomically.
 * Ingress uses it with the WhatsApp message id, so a gateway that sees a message twice publishes it once.
 */
import { asOutOfMemory, HiveError } from './errors.js';
import { notify } from './observer.js';
import { describePrepared, type Prepared, type PublisherContext, type PublishResult } from './outgoing.js';
import { runScript, SCRIPTS } from './scripts.js';


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
