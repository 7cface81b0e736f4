/**
 * sentinel, the watchdog: reads the bus's metadata (registry, XINFO, dead letters, INFO/CONFIG)
 * rather than any stream, and alerts the owner on ops.alert (kami sends it) when an agent's
 * heartbeat stops, a group's lag or pending count or a stream's dead letters pass their threshold,
 * or Redis is set up wrongly for a bus; once per condition, with a recovery notice when it clears.
 * GET /network on its HTTP server answers the network's overall health.
 */
import { defineAgent } from '@hive/agent';
import { sentinelConfig } from './config.js';
import { startWatch, type Watch } from './watch.js';

export interface SentinelOptions {
  /** The clock alerts are stamped with. @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** A sentinel definition with its own watch; `sentinel` below is the one the process runs. */
export function createSentinel(options: SentinelOptions = {}) {
  const now = options.now ?? (() => new Date());
  let watch: Watch | undefined;

  return defineAgent({
    name: 'sentinel',
    version: '0.1.0',
    description: 'Watchdog: tells the owner when an agent stops, a queue backs up, messages dead-letter or Redis is set up wrongly, and when it recovers.',
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
      });
      return () => watch?.stop();
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
