/**
 * The watchdog loop: every SENTINEL_POLL_MS, observe the bus, evaluate the checks, and send what
 * changed to ops.alert: a firing notice when a condition appears, a resolved notice when it clears.
 * Alerts in force live in Redis (alert-state.ts): a restart does not repeat them. Notices carry ids
 * derived from the alert, published idempotently, so a retry after a failure is not a second alert.
 */
import type { Publish } from '@hive/agent';
import { errorMessage, type Bus, type Logger } from '@hive/agent';
import { createAlertState } from './alert-state.js';
import { firingPayload, noticeId, plan, resolvedPayload } from './domain/alerts.js';
import { evaluate, updatedKnown, type Condition, type Observation, type Thresholds } from './domain/checks.js';
import { modelResolvedSummary } from './domain/model-check.js';
import { networkHealth, unreachableHealth, type NetworkHealth } from './domain/health.js';
import { observe } from './observe.js';

export interface WatchOptions {
  readonly bus: Bus;
  readonly publish: Publish<'ops.alert'>;
  readonly log: Logger;
  /** sentinel's own name: never reported missing by itself. */
  readonly self: string;
  readonly thresholds: Thresholds;
  readonly pollMs: number;
  /** A poll Redis has not answered by then counts as Redis being away (commands wait while it reconnects). */
  readonly pollTimeoutMs: number;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  /** The streams to watch besides those in the bus's index of stream names (the catalogue's). */
  readonly streams?: readonly string[];
  /** Checks kept in files of their own (the janitor's retention, memory by key family), run after `evaluate` on each poll. */
  readonly checks?: readonly ExtraCheck[];
}

/** A check beyond `evaluate`: the conditions that hold, given this poll's observation. */
export type ExtraCheck = (seen: Observation, now: Date) => readonly Condition[] | Promise<readonly Condition[]>;

export interface Watch {
  /** Poll now (one at a time: a poll asked for while one runs shares it). */
  poll(): Promise<NetworkHealth>;
  /** The last poll's health, if any. */
  readonly health: NetworkHealth | undefined;
  /** Stop polling; resolves when a poll in progress has finished. */
  stop(): Promise<void>;
}

const TIMED_OUT = Symbol('timed out');

/** `p`, or TIMED_OUT after `ms` (p is left to settle on its own). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Start polling now and every `pollMs` until stopped or the signal aborts. */
export function startWatch(o: WatchOptions): Watch {
  const state = createAlertState(o.bus, o.self);
  // For the heartbeat check's start-up grace (domain/checks.ts): when this sentinel started, and whom it has seen running since.
  const watchingSince = o.now().getTime();
  const seenRunning = new Set<string>();
  let health: NetworkHealth | undefined;
  let running: Promise<NetworkHealth> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let downSince: Date | undefined;

  const work = async (now: Date): Promise<void> => {
    try {
      const [known, stored] = await Promise.all([state.known(), state.alerts()]);
      const seen = await observe(o.bus, known, now, o.log, o.streams);
      for (const a of seen.agents) if (a.status !== 'stopping') seenRunning.add(a.name);
      const conditions = [...evaluate(seen, o.thresholds, o.self, { since: watchingSince, seen: seenRunning, alerted: stored })];
      for (const check of o.checks ?? []) conditions.push(...(await check(seen, now)));
      await state.saveKnown(updatedKnown(seen));
      const todo = plan(stored, conditions, now);
      for (const a of todo.fire) {
        // Stored before it is sent: a crash in between re-sends under the same id, never a new alert.
        if (!stored.has(a.alertId)) await state.save(a);
        await o.publish('ops.alert', 'ops.alert', firingPayload(a, now), { id: noticeId(a, 'firing'), idempotent: true });
        await state.save({ ...a, notified: true });
        o.log.warn({ alertId: a.alertId, check: a.check, subject: a.subject }, a.summary);
      }
      for (const a of todo.resolve) {
        // A heartbeat alert also clears when the agent is forgotten (removed from the known set), not only when it is back.
        const forgotten = a.check === 'heartbeat' && !seen.agents.some((x) => x.name === a.subject);
        const summary = forgotten ? `${a.subject} is no longer watched (forgotten while it was gone)` : (modelResolvedSummary(a, seen.agents) ?? a.recovery);
        if (a.notified) await o.publish('ops.alert', 'ops.alert', resolvedPayload(a, now, summary), { id: noticeId(a, 'resolved'), idempotent: true });
        await state.forget(a.alertId);
        o.log.info({ alertId: a.alertId, check: a.check, subject: a.subject }, a.recovery);
      }
      if (downSince) {
        const s = Math.round((now.getTime() - downSince.getTime()) / 1000);
        const since = downSince.toISOString();
        // Nobody could be told while Redis was away (the alert would have gone through it): say so now it is back.
        await o.publish(
          'ops.alert',
          'ops.alert',
          { alertId: 'redis:down', status: 'resolved', severity: 'warning', check: 'redis_down', subject: 'redis', summary: `Redis is reachable again after about ${s} s away`, details: { since, lastedSeconds: s }, at: now.toISOString() },
          { id: noticeId({ alertId: 'redis:down', since }, 'resolved'), idempotent: true },
        );
        downSince = undefined;
      }
      health = networkHealth(seen, conditions, o.self);
    } catch (err) {
      const reachable = await withTimeout(o.bus.driver.call(['PING']), 1_000).then((r) => r !== TIMED_OUT, () => false);
      if (reachable) {
        o.log.warn({ err: errorMessage(err) }, 'watchdog poll failed; trying again next poll');
        health = health ?? unreachableHealth(now, errorMessage(err));
      } else {
        if (!downSince) o.log.error({ err: errorMessage(err) }, 'Redis is unreachable');
        downSince ??= now;
        health = unreachableHealth(now, errorMessage(err));
      }
    }
  };

  // One poll's work at a time, even when an earlier one is stuck on a Redis that went away: two at
  // once could both see an alert as new and send it twice.
  let working: Promise<void> | undefined;
  const once = async (): Promise<NetworkHealth> => {
    const now = o.now();
    working ??= work(now).finally(() => (working = undefined));
    if ((await withTimeout(working, o.pollTimeoutMs)) === TIMED_OUT) {
      if (!downSince) o.log.error({ timeoutMs: o.pollTimeoutMs }, 'Redis is not answering');
      downSince ??= now;
      health = unreachableHealth(now, `Redis did not answer within ${o.pollTimeoutMs} ms`);
    }
    return health!;
  };

  const poll = () => (running ??= once().finally(() => (running = undefined)));

  const loop = () => {
    if (stopped) return;
    poll().finally(() => {
      if (!stopped) timer = setTimeout(loop, o.pollMs);
    });
  };
  const stop = async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running?.catch(() => undefined);
    // Bounded: a poll stuck on an absent Redis must not hold up the shutdown.
    if (working) await withTimeout(working.catch(() => undefined), o.pollTimeoutMs);
  };
  o.signal.addEventListener('abort', () => void stop(), { once: true });
  loop();

  return {
    poll,
    get health() {
      return health;
    },
    stop,
  };
}
