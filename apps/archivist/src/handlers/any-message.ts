/**
 * Every message type on every stream: archivist treats them all alike, so one handler serves them
 * all (the shape's "one file per message type" would be a dozen copies of this one).
 * Stored, then acked by the runtime: a crash in between redelivers it, and the (stream, id) key
 * makes the second insert a no-op.
 */
import type { AgentContext, Message } from '@hive/agent';
import type { ArchivistConfig } from '../config.js';
import { rawEnvelope, toRecord } from '../domain/record.js';
import type { HistoryStore } from '../history-store.js';

export interface ArchiveDeps {
  readonly store: () => HistoryStore;
  readonly now: () => number;
}

/**
 * Archive one message read from `stream`; true when it was new. The stream is passed in rather
 * than read from `ctx.stream`, which the runtime's context does not carry (see the README).
 */
export async function onAnyMessage(stream: string, message: Message, ctx: AgentContext<ArchivistConfig, never>, deps: ArchiveDeps): Promise<boolean> {
  // The handler gets the payload decoded and upcast to today's schema; the archive keeps what was
  // written: the entry's own fields, as the bus read them (no second read of the entry).
  const raw = rawEnvelope(ctx.entryFields);
  const created = await deps.store().archive(toRecord(stream, ctx.entryId, message, deps.now(), raw));
  if (!created) ctx.log.debug({ stream, id: message.id }, 'already archived');
  return created;
}
