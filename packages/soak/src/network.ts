/**
 * The 13 agents for the soak, in this process, with their real definitions and handlers, on one
 * Redis (as `npm start` runs them, minus the process boundaries). What the soak changes, and why:
 *   - every retention window is multiplied by one factor, `scale` (a simulated day is `dayMs` real
 *     ms): the streams' retention (sentinel's janitor), the handled marks' TTL, the idempotent publish
 *     windows of kami and hermes, kami's media retention, BullMQ's finished-job ages, archivist's age
 *     limit, and the janitor's, sweeper's and pruner's periods. (sentinel's few alert notices keep the
 *     bus's 24 h publish window, and box keeps meals its 90 real days: user data, as on day 90 of a
 *     real network.);
 *   - kami's port is the soak's (no HTTP, no browser) and its per-chat send rate is lifted (a
 *     compressed day sends a chat hundreds of replies a minute; the rate limiter would turn that into
 *     retries, which is not what a real day does);
 *   - vox's transcriber is a fake that reads back the words the fake audio was made from;
 *   - logs below warn are dropped; warnings and errors go to a file and are counted.
 * Heartbeats, request timeouts, claim and retry timings stay real: they are about processes, not days.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { startAgent, type AgentHandle, type AnyAgentDefinition, type StartAgentOptions } from '@hive/agent';
import type { BusObserver, HandleOutcome, Logger } from '@hive/bus';
import { createAdopter } from '../../../apps/adopter/src/agent.js';
import { createArchivist } from '../../../apps/archivist/src/agent.js';
import type { PruneResult } from '../../../apps/archivist/src/history-store.js';
import { createAtlas } from '../../../apps/atlas/src/agent.js';
import { createBox } from '../../../apps/box/src/agent.js';
import { createHerald } from '../../../apps/herald/src/agent.js';
import { createHermes } from '../../../apps/hermes/src/agent.js';
import { iris } from '../../../apps/iris/src/agent.js';
import { createKami } from '../../../apps/kami/src/agent.js';
import { createLedger } from '../../../apps/ledger/src/agent.js';
import { createPulse } from '../../../apps/pulse/src/agent.js';
import { createScribe } from '../../../apps/scribe/src/agent.js';
import { createSentinel } from '../../../apps/sentinel/src/agent.js';
import type { JanitorPass } from '../../../apps/sentinel/src/janitor.js';
import { createVox } from '../../../apps/vox/src/agent.js';
import type { Transcriber } from '../../../apps/vox/src/transcriber.js';
import type { SweepResult } from '@hive/blobs';
import { saidIn } from './load.js';
import type { SoakPort } from './soak-port.js';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface SoakNetworkOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly dataDir: string;
  /** Real ms per simulated day. */
  readonly dayMs: number;
  readonly port: SoakPort;
  /** Where warnings and errors are written. */
  readonly logFile: string;
}

/** What the network did, counted from every agent's bus and from the janitor, sweeper and pruner. */
export interface Counters {
  published: number;
  /** Final outcome counts per "stream group". */
  outcomes: Map<string, Record<HandleOutcome, number>>;
  deadLettered: number;
  trimmedWhilePending: number;
  janitorPasses: number;
  janitorTrimmed: number;
  janitorFailed: number;
  /** Streams a pass found held back (group, stream), counted per pass. */
  heldBack: number;
  sweeps: SweepResult[];
  prunes: PruneResult[];
  warnings: number;
  errors: number;
  /** The most frequent warning and error messages, for the report. */
  messages: Map<string, number>;
}

export interface SoakNetwork {
  readonly agents: readonly AgentHandle[];
  readonly counters: Counters;
  readonly scale: number;
  stop(): Promise<void>;
}

/** A logger that keeps warnings and errors (to a file, counted) and drops the rest. */
function soakLogger(out: WriteStream, counters: Counters, bindings: Record<string, unknown>): Logger {
  const write = (level: 'warn' | 'error') => (obj: Record<string, unknown>, msg?: string) => {
    if (level === 'warn') counters.warnings++;
    else counters.errors++;
    const key = `${level} ${String(bindings.agent ?? '?')}: ${msg ?? ''}`;
    counters.messages.set(key, (counters.messages.get(key) ?? 0) + 1);
    out.write(`${JSON.stringify({ t: new Date().toISOString(), level, ...bindings, ...obj, msg })}\n`);
  };
  return { debug: () => undefined, info: () => undefined, warn: write('warn'), error: write('error'), child: (b) => soakLogger(out, counters, { ...bindings, ...b }) };
}

/** A transcriber that reads the words back out of the soak's fake audio, after a short "upload". */
const fakeTranscriber: Transcriber = {
  model: 'soak-fake',
  async transcribe(file) {
    return { text: saidIn(file.bytes) };
  },
};

/** Any definition, whatever its config and writes (archivist writes nothing: `never` does not widen). */
const anyAgent = (d: unknown) => d as AnyAgentDefinition;

