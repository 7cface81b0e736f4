/**
 * sentinel, the watchdog: reads the bus's metadata (registry, XINFO, dead letters, INFO/CONFIG)
 * rather than any stream, and alerts the owner on ops.alert (kami sends it) when an agent's
 * heartbeat stops, a group's lag or pending count or a stream's dead letters pass their threshold,
 * entries a group had not read are deleted, another agent acks, claims or drops entries in an
 * agent's group, or Redis is set up wrongly for a bus; once per condition, with a recovery notice
 * when it clears.
 * GET /network on its HTTP server answers the network's overall health.
 */
import { defineAgent } from '@hive/agent';
import { catalogue as hiveCatalogue, physicalStreams, scaleRetention, type Catalogue } from '@hive/contracts';
import { sentinelConfig } from './config.js';
import type { Observation } from './domain/checks.js';
import { memoryCondition, memoryOverRatio } from './domain/memory.js';
import { startJanitor, type Janitor, type JanitorPass } from './janitor.js';
import { tamperingCheck } from './group-tampering.js';
import { familyUsage, type FamilyReport } from './memory-families.js';
import { startWatch, type Watch } from './watch.js';

export interface SentinelOptions {
  /** The clock alerts are stamped with. @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** The streams and their retention. @defaultValue the Hive catalogue */
  readonly catalogue?: Pick<Catalogue, 'streams'>;
  /** Multiply every retention window by this (the soak compresses days into seconds). @defaultValue 1 */
  readonly retentionScale?: number;
  /** How long an alert for acks, claims or consumer deletions in an agent's group by someone else stays firing after the last sign. @defaultValue 10 minutes */
  readonly tamperingHoldMs?: number;
  /** Called after each janitor pass. */
  readonly onJanitorPass?: (pass: JanitorPass) => void;
}

/** How long a key-family report is reused while memory stays high: scanning every key is not for every poll. */
const FAMILY_REPORT_TTL_MS = 5 * 60_000;

/** A sentinel definition with its own watch; `sentinel` below is the one the process runs. */
export function createSentinel(options: SentinelOptions = {}) {
  const now = options.now ?? (() => new Date());
  const scale = options.retentionScale ?? 1;
  // A partitioned stream is trimmed shard by shard, each to the stream's retention (a shard is a stream).
  const streams = (options.catalogue ?? hiveCatalogue).streams.flatMap((s) =>
    physicalStreams(s).map((name) => ({ name, retention: scale === 1 ? s.retention : scaleRetention(s.retention, scale) })),
  );
  // A shard's group is checked by its stream's name in the agents' records.
  const split = new Map((options.catalogue ?? hiveCatalogue).streams.flatMap((s) => (s.partitions ? [[s.name, s.partitions] as const] : [])));
  const partitions = { partitioning: (stream: string) => split.get(stream) };
  let watch: Watch | undefined;
  let janitor: Janitor | undefined;

  return defineAgent({
    name: 'sentinel',
    version: '0.1.0',
    description: 'Watchdog: tells the owner when an agent stops, a queue backs up, messages dead-letter or Redis is set up wrongly or fills up, and when it recovers; trims every stream to its retention.',
    skills: [
      {
        name: 'watchdog alerts',
        description: 'Sends you an alert (once) when something breaks, and a note when it is fixed; nothing to ask, it watches on its own',
        examples: ['🚨 CRITICAL · box: box has sent no heartbeat for 20 s', '✅ Resolved: box is back: heartbeats again'],
      },
    ],
    config: sentinelConfig,
    reads: {},
    writes: ['ops.alert'],
    start(ctx) {
      const c = ctx.config;
      janitor = startJanitor({
        bus: ctx.bus,
        log: ctx.log.child({ part: 'janitor' }),
        streams,
        intervalMs: c.SENTINEL_JANITOR_MS,
        grace: c.SENTINEL_RETENTION_GRACE,
        now,
        ...(options.onJanitorPass ? { onPass: options.onJanitorPass } : {}),
      });
      const j = janitor;
      let report: { at: number; value: FamilyReport } | undefined;
      const memory = async (seen: Observation, at: Date) => {
        if (!memoryOverRatio(seen.redis, c.SENTINEL_MEMORY_MAX_RATIO)) {
          report = undefined;
          return [];
        }
        if (!report || at.getTime() - report.at > FAMILY_REPORT_TTL_MS) report = { at: at.getTime(), value: await familyUsage(ctx.bus, undefined, seen.redis.usedMemory, streams.map((s) => s.name)) };
        const cond = memoryCondition(seen.redis, c.SENTINEL_MEMORY_MAX_RATIO, report.value.families);
        return cond ? [cond] : [];
      };
      watch = startWatch({
        bus: ctx.bus,
        publish: ctx.publish,
        log: ctx.log,
        self: ctx.agent,
        thresholds: { lagMax: c.SENTINEL_LAG_MAX, pendingMax: c.SENTINEL_PENDING_MAX, deadLettersMax: c.SENTINEL_DEAD_LETTERS_MAX, memoryMaxRatio: c.SENTINEL_MEMORY_MAX_RATIO, modelDownMs: c.SENTINEL_MODEL_DOWN_MS },
        pollMs: c.SENTINEL_POLL_MS,
        pollTimeoutMs: c.SENTINEL_POLL_TIMEOUT_MS,
        now,
        signal: ctx.signal,
        // A split stream's unsplit key too: a group from before the split may still drain it (@hive/bus
        // partitions.ts), and its lag, pending list and tampering are watched there (absent: skipped).
        streams: [...streams.map((s) => s.name), ...split.keys()],
        checks: [() => j.conditions(), memory, tamperingCheck(ctx.bus, options.tamperingHoldMs, partitions)],
      });
      return async () => {
        await Promise.all([watch?.stop(), janitor?.stop()]);
      };
    },
    routes: {
      async '/network'(_req, res) {
        const health = watch ? (watch.health ?? (await watch.poll())) : undefined;
        const body = health ?? { status: 'down', reason: 'sentinel is starting' };
        res.writeHead(body.status === 'down' ? 503 : 200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(`${JSON.stringify(body, null, 2)}\n`);
      },
    },
  });
}

/** The sentinel the process runs. */
export const sentinel = createSentinel();
