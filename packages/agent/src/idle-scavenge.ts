/**
 * Young-generation collections in the quiet after work instead of inside the next message's path.
 *
 * V8 scavenges when the young generation fills, which is wherever an allocation finds it full: in a
 * process that is quiet between messages, that is nearly always while a message is being handled,
 * and on a path of a few milliseconds a scavenge of 1-4 ms is most of the figure. Once the process
 * has been quiet (no delivery handled, nothing published) for `quietMs` and less than `reserveBytes`
 * of the young generation is free, this collects it then, so the next message starts with room.
 * Not much more often than V8 would: a scavenge promotes what survived the one before, and collecting
 * after every message promoted what lives a second or so (30 MiB more RSS in the host), hence the
 * reserve.
 *
 * It needs V8's `gc` function (node --expose-gc; the network's processes have it, agents.ts); without
 * it, it does nothing. No timer runs while the process is quiet: one is armed by work, and it
 * neither holds the process open nor repeats once the collection is done.
 */
import { getHeapSpaceStatistics } from 'node:v8';

/** How long without a delivery or a publish counts as quiet: past one message's hops at a few a second. */
export const IDLE_SCAVENGE_QUIET_MS = 20;

/**
 * Collected when less than this is free in the young generation (of the 4 MiB semi-space the
 * network's processes run with, agents.ts): about what one message's hops allocate in the
 * one-process host (0.6-1.4 MB, BENCHMARKS.md), so that most messages starting after the quiet find
 * room for their whole path. Measured against 2 MiB, which collected after nearly every message:
 * the objects of a second or so that those extra collections promoted cost the host 30 MiB of RSS.
 */
export const IDLE_SCAVENGE_RESERVE_BYTES = 1024 * 1024;

type MinorGc = () => void;

export interface IdleScavengeOptions {
  /** @defaultValue IDLE_SCAVENGE_QUIET_MS */
  readonly quietMs?: number;
  /** @defaultValue IDLE_SCAVENGE_RESERVE_BYTES */
  readonly reserveBytes?: number;
  /** A minor collection; @defaultValue V8's `gc({ type: 'minor' })` when exposed, else none. */
  readonly collect?: MinorGc;
  /** Bytes free in the young generation; @defaultValue from v8.getHeapSpaceStatistics(). */
  readonly youngFree?: () => number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

export interface IdleScavenge {
  /** Work happened (a delivery handled, a message published): collect once it has been quiet. */
  touch(): void;
  /** Minor collections made so far. */
  readonly collections: number;
  /** Forget a collection still waiting for the quiet. */
  stop(): void;
}

/** V8's minor collection, when node runs with --expose-gc. */
function exposedMinorGc(): MinorGc | undefined {
  const gc = (globalThis as { gc?: (options?: { type?: 'minor' | 'major' }) => void }).gc;
  return typeof gc === 'function' ? () => gc({ type: 'minor' }) : undefined;
}

function youngGenerationFree(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_available_size ?? Number.POSITIVE_INFINITY;
}

export function createIdleScavenge(opts: IdleScavengeOptions = {}): IdleScavenge {
  const { quietMs = IDLE_SCAVENGE_QUIET_MS, reserveBytes = IDLE_SCAVENGE_RESERVE_BYTES, youngFree = youngGenerationFree, now = Date.now } = opts;
  if (!Number.isFinite(quietMs) || quietMs <= 0) throw new RangeError(`idle scavenge: quietMs must be a finite number > 0, got ${quietMs}`);
  const collect = opts.collect ?? exposedMinorGc();
  let lastWork = 0;
  let timer: NodeJS.Timeout | undefined;
  let collections = 0;

  const check = () => {
    timer = undefined;
    const quietFor = now() - lastWork;
    // Work came meanwhile: wait for the rest of the quiet from the latest of it.
    if (quietFor < quietMs) return arm(quietMs - quietFor);
    if (youngFree() >= reserveBytes) return;
    collect!();
    collections++;
  };
  const arm = (ms: number) => {
    timer = setTimeout(check, ms);
    timer.unref();
  };

  return {
    touch() {
      if (!collect) return;
      lastWork = now();
      if (!timer) arm(quietMs);
    },
    get collections() {
      return collections;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

let processWide: IdleScavenge | undefined;

/** The process's one scheduler (the young generation is the process's): every agent's bus touches it. */
export function idleScavenge(): IdleScavenge {
  return (processWide ??= createIdleScavenge());
}
