/**
 * The faults, and their schedule from a seed. Each fault is real: signals to real processes, Redis
 * killed with SIGKILL and started again on its AOF, connections cut by Redis (`CLIENT KILL`), Redis
 * frozen with SIGSTOP, a ledger frozen past its lease while a second ledger instance runs, the
 * supervisor killed and started again, and the SQLite agents' file system filled to the last byte.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS, type ChaosNetwork } from './network.js';
import { prng } from './load.js';

export const FAULT_CLASSES = [
  'sigkill-agent',
  'sigkill-agents',
  'redis-kill-always',
  'client-kill',
  'redis-pause',
  'redis-kill-everysec',
  'lease',
  'supervisor-restart',
  'disk-full',
] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

/** What each class does, for the report. */
export const FAULT_DESCRIPTIONS: Readonly<Record<FaultClass, string>> = {
  'sigkill-agent': 'SIGKILL of one random agent process (the supervisor restarts it)',
  'sigkill-agents': 'SIGKILL of 2-4 random agent processes at once',
  'redis-kill-always': 'SIGKILL of redis-server with appendfsync always, restarted on its AOF after 1-3 s',
  'client-kill': 'CLIENT KILL (from Redis\'s side) of a random half of the connections',
  'redis-pause': 'redis-server frozen with SIGSTOP past the claim idle time (30 s), then SIGCONT',
  'redis-kill-everysec': 'appendfsync switched to everysec, then SIGKILL of redis-server and a restart (back to always)',
  lease: 'ledger frozen with SIGSTOP past its claim idle time (30 s) while a second ledger instance runs, then SIGCONT',
  'supervisor-restart': 'SIGKILL of the supervisor (npm start): its agents stop on their own, a new one starts them',
  'disk-full': 'the SQLite agents\' file system (scribe, archivist; a size-limited tmpfs) filled to the last byte for a while, then freed',
};

export interface PlannedFault {
  readonly cls: FaultClass;
  /** Agents hit (kills). */
  readonly agents?: readonly string[];
  /** How long the fault condition lasts (pauses, Redis down, disk full), ms. */
  readonly holdMs?: number;
  /** Which connections CLIENT KILL cuts: a fraction, chosen by the seed per connection. */
  readonly salt?: number;
}

export interface FaultRecord extends PlannedFault {
  readonly startedAt: number;
  /** When the fault condition ended (Redis back, process resumed, disk freed). */
  endedAt: number;
  /** When the network was whole again (every agent registered and kami answering). */
  upAt?: number;
  readonly detail: string;
}

/** How long the pauses last: past the bus's claim idle time (30 s), so reclaiming is what happens. */
export const PAST_CLAIM_IDLE_MS = 35_000;