/** Start the 13 agents with the soak's scaled windows; resolves when all are running. */
export async function startSoakNetwork(o: SoakNetworkOptions): Promise<SoakNetwork> {
  const scale = o.dayMs / DAY_MS;
  const scaled = (ms: number, min = 1) => Math.max(min, Math.round(ms * scale));
  const counters: Counters = {
    published: 0,
    outcomes: new Map(),
    deadLettered: 0,
    trimmedWhilePending: 0,
    janitorPasses: 0,
    janitorTrimmed: 0,
    janitorFailed: 0,
    heldBack: 0,
    sweeps: [],
    prunes: [],
    warnings: 0,
    errors: 0,
    messages: new Map(),
  };
  const log = createWriteStream(o.logFile, { flags: 'a' });
  const onJanitorPass = (p: JanitorPass) => {
    counters.janitorPasses++;
    counters.janitorFailed += p.failed.length;
    for (const x of p.outcomes) {
      counters.janitorTrimmed += x.trimmed;
      if (x.heldBackBy) counters.heldBack++;
    }
  };
  const dayS = Math.max(1, Math.round(86_400 * scale));
  const definitions: { def: AnyAgentDefinition; env?: Record<string, string>; idempotent?: boolean }[] = [
    {
      def: createKami({ createPort: () => o.port, onSweep: (r) => void counters.sweeps.push(r) }),
      env: {
        KAMI_DEDUP_WINDOW_MS: String(scaled(DAY_MS)),
        KAMI_MEDIA_RETENTION_DAYS: String(7 * scale),
        KAMI_MEDIA_SWEEP_MS: String(scaled(HOUR_MS, 50)),
        KAMI_RATE_PER_MINUTE: '10000',
        KAMI_RATE_BURST: '1000',
        // ...and takes a sender's messages at that pace too (the per-sender inbound limit).
        KAMI_INBOUND_PER_MINUTE: '100000',
        KAMI_INBOUND_BURST: '100000',
      },
    },
    { def: createVox({ transcriber: fakeTranscriber }) },
    { def: iris },
    { def: createBox() },
    { def: createAdopter() },
    {
      def: createHermes({ bullBounds: { completed: { age: dayS, count: 5_000 }, failed: { age: 7 * dayS, count: 1_000 }, eventsMaxLen: 1_000 }, publishWindowMs: scaled(DAY_MS) }),
      env: { HERMES_BRIEFING_AT: '' },
    },
    { def: createLedger() },
    { def: createScribe() },
    { def: createAtlas() },
    { def: createPulse() },
    { def: createHerald() },
    // archivist handles by (stream, id), not by handled marks: no idempotency TTL to scale.
    { def: anyAgent(createArchivist({ onPrune: (r) => void counters.prunes.push(r) })), env: { ARCHIVIST_MAX_AGE_DAYS: String(730 * scale), ARCHIVIST_PRUNE_MS: String(scaled(HOUR_MS, 100)) }, idempotent: false },
    {
      def: createSentinel({ retentionScale: scale, onJanitorPass }),
      // The janitor every 1/48 of a day (the real default, 60 s, is 1/1440: too often for a day of seconds).
      env: { SENTINEL_POLL_MS: '1000', SENTINEL_JANITOR_MS: String(Math.max(100, Math.round(o.dayMs / 48))) },
    },
  ];
  const observer: BusObserver = {
    published: () => void counters.published++,
    handled: (e) => {
      if (e.outcome === 'retried') return;
      const key = `${e.stream} ${e.group}`;
      const c = counters.outcomes.get(key) ?? { acked: 0, retried: 0, dead_lettered: 0, skipped: 0, duplicate: 0 };
      c[e.outcome]++;
      counters.outcomes.set(key, c);
    },
    deadLettered: () => void counters.deadLettered++,
    trimmedWhilePending: (e) => void (counters.trimmedWhilePending += e.count),
  };

  const agents: AgentHandle[] = [];
  const common = {
    REDIS_URL: o.redisUrl,
    HIVE_PREFIX: o.prefix,
    HIVE_HTTP_PORT: '0',
    HIVE_HTTP_HOST: '127.0.0.1',
    HIVE_INSTANCE: 'soak',
    HIVE_DATA_DIR: o.dataDir,
    HIVE_TZ: 'UTC',
    HIVE_LOG_LEVEL: 'warn',
  };
  try {
    for (const d of definitions) {
      const options: StartAgentOptions = {
        env: { ...common, ...d.env },
        logger: soakLogger(log, counters, { agent: d.def.name }),
        ...(d.idempotent === false ? {} : { streamDefaults: { idempotent: { ttlMs: scaled(DAY_MS) } } }),
      };
      const h = await startAgent(d.def, options);
      h.bus.observe(observer);
      agents.push(h);
    }
  } catch (err) {
    for (const a of agents.reverse()) await a.stop().catch(() => undefined);
    log.end();
    throw err;
  }
  return {
    agents,
    counters,
    scale,
    async stop() {
      // Producers first (kami, hermes's timers), then the rest; each finishes and acks what it holds.
      for (const a of [...agents].reverse()) await a.stop().catch(() => undefined);
      await new Promise<void>((r) => log.end(r));
    },
  };
}

/** Where the agents keep their files under the soak's data dir. */
export function dataPaths(dataDir: string) {
  return { blobs: join(dataDir, 'blobs'), archive: join(dataDir, 'archivist', 'history.db'), spool: join(dataDir, 'kami', 'spool') };
}
