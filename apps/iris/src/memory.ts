/**
 * What iris remembers per chat: the agent it last routed something to be written (a meal, an
 * expense, a note…), so a bare "undo" reaches the agent that can undo it. One key per chat in the
 * bus's Redis, expiring: an "undo" an hour later means nothing.
 *
 *   <prefix>iris:last:<chatId>   STRING intent   (EX ttl)
 */
import type { RedisDriver } from '@hive/bus';
import type { Entities, Intent } from './domain/classification.js';

/** Actions that write something an "undo" could take back. */
const WRITES = new Set(['log', 'record', 'save', 'create', 'draft']);
const UNDOABLE = new Set<Intent>(['nutrition', 'expense', 'habit', 'note', 'schedule', 'content']);

/** True when a classification asks an agent to write something. */
export function isWrite(intent: Intent, entities: Entities): boolean {
  return UNDOABLE.has(intent) && typeof entities.action === 'string' && WRITES.has(entities.action);
}

export interface ChatMemory {
  lastWrite(chatId: string): Promise<Intent | undefined>;
  rememberWrite(chatId: string, intent: Intent): Promise<void>;
}

/** The one place iris builds its key names, under the bus's prefix (so ACLs can grant `<prefix>iris:*`). */
export function irisKeys(prefix: string) {
  return { last: (chatId: string) => `${prefix}iris:last:${chatId}` };
}

/** A memory over the bus's (non-blocking) driver. */
export function createChatMemory(driver: RedisDriver, prefix: string, ttlSeconds: number): ChatMemory {
  const keys = irisKeys(prefix);
  return {
    async lastWrite(chatId) {
      const v = await driver.call(['GET', keys.last(chatId)]);
      return typeof v === 'string' && UNDOABLE.has(v as Intent) ? (v as Intent) : undefined;
    },
    async rememberWrite(chatId, intent) {
      await driver.call(['SET', keys.last(chatId), intent, 'EX', ttlSeconds]);
    },
  };
}
