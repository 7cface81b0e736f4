/**
 * The janitor: keeps every stream to the retention its contract declares, continuously, so the
 * network runs for months without growing. Every SENTINEL_JANITOR_MS it trims each stream of the
 * catalogue with the bus's safe trim (`trimStream`: XTRIM MINID … ACKED on Redis 8.2+, else MINID
 * up to the oldest entry some group has not acked), never forced: an entry a group still owes an
 * ack stays. A group that holds a stream back beyond its window becomes an alert (domain/retention.ts).
 *
 * It lives in sentinel, which already reads the whole bus, so that writers need no trim rights:
 * `hive acl` grants XTRIM to sentinel alone. Trims are deletes, which a full Redis still accepts,
 * so the janitor also frees memory when Redis refuses writes.
 */
import { errorMessage, type Bus, type Logger } from '@hive/agent';
import { type TrimResult, trimStream } from '@hive/bus/admin';
import type { Retention } from '@hive/contracts';
import type { Condition } from './domain/checks.js';
import { heldBackConditions, type TrimOutcome } from './domain/retention.js';

export interface JanitorStream {
  readonly name: string;
  readonly retention: Pick<Retention, 'maxAgeMs' | 'maxLen'>;
}

export interface JanitorPass {
  readonly at: Date;
  readonly outcomes: readonly (TrimOutcome & { readonly trimmed: number; readonly method: TrimResult['method'] })[];
  /** Streams whose trim failed this pass, with the error. */
  readonly failed: readonly { readonly stream: string; readonly error: string }[];
}

export interface JanitorOptions {
  readonly bus: Pick<Bus, 'driver' | 'keys'>;
  readonly log: Logger;
  readonly streams: readonly JanitorStream[];
  /** Between passes. */
  readonly intervalMs: number;
  /** A group may run this share of the window (or length) late before it is alerted. */
  readonly grace: number;
  readonly now: () => Date;
  /** Called after every pass (the soak counts what was trimmed). */
  readonly onPass?: (pass: JanitorPass) => void;
}

export interface Janitor {
  /** One pass now (one at a time: asked for while one runs, it shares it). */
  run(): Promise<JanitorPass>;
  /** The held-back conditions of the last pass. */
  conditions(): readonly Condition[];
  readonly last: JanitorPass | undefined;
  stop(): Promise<void>;
}

/** Start trimming now and every `intervalMs` until stopped. */
export function startJanitor(o: JanitorOptions): Janitor {
  let last: JanitorPass | undefined;
  let held: Condition[] = [];
  let running: Promise<JanitorPass> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const pass = async (): Promise<JanitorPass> => {
    const now = o.now();
    const outcomes: JanitorPass['outcomes'][number][] = [];
    const failed: { stream: string; error: string }[] = [];
    for (const s of o.streams) {
      try {
        const r = await trimStream(o.bus.driver, o.bus.keys, s.name, { ...s.retention, now: now.getTime() });
        outcomes.push({ stream: s.name, key: o.bus.keys.stream(s.name), retention: s.retention, lengthAfter: r.lengthAfter, heldBackBy: r.heldBackBy, trimmed: r.trimmed, method: r.method });
        if (r.trimmed > 0) o.log.debug({ stream: s.name, trimmed: r.trimmed, length: r.lengthAfter, method: r.method }, 'trimmed to retention');
      } catch (err) {
        failed.push({ stream: s.name, error: errorMessage(err) });
      }
    }
    if (failed.length > 0) o.log.warn({ failed }, 'trimming some streams failed; trying again next pass');
    held = heldBackConditions(outcomes, now.getTime(), o.grace);
    last = { at: now, outcomes, failed };
    o.onPass?.(last);
    return last;
  };

  const run = () => (running ??= pass().finally(() => (running = undefined)));
  const loop = () => {
    if (stopped) return;
    run()
      .catch((err: unknown) => o.log.warn({ err: errorMessage(err) }, 'janitor pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, o.intervalMs);
      });
  };
  loop();

  return {
    run,
    conditions: () => held,
    get last() {
      return last;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
