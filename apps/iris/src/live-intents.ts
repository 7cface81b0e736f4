/**
 * The intents of the running agents, from the registry (its index, then every record): a message is
 * routed by a reading at most `maxStaleMs` (2 s) old, so a new agent's intents are routed within a
 * couple of seconds of its first heartbeat, and a stopped one's stop being routed when its record expires.
 *
 * Read ahead: once the reading at hand is `ttlMs` (1 s) old, a message is routed by it at once and
 * the next is read in the background (two round trips, one GET per agent), started
 * `READ_AHEAD_DELAY_MS` after that message so that its reply is not parsed on the message's path.
 * Under steady traffic no message waits for the registry; only the first call, and the first after a
 * quiet spell of `maxStaleMs`, wait for a read. (Routing by a reading of any age, with the read
 * behind it, was tried: the first message after a quiet spell was routed by a reading from before a
 * new agent's start.)
 */
import { type Bus, deferredOnce, errorMessage, listAgents, type Logger, READ_AHEAD_DELAY_MS } from '@hive/agent';
import { declaredIntents, type DeclaredIntent } from './domain/declared.js';

/** Once a reading is this old, the next is read in the background (the reading at hand still answers). */
export const LIVE_INTENTS_TTL_MS = 1_000;

/** A reading this old is not used: the message waits for the next one. */
export const LIVE_INTENTS_MAX_STALE_MS = 2_000;

export interface LiveIntents {
  /**
   * The declared intents now: the latest reading, at once, when it is less than `maxStaleMs` old (one
   * `ttlMs` old also starts one background read, never two at a time); before the first read has
   * ended, or when the reading is `maxStaleMs` old, the next one. When the registry cannot be read,
   * the last good reading (empty at first): iris's built-in rules still route, and a message is
   * never failed for it.
   */
  get(): Promise<readonly DeclaredIntent[]>;
  /** Forget a read ahead still waiting for its time: the bus is closing (its connection ended). */
  close(): void;
}

/** What one reading of the registry gives: the live records. */
export type RegistryRecords = Awaited<ReturnType<typeof listAgents>>;

export interface LiveIntentsOptions {
  /** One reading of the registry (listAgents on the bus). */
  readonly read: () => Promise<RegistryRecords>;
  readonly log: Pick<Logger, 'warn'>;
  readonly ttlMs: number;
  /** @defaultValue LIVE_INTENTS_MAX_STALE_MS */
  readonly maxStaleMs?: number;
  /** How long after the call that found the reading stale the read ahead starts (0: in that call). @defaultValue READ_AHEAD_DELAY_MS */
  readonly aheadDelayMs?: number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

const byBus = new WeakMap<Bus, LiveIntents>();

/** One cache per bus (per running iris), made on first use. */
export function liveIntentsOf(bus: Bus, log: Pick<Logger, 'warn'>, ttlMs = LIVE_INTENTS_TTL_MS): LiveIntents {
  let live = byBus.get(bus);
  if (!live) {
    const made = createLiveIntents({ read: () => listAgents(bus.driver, bus.keys), log, ttlMs });
    // A read ahead due after the bus closed would only fail, and say so.
    bus.driver.on('end', () => made.close());
    byBus.set(bus, (live = made));
  }
  return live;
}

export function createLiveIntents({ read, log, ttlMs, maxStaleMs = LIVE_INTENTS_MAX_STALE_MS, aheadDelayMs = READ_AHEAD_DELAY_MS, now = Date.now }: LiveIntentsOptions): LiveIntents {
  let failing = false;
  let value: readonly DeclaredIntent[] = [];
  /** When the last read ended (good or not); -Infinity until the first has. */
  let readAt = -Infinity;
  /** The read under way: at most one. */
  let reading: Promise<readonly DeclaredIntent[]> | undefined;
  const refresh = () =>
    (reading ??= read()
      .then((records) => {
        value = declaredIntents(records.filter((r) => r.status !== 'stopping'));
        readAt = now();
        failing = false;
        return value;
      })
      .catch((err: unknown) => {
        // Said once per outage; tried again once the reading is ttlMs old.
        if (!failing) log.warn({ err: errorMessage(err) }, 'cannot read the registry: routing by the intents last read');
        failing = true;
        readAt = now();
        return value;
      })
      .finally(() => {
        reading = undefined;
      }));
  // After the message that found the reading stale, not inside it (deferredOnce's comment).
  const readAhead = deferredOnce(() => void refresh(), aheadDelayMs);
  return {
    get() {
      const age = now() - readAt;
      if (age < ttlMs) return Promise.resolve(value);
      // No reading yet (age Infinity), or one too old to trust: wait for one read now.
      if (age >= maxStaleMs) {
        readAhead.cancel();
        return refresh();
      }
      // Else the one at hand, and the next read soon after.
      if (!reading) readAhead();
      return Promise.resolve(value);
    },
    close: () => readAhead.cancel(),
  };
}
