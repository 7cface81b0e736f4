/** Reading what an agent store's Lua scripts return (the bus's `runScript` replies). */
import type { Reply } from '@hive/bus';

/** A JSON document a script returned, parsed; undefined for nil, "" or text that is not JSON. */
export function jsonReply<T>(reply: Reply | undefined): T | undefined {
  if (typeof reply !== 'string' || reply === '') return undefined;
  try {
    return JSON.parse(reply) as T;
  } catch {
    return undefined;
  }
}

/** The strings of an array reply (nils and numbers left out); [] for anything else. */
export function stringReplies(reply: Reply): string[] {
  return Array.isArray(reply) ? reply.filter((x): x is string => typeof x === 'string') : [];
}
