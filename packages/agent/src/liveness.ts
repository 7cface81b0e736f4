/**
 * When an agent has stopped working although its process lives: the runtime's definition, checked
 * every few seconds and at every /healthz.
 *
 *   a dead read loop   a subscription whose loop has ended, or has not gone round for
 *                      `stalledLoopMs` while it had a free handler slot (a live loop turns at least
 *                      every blockMs; one stuck on a half-open connection never does);
 *   a stuck handler    a handler still running after `stuckHandlerMs`: the bus keeps renewing its
 *                      lease, so nobody else will ever get that message, and at concurrency 1 the
 *                      stream (or, per chat, the chat) waits behind it.
 *
 * Slow is not stuck: the default for a handler is four leases (4 × claimIdleMs) and at least two
 * minutes, above a model call's timeout with its retries.
 */
import { DEFAULT_BLOCK_MS, DEFAULT_CLAIM_IDLE_MS } from '@hive/bus';

export interface LivenessOptions {
  /** A handler running longer is stuck. @defaultValue max(4 × the stream's claimIdleMs, 120000) */
  stuckHandlerMs?: number;
  /** A read loop that has not turned for this long, with a free slot, is dead. @defaultValue max(6 × the stream's blockMs, 30000) */
  stalledLoopMs?: number;
  /** How often the runtime looks (and withholds or resumes the heartbeat). @defaultValue 5000 */
  checkEveryMs?: number;
}

export interface LivenessLimits {
  readonly stuckHandlerMs: ReadonlyMap<string, number>;
  readonly stalledLoopMs: ReadonlyMap<string, number>;
  readonly checkEveryMs: number;
}

/** One handler running now. */
export interface RunningHandler {
  readonly stream: string;
  readonly type: string;
  /** The message id. */
  readonly id: string;
  /** When it started (epoch ms). */
  readonly since: number;
}

/** What the check reads of a subscription (the bus's Subscription has these fields). */
export interface LoopState {
  readonly stream: string;
  readonly reading: boolean;
  readonly loopTurnedAt: number;
  readonly inFlight: number;
  readonly concurrency: number;
}

export interface Liveness {
  readonly live: boolean;
  /** One line per problem, naming the stream (and the message, for a stuck handler). */
  readonly problems: readonly string[];
}

/** The limits for each stream read, from its consumer settings and the options. */
export function livenessLimits(streams: readonly { stream: string; claimIdleMs?: number; blockMs?: number }[], opts: LivenessOptions = {}): LivenessLimits {
  const stuck = new Map<string, number>();
  const stalled = new Map<string, number>();
  for (const s of streams) {
    stuck.set(s.stream, opts.stuckHandlerMs ?? Math.max(4 * (s.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS), 120_000));
    stalled.set(s.stream, opts.stalledLoopMs ?? Math.max(6 * (s.blockMs ?? DEFAULT_BLOCK_MS), 30_000));
  }
  return { stuckHandlerMs: stuck, stalledLoopMs: stalled, checkEveryMs: opts.checkEveryMs ?? 5_000 };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Is the agent working? Pure: the runtime passes the subscriptions' state, the running handlers and the time. */
export function assessLiveness(input: { now: number; subscriptions: readonly LoopState[]; running: Iterable<RunningHandler>; limits: LivenessLimits }): Liveness {
  const { now, limits } = input;
  const problems: string[] = [];
  for (const s of input.subscriptions) {
    const idle = now - s.loopTurnedAt;
    if (!s.reading) problems.push(`the read loop of ${s.stream} has ended`);
    else if (s.inFlight < s.concurrency && idle > limits.stalledLoopMs.get(s.stream)!) problems.push(`the read loop of ${s.stream} has not turned for ${seconds(idle)}`);
  }
  for (const h of input.running) {
    const ran = now - h.since;
    const limit = limits.stuckHandlerMs.get(h.stream);
    if (limit !== undefined && ran > limit) problems.push(`the ${h.type} handler on ${h.stream} (message ${h.id}) has run for ${seconds(ran)}`);
  }
  return { live: problems.length === 0, problems };
}
