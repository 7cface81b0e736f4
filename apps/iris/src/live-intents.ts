/**
 * The intents of the running agents, from the registry: read at most every `ttlMs` (its index, then
 * every record), so a new agent's intents are routed within a couple of seconds of its first heartbeat, and
 * a stopped one's stop being routed when its record expires.
 */
import { type Bus, errorMessage, listAgents, type Logger } from '@hive/agent';
import { declaredIntents, type DeclaredIntent } from './domain/declared.js';

/** How long one reading of the registry is used. */
export const LIVE_INTENTS_TTL_MS = 2_000;

export interface LiveIntents {
  /**
   * The declared intents now (a reading at most `ttlMs` old). When the registry cannot be read, the
   * last good reading (empty at first): iris's built-in rules still route, and a message is never
   * failed for it.
   */
  get(): Promise<readonly DeclaredIntent[]>;
}

const byBus = new WeakMap<Bus, LiveIntents>();

/** One cache per bus (per running iris), made on first use. */
export function liveIntentsOf(bus: Bus, log: Pick<Logger, 'warn'>, ttlMs = LIVE_INTENTS_TTL_MS): LiveIntents {
  let live = byBus.get(bus);
  if (!live) byBus.set(bus, (live = createLiveIntents(bus, log, ttlMs)));
  return live;
}

function createLiveIntents(bus: Bus, log: Pick<Logger, 'warn'>, ttlMs: number): LiveIntents {
  let failing = false;
  let value: readonly DeclaredIntent[] = [];
  let readAt = -Infinity;
  let reading: Promise<readonly DeclaredIntent[]> | undefined;
  return {
    get() {
      if (Date.now() - readAt < ttlMs) return Promise.resolve(value);
      reading ??= listAgents(bus.driver, bus.keys)
        .then((records) => {
          value = declaredIntents(records.filter((r) => r.status !== 'stopping'));
          readAt = Date.now();
          failing = false;
          return value;
        })
        .catch((err: unknown) => {
          // Said once per outage; tried again after ttlMs.
          if (!failing) log.warn({ err: errorMessage(err) }, 'cannot read the registry: routing by the intents last read');
          failing = true;
          readAt = Date.now();
          return value;
        })
        .finally(() => {
          reading = undefined;
        });
      return reading;
    },
  };
}
