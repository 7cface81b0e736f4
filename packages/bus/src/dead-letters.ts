/**
 * Dead letters: where an entry goes when it cannot be handled (undecodable, unknown type, invalid
 * payload, an UnrecoverableError) or kept failing until `maxDeliveries`. The dead-letter entry keeps
 * the original fields as they were, plus `dl.*` fields saying why, where and when; writing it and
 * acking the original happen in one Lua script, so nothing is lost or dead-lettered twice.
 */
import { SCRIPTS, runScript } from './scripts.js';
import type { RedisDriver } from './drivers/driver.js';
import type { Keys } from './keys.js';

/** Default approximate cap on each dead-letter stream's length. */
export const DEFAULT_DEAD_LETTER_MAX_LEN = 100_000;

/** The fields that describe a dead letter (the rest are the original entry's). */
export interface DeadLetterInfo {
  /** Stream the entry was on. */
  stream: string;
  /** Its stream entry id. */
  entryId: string;
  group: string;
  consumer: string;
  deliveryCount: number;
  /** Error code, e.g. DECODE_INVALID_JSON, MAX_DELIVERIES. */
  reason: string;
  /** Error message. */
  error: string;
  /** Field at fault, for decode errors. */
  field?: string | undefined;
  /** Time of dead-lettering, ms since epoch. */
  at: number;
}

export const DEAD_LETTER_PREFIX = 'dl.';

/** Dead-letter fields: `dl.*` first, then the original fields (an original `dl.*` field is kept as `dl.orig.*`). */
export function deadLetterFields(info: DeadLetterInfo, original: readonly string[] | null): string[] {
  const out = [
    'dl.stream', info.stream,
    'dl.entry', info.entryId,
    'dl.group', info.group,
    'dl.consumer', info.consumer,
    'dl.deliveries', String(info.deliveryCount),
    'dl.reason', info.reason,
    'dl.error', info.error.slice(0, 4_000),
    'dl.at', String(info.at),
  ];
  if (info.field) out.push('dl.field', info.field);
  if (original) {
    for (let i = 0; i + 1 < original.length; i += 2) {
      const name = original[i]!;
      out.push(name.startsWith(DEAD_LETTER_PREFIX) ? `dl.orig.${name}` : name, original[i + 1]!);
    }
  }
  return out;
}

/**
 * Ack `entryId` on `fromKey` for the group and append the dead letter, atomically. Returns the
 * dead-letter entry id, or null when the group no longer had the entry pending (someone else got there).
 */
export async function writeDeadLetter(
  driver: RedisDriver,
  keys: Keys,
  fromKey: string,
  info: DeadLetterInfo,
  original: readonly string[] | null,
  maxLen: number = DEFAULT_DEAD_LETTER_MAX_LEN,
): Promise<string | null> {
  const r = await runScript(driver, SCRIPTS.deadLetter, [fromKey, keys.deadLetters(info.stream)], [
    info.group,
    info.entryId,
    String(maxLen),
    ...deadLetterFields(info, original),
  ]);
  return typeof r === 'string' ? r : null;
}
