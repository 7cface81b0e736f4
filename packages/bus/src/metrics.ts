/**
 * Prometheus metrics for a bus, with prom-client: an observer that counts what the bus does, and
 * gauges of lag and pending per group read from Redis at scrape time.
 *
 *   hive_published_total{stream,type}
 *   hive_handled_total{stream,group,type,outcome}      outcome: acked | retried | dead_lettered | skipped | duplicate
 *   hive_handle_duration_seconds{stream,group}         histogram
 *   hive_retried_total{stream,group}
 *   hive_reclaimed_total{stream,group}
 *   hive_dead_lettered_total{stream,group,reason}
 *   hive_trimmed_pending_total{stream,group}
 *   hive_lease_lost_total{stream,group}
 *   hive_group_lag{stream,group}                       entries not yet read by the group
 *   hive_group_pending{stream,group}                   entries read but not acked
 *   hive_dead_letters{stream}                          length of the dead-letter stream
 */
import { deadLetterKeys } from './dead-letter-admin.js';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { xinfoGroups } from './commands.js';
import type { RedisDriver } from './drivers/driver.js';
import type { Keys } from './keys.js';
import type { BusObserver } from './observer.js';

export interface BusMetricsOptions {
  /** Register into this registry. @defaultValue a new Registry */
  registry?: Registry;
  /** For the lag/pending gauges: where to read them. Omit to skip those gauges. */
  redis?: { driver: RedisDriver; keys: Keys; streams: () => readonly string[] };
}

export interface BusMetrics {
  readonly registry: Registry;
  readonly observer: BusObserver;
}

/** Create the bus's metrics; attach `observer` with `bus.observe()` or pass it in BusOptions.observers. */
export function createBusMetrics(opts: BusMetricsOptions = {}): BusMetrics {
  const registry = opts.registry ?? new Registry();
  const registers = [registry];
  const published = new Counter({ name: 'hive_published_total', help: 'Messages published', labelNames: ['stream', 'type'], registers });
  const handled = new Counter({
    name: 'hive_handled_total',
    help: 'Entries handled, by outcome',
    labelNames: ['stream', 'group', 'type', 'outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'hive_handle_duration_seconds',
    help: 'Handler duration',
    labelNames: ['stream', 'group'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const retried = new Counter({ name: 'hive_retried_total', help: 'Failed deliveries scheduled for retry', labelNames: ['stream', 'group'], registers });
  const reclaimed = new Counter({ name: 'hive_reclaimed_total', help: 'Entries reclaimed from idle consumers', labelNames: ['stream', 'group'], registers });
  const dead = new Counter({ name: 'hive_dead_lettered_total', help: 'Entries dead-lettered', labelNames: ['stream', 'group', 'reason'], registers });
  const trimmed = new Counter({
    name: 'hive_trimmed_pending_total',
    help: 'Pending entries trimmed from the stream before they were handled',
    labelNames: ['stream', 'group'],
    registers,
  });
  const leaseLost = new Counter({ name: 'hive_lease_lost_total', help: 'Leases lost while handling', labelNames: ['stream', 'group'], registers });

  const redis = opts.redis;
  if (redis) {
    // One XINFO GROUPS per stream per scrape, shared by the two gauges.
    type Snapshot = Map<string, { group: string; lag: number | null; pending: number }[]>;
    let snapshot: Promise<Snapshot> | undefined;
    let snapshotAt = 0;
    const read = (): Promise<Snapshot> => {
      if (!snapshot || Date.now() - snapshotAt > 500) {
        snapshotAt = Date.now();
        snapshot = (async () => {
          const out: Snapshot = new Map();
          for (const stream of redis.streams()) {
            const groups = await xinfoGroups(redis.driver, redis.keys.stream(stream));
            out.set(stream, groups.map((g) => ({ group: g.name, lag: g.lag, pending: g.pending })));
          }
          return out;
        })();
      }
      return snapshot;
    };
    new Gauge({
      name: 'hive_group_lag',
      help: 'Entries in the stream not yet read by the group',
      labelNames: ['stream', 'group'],
      registers,
      async collect() {
        this.reset();
        for (const [stream, groups] of await read()) for (const g of groups) if (g.lag !== null) this.set({ stream, group: g.group }, g.lag);
      },
    });
    new Gauge({
      name: 'hive_group_pending',
      help: 'Entries read by the group but not acked',
      labelNames: ['stream', 'group'],
      registers,
      async collect() {
        this.reset();
        for (const [stream, groups] of await read()) for (const g of groups) this.set({ stream, group: g.group }, g.pending);
      },
    });
    new Gauge({
      name: 'hive_dead_letters',
      help: 'Dead letters of the stream, every group\'s',
      labelNames: ['stream'],
      registers,
      async collect() {
        this.reset();
        for (const stream of redis.streams()) {
          let n = 0;
          for (const key of await deadLetterKeys(redis.driver, redis.keys, stream)) n += Number(await redis.driver.call(['XLEN', key]));
          this.set({ stream }, n);
        }
      },
    });
  }

  const observer: BusObserver = {
    published: (e) => published.inc({ stream: e.stream, type: e.type }),
    handled: (e) => {
      handled.inc({ stream: e.stream, group: e.group, type: e.type, outcome: e.outcome });
      if (e.outcome === 'acked' || e.outcome === 'retried') duration.observe({ stream: e.stream, group: e.group }, e.durationMs / 1000);
      if (e.outcome === 'retried') retried.inc({ stream: e.stream, group: e.group });
    },
    reclaimed: (e) => reclaimed.inc({ stream: e.stream, group: e.group }, e.count),
    deadLettered: (e) => dead.inc({ stream: e.stream, group: e.group, reason: e.reason }),
    trimmedWhilePending: (e) => trimmed.inc({ stream: e.stream, group: e.group }, e.count),
    leaseLost: (e) => leaseLost.inc({ stream: e.stream, group: e.group }, e.count),
  };
  return { registry, observer };
}
