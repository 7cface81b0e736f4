/**
 * An agent's place in the registry while its process lives: its heartbeat, withheld when the agent
 * stops working inside a live process (a read loop that no longer turns, a handler stuck far past
 * its lease: liveness.ts) and started again when it works again. Withholding deletes the record now
 * instead of leaving it to expire, so sentinel alerts and atlas and herald stop counting on the agent.
 *
 * A verdict of "not working" waits for the next check to confirm it. A read loop waiting on a
 * frozen Redis (SIGSTOP, a stalled host) has not turned for as long as Redis was silent; the check
 * whose PING was in flight when Redis woke sees the PING answered and the loop not yet turned.
 * Withholding then deleted a working agent's record just as Redis came back, and atlas answered
 * "nothing handles …" for messages that agent was answering (CHAOS.md, finding 5). So only a
 * verdict that holds on two checks in a row, with Redis answering both times and a whole check
 * interval between the answer and the confirmation (time for a woken loop to turn), withholds.
 */
import { errorMessage, type Logger } from '@hive/bus';
import { withTimeout } from './with-timeout.js';
import type { Liveness } from './liveness.js';

export interface PresenceOptions<H extends { stop(): Promise<void> }> {
  /** Start a heartbeat with the agent's current record. */
  readonly beat: () => Promise<H>;
  readonly liveness: () => Liveness;
  /** Whether Redis answers (a PING within the probe timeout): Redis being away is not the agent's fault. */
  readonly redisAnswers: () => Promise<boolean>;
  readonly checkEveryMs: number;
  readonly log: Logger;
}

export interface Presence<H> {
  /** The heartbeat now running, if the agent is in the registry. */
  current(): H | undefined;
  /** Stop checking and remove the record (bounded: past `timeoutMs` the record expires by its TTL). */
  end(timeoutMs: number): Promise<void>;
}

/** Start the heartbeat and the checks that withhold and resume it. */
export async function startPresence<H extends { stop(): Promise<void> }>(opts: PresenceOptions<H>): Promise<Presence<H>> {
  const { log } = opts;
  let heartbeat: H | undefined = await opts.beat();
  let ended = false;
  let checking = false;
  let unconfirmedSince: number | undefined;

  const withholdOrResume = async () => {
    const now = opts.liveness();
    if (!now.live && heartbeat) {
      const answers = await opts.redisAnswers();
      const since = unconfirmedSince;
      unconfirmedSince = answers ? (since ?? Date.now()) : undefined;
      if (!answers || since === undefined || Date.now() - since < opts.checkEveryMs || ended || !heartbeat) return;
      unconfirmedSince = undefined;
      log.error({ problems: now.problems }, 'agent stopped working inside a live process: withholding its heartbeat');
      const beat = heartbeat;
      heartbeat = undefined;
      await beat.stop();
    } else if (now.live) unconfirmedSince = undefined;
    if (now.live && !heartbeat) {
      heartbeat = await opts.beat();
      if (ended) await heartbeat.stop();
      else log.warn({}, 'agent works again: heartbeating');
    }
  };
  const check = async () => {
    // One check at a time: two overlapping ones could both start a heartbeat.
    if (ended || checking) return;
    checking = true;
    try {
      await withholdOrResume();
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => {
    check().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'liveness check failed'));
  }, opts.checkEveryMs);
  timer.unref();

  return {
    current: () => heartbeat,
    async end(timeoutMs) {
      ended = true;
      clearInterval(timer);
      if (heartbeat) {
        await withTimeout(heartbeat.stop(), timeoutMs, 'removing the registry record').catch((err: unknown) =>
          log.warn({ err: errorMessage(err) }, 'could not remove the registry record; it expires by TTL'),
        );
      }
    },
  };
}
