/**
 * Whether a running agent serves an intent, for atlas's fallback rule. Every other agent's message
 * comes through atlas, so reading the registry for each one (its index, then every record: two round
 * trips) would sit on the path of every message.
 *
 * "Served" and "not served" are not trusted alike, because "not served" makes atlas answer the user
 * with the fallback:
 * - "served" comes from the latest reading, at once, when it is less than `maxStaleMs` (2 s) old, as
 *   long as iris routes by one; once it is `ttlMs` (1 s) old, that call also starts one background
 *   read (never two at a time) for the calls after it, `READ_AHEAD_DELAY_MS` later, so that its reply
 *   is not parsed on that message's path. An older reading is not used: read afresh.
 * - "not served" is always read afresh before it is answered.
 */
import { type Bus, deferredOnce, errorMessage, listAgents, type Logger, READ_AHEAD_DELAY_MS } from '@hive/agent';
import { servedIntents, type AgentEntry } from './domain/menu.js';

/** Once a reading is this old, the next is read in the background (as iris does: LIVE_INTENTS_TTL_MS). */
export const SERVED_TTL_MS = 1_000;

/** A reading this old does not answer "served" (as long as iris routes by one: LIVE_INTENTS_MAX_STALE_MS). */
export const SERVED_MAX_STALE_MS = 2_000;

export interface ServedIntents {
  /** True when a running agent serves `intent`: see the module comment for how fresh the answer is. */
  isServed(intent: string): Promise<boolean>;
  /** Forget a read ahead still waiting for its time: the bus is closing (its connection ended). */
  close(): void;
}

export interface ServedIntentsOptions {
  /** One reading of the registry (listAgents on the bus). */
  readonly read: () => Promise<readonly AgentEntry[]>;
  readonly log: Pick<Logger, 'warn'>;
  /** @defaultValue SERVED_TTL_MS */
  readonly ttlMs?: number;
  /** @defaultValue SERVED_MAX_STALE_MS */
  readonly maxStaleMs?: number;
  /** How long after the call that found the reading stale the read ahead starts (0: in that call). @defaultValue READ_AHEAD_DELAY_MS */
  readonly aheadDelayMs?: number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

const byBus = new WeakMap<Bus, ServedIntents>();

/** One cache per bus (per running atlas), made on first use. */
export function servedIntentsOf(bus: Bus, log: Pick<Logger, 'warn'>): ServedIntents {
  let served = byBus.get(bus);
  if (!served) {
    const made = createServedIntents({ read: () => listAgents(bus.driver, bus.keys), log });
    // A read ahead due after the bus closed would only fail, and say so.
    bus.driver.on('end', () => made.close());
    byBus.set(bus, (served = made));
  }
  return served;
}

export function createServedIntents({ read, log, ttlMs = SERVED_TTL_MS, maxStaleMs = SERVED_MAX_STALE_MS, aheadDelayMs = READ_AHEAD_DELAY_MS, now = Date.now }: ServedIntentsOptions): ServedIntents {
  /** The latest reading; `at` is when its read began (its age is never understated). */
  let last: { readonly at: number; readonly served: ReadonlySet<string> } | undefined;
  /** The background read under way: at most one. */
  let refreshing: Promise<void> | undefined;
  let failing = false;

  const readNow = async (): Promise<ReadonlySet<string>> => {
    const at = now();
    const served = servedIntents(await read());
    // A read that began before the reading at hand (a slow background one) does not replace it.
    if (!last || at >= last.at) last = { at, served };
    return served;
  };

  const refresh = () => {
    refreshing ??= readNow()
      .then(
        () => {
          failing = false;
        },
        (err: unknown) => {
          // Said once per outage; the next stale "served" tries again, and a "not served" reads (and fails) in the handler.
          if (!failing) log.warn({ err: errorMessage(err) }, 'cannot read the registry: "served" answered by the reading last made');
          failing = true;
        },
      )
      .finally(() => {
        refreshing = undefined;
      });
  };
  // After the message that found the reading stale, not inside it (deferredOnce's comment).
  const readAhead = deferredOnce(refresh, aheadDelayMs);

  return {
    async isServed(intent) {
      if (last?.served.has(intent)) {
        const age = now() - last.at;
        if (age < ttlMs) return true;
        if (age < maxStaleMs) {
          if (!refreshing) readAhead();
          return true;
        }
      }
      readAhead.cancel();
      return (await readNow()).has(intent);
    },
    close: () => readAhead.cancel(),
  };
}