/** The faults of a run: each of `classes` in a seeded order, `rounds` times. */
export function faultSchedule(seed: number, classes: readonly FaultClass[], rounds: number): PlannedFault[] {
  const r = prng(seed ^ 0x5eed);
  const out: PlannedFault[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = [...classes];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const cls of order) {
      const pool = [...AGENTS];
      const take = (n: number) => Array.from({ length: n }, () => pool.splice(Math.floor(r() * pool.length), 1)[0]!);
      switch (cls) {
        case 'sigkill-agent':
          out.push({ cls, agents: take(1) });
          break;
        case 'sigkill-agents':
          out.push({ cls, agents: take(2 + Math.floor(r() * 3)) });
          break;
        case 'redis-kill-always':
        case 'redis-kill-everysec':
          out.push({ cls, holdMs: 1_000 + Math.floor(r() * 2_000) });
          break;
        case 'client-kill':
          out.push({ cls, salt: Math.floor(r() * 1e9) });
          break;
        case 'redis-pause':
        case 'lease':
          out.push({ cls, holdMs: PAST_CLAIM_IDLE_MS });
          break;
        case 'supervisor-restart':
          out.push({ cls });
          break;
        case 'disk-full':
          out.push({ cls, holdMs: 8_000 + Math.floor(r() * 7_000) });
          break;
      }
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function signal(pid: number | undefined, sig: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Fill the file system holding `dir` to the last byte; returns the filler's path and size. */
function fillUp(dir: string): { path: string; bytes: number } {
  const path = join(dir, 'chaos-filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  let bytes = 0;
  try {
    for (;;) {
      try {
        bytes += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        // The last megabyte: fill what is left of it in small pieces.
        const small = Buffer.alloc(4096, 0x5a);
        for (;;) {
          try {
            bytes += writeSync(fd, small);
          } catch {
            return { path, bytes };
          }
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Start redis-server again on its AOF. Loading a long run's AOF on a loaded machine can outlast
 * test-redis's 15 s wait for PING (Redis answers LOADING meanwhile); then wait for it as a client would.
 */
async function restartRedis(net: ChaosNetwork): Promise<void> {
  try {
    await net.redis.restart();
    return;
  } catch (err) {
    if (net.redis.pid === undefined) throw err;
  }
  const deadline = Date.now() + 300_000;
  for (;;) {
    const pong = await net.driver.call(['PING']).catch(() => undefined);
    if (pong === 'PONG') return;
    if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 300 s of its restart');
    await sleep(500);
  }
}

/** Inject one fault; resolves once its condition has ended (not once the network has recovered). */
export async function inject(net: ChaosNetwork, f: PlannedFault, ctx: { sqliteDir: string; diskFullPossible: boolean }): Promise<FaultRecord> {
  const startedAt = Date.now();
  const done = (detail: string): FaultRecord => ({ ...f, startedAt, endedAt: Date.now(), detail });
  switch (f.cls) {
    case 'sigkill-agent':
    case 'sigkill-agents': {
      const pids = net.agentPids();
      const hit = f.agents!.filter((a) => signal(pids.get(a), 'SIGKILL'));
      return done(`SIGKILL ${hit.join(', ') || '(none running)'}`);
    }
    case 'redis-kill-always':
    case 'redis-kill-everysec': {
      if (f.cls === 'redis-kill-everysec') {
        await net.driver.call(['CONFIG', 'SET', 'appendfsync', 'everysec']);
        await sleep(1_500);
      }
      await net.redis.kill9();
      await sleep(f.holdMs!);
      await restartRedis(net);
      return done(`redis-server SIGKILLed (${f.cls === 'redis-kill-everysec' ? 'everysec' : 'always'}), down ${f.holdMs} ms, restarted on its AOF`);
    }
    case 'client-kill': {
      const list = String(await net.driver.call(['CLIENT', 'LIST']));
      const r = prng(f.salt!);
      const ids = list
        .split('\n')
        .map((l) => /\bid=(\d+)\b/.exec(l)?.[1])
        .filter((x): x is string => x !== undefined)
        .filter(() => r() < 0.5);
      let killed = 0;
      for (const id of ids) killed += Number(await net.driver.call(['CLIENT', 'KILL', 'ID', id]).catch(() => 0));
      return done(`CLIENT KILL of ${killed} of ${list.split('\n').filter(Boolean).length} connections`);
    }
    case 'redis-pause': {
      const pid = net.redis.pid;
      signal(pid, 'SIGSTOP');
      await sleep(f.holdMs!);
      signal(pid, 'SIGCONT');
      return done(`redis-server SIGSTOP for ${f.holdMs} ms`);
    }
    case 'lease': {
      const pid = net.agentPids().get('ledger');
      signal(pid, 'SIGSTOP');
      await sleep(f.holdMs!);
      signal(pid, 'SIGCONT');
      return done(`ledger (pid ${pid}) SIGSTOP for ${f.holdMs} ms beside a second ledger`);
    }
    case 'supervisor-restart':
      await net.restartSupervisor();
      return done('supervisor SIGKILLed and started again');
    case 'disk-full': {
      if (!ctx.diskFullPossible) return done('skipped: no size-limited file system (mounting a tmpfs needs root)');
      const filler = fillUp(ctx.sqliteDir);
      await sleep(f.holdMs!);
      rmSync(filler.path, { force: true });
      return done(`SQLite file system full for ${f.holdMs} ms (${Math.round(filler.bytes / 1024)} KiB filler)`);
    }
  }
}
