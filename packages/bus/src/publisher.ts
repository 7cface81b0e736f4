/**
 * Publishing: validate a message against its contract, encode the envelope, XADD it (with optional
 * retention), and return both ids. A batch goes out in one pipelined round trip.
 */
import { xaddArgs } from './commands.js';
import { asOutOfMemory, HiveError, isOutOfMemory, RedisOutOfMemoryError } from './errors.js';
import { notify } from './observer.js';
import { describePrepared, prepareMessage, publishWindowMs, type OutgoingMessage, type Prepared, type PublisherContext, type PublishResult } from './outgoing.js';
import { publishOnce } from './publish-once.js';
import { confirmReplicated, replicateOptions } from './replication.js';

/** XADD one prepared message; Redis's OOM refusal becomes a RedisOutOfMemoryError (REDIS_OOM). */
async function append(ctx: PublisherContext, p: Prepared): Promise<string> {
  try {
    return String(await ctx.driver.call(xaddArgs(p.key, p.fields, p.add)));
  } catch (err) {
    throw asOutOfMemory(err, describePrepared(p), { stream: p.stream, type: p.type, id: p.id });
  }
}

/** Publish one message. */
export async function publishOne(ctx: PublisherContext, m: OutgoingMessage): Promise<PublishResult> {
  const p = prepareMessage(ctx, m);
  const windowMs = publishWindowMs(m);
  const replicate = replicateOptions(ctx, m.replicate);
  let result: PublishResult;
  if (windowMs !== undefined) {
    result = await publishOnce(ctx, p, windowMs);
  } else {
    result = { stream: p.stream, id: p.id, entryId: await append(ctx, p) };
    notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
  }
  // A duplicate too: the first append may be the one that never reached a replica.
  if (replicate) await confirmReplicated(ctx, p.stream, result.entryId, replicate);
  return result;
}

/**
 * Publish many messages in one pipelined round trip. Every message is validated before any is sent;
 * if Redis rejects some, the error says which and how many were written.
 */
export async function publishMany(ctx: PublisherContext, messages: readonly OutgoingMessage[]): Promise<PublishResult[]> {
  const prepared = messages.map((m) => prepareMessage(ctx, m));
  if (prepared.length === 0) return [];
  if (messages.some((m) => m.replicate)) {
    // One WAIT per message keeps the rule simple: a batch member that must not be lost is published alone.
    const out: PublishResult[] = [];
    for (const m of messages) out.push(await publishOne(ctx, m));
    return out;
  }
  if (messages.some((m) => m.idempotent)) {
    // Each idempotent one is its own script call; keep the batch's order by sending one at a time.
    const windows = messages.map((m) => publishWindowMs(m));
    const out: PublishResult[] = [];
    for (const [i, p] of prepared.entries()) {
      const windowMs = windows[i];
      if (windowMs !== undefined) out.push(await publishOnce(ctx, p, windowMs));
      else {
        out.push({ stream: p.stream, id: p.id, entryId: await append(ctx, p) });
        notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
      }
    }
    return out;
  }
  if (prepared.length === 1) {
    const p = prepared[0]!;
    const entryId = await append(ctx, p);
    notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
    return [{ stream: p.stream, id: p.id, entryId }];
  }
  const results = await ctx.driver.pipeline(prepared.map((p) => xaddArgs(p.key, p.fields, p.add)));
  const out: PublishResult[] = [];
  const failed: string[] = [];
  let outOfMemory = 0;
  results.forEach((r, i) => {
    const p = prepared[i]!;
    if (r.ok) {
      out.push({ stream: p.stream, id: p.id, entryId: String(r.value) });
      notify(ctx.observers, 'published', { stream: p.stream, type: p.type });
    } else {
      failed.push(`#${i} (${p.type} on ${p.stream}): ${r.error.message}`);
      if (isOutOfMemory(r.error)) outOfMemory++;
    }
  });
  if (failed.length > 0 && outOfMemory === failed.length) {
    throw new RedisOutOfMemoryError(`${failed.length} of ${prepared.length} messages`, { details: { published: out } });
  }
  if (failed.length > 0) {
    throw new HiveError('REDIS_ERROR', `${failed.length} of ${prepared.length} messages were not published: ${failed.join('; ')}`, {
      details: { published: out },
    });
  }
  return out;
}
