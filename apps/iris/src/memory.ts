/**
 * What iris remembers per chat: the agent it last routed something to be written (a meal, an
 * expense, a note…), so a bare "undo" reaches the agent that can undo it. One key per chat in the
 * bus's Redis, expiring: an "undo" an hour later means nothing.
 *
 *   <prefix>data:{iris}:last:<chatId>   STRING intent   (EX ttl; from the bus's keys.data)
 */
import type { Keys, RedisDriver } from '@hive/agent';
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

/** iris's key names, from the bus's key builder (the ACL pattern is `keys.dataPattern('iris')`). */
export function irisKeys(keys: Keys) {
  return { last: (chatId: string) => keys.data('iris', 'last', chatId) };
}

/** A memory over the bus's (non-blocking) driver. */
export function createChatMemory(driver: RedisDriver, busKeys: Keys, ttlSeconds: number): ChatMemory {
  const keys = irisKeys(busKeys);
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
