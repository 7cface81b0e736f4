/**
 * Idempotent publish for ingress: WhatsApp may report a message twice (a reconnect replays unread
 * messages; the simulator may be POSTed twice), and the bus must hold it once.
 *
 * @hive/bus has no `publish(..., { idempotent })` yet, but ships the script for it
 * (`publish-once-2.lua`: GET the mark, XADD, SET the mark with a TTL, atomically) and the key
 * (`keys.publishMark`). This runs that script, so the check and the append cannot be split by a
 * crash the way a SET NX followed by an XADD could (mark set, message never appended: lost).
 */
import { DEFAULT_MAX_MESSAGE_BYTES, prepareMessage, runScript, SCRIPTS, type Bus, type ContractRegistry, type OutgoingMessage } from '@hive/bus';

/** How long a WhatsApp message id is remembered: long past any redelivery after a reconnect. */
export const DEFAULT_DEDUP_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface PublishOnceResult {
  readonly id: string;
  /** The entry id: the new one, or the first one's for a duplicate. */
  readonly entryId: string;
  readonly duplicate: boolean;
}

/** Publish `message` unless its id was already published to its stream within `windowMs`. */
export async function publishOnce(
  bus: Pick<Bus, 'driver' | 'keys' | 'source'>,
  contracts: ContractRegistry | undefined,
  message: OutgoingMessage & { id: string },
  windowMs: number = DEFAULT_DEDUP_WINDOW_MS,
): Promise<PublishOnceResult> {
  const prepared = prepareMessage(
    { driver: bus.driver, keys: bus.keys, contracts, source: bus.source, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, observers: [] },
    message,
  );
  const reply = await runScript(bus.driver, SCRIPTS.publishOnce, [bus.keys.publishMark(message.stream, prepared.id), prepared.key], [windowMs, '', '', ...prepared.fields]);
  const [entryId, added] = reply as [unknown, unknown];
  return { id: prepared.id, entryId: String(entryId), duplicate: Number(added) !== 1 };
}
