/**
 * A Sentinel failover mid-stream, counted: publishers send 600 messages, 32 in flight (retrying each
 * failed publish with the same id, idempotent), a consumer group handles them, and after the 200th
 * acknowledged publish the master is SIGKILLed; Sentinel promotes a replica. Counted: messages
 * acknowledged to the publisher but never delivered (lost), and messages delivered more than once
 * (duplicated). Run with and without `replicate` (WAIT 1 after each XADD), with replicas in step
 * and with replication held back 300 ms (a slow link). AOF everysec on every server, two replicas.
 * Not in `npm test` (~3 min): `pnpm --filter @hive/bus run topologies`.
 * The figures go to stdout and into BENCHMARKS.md.
 */
import { describe, expect, it } from 'vitest';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { redisCli, startSentinel } from '@hive/test-redis';
import { createBus, DRIVER_KINDS, type DriverKind } from '../src/index.js';
import { memoryLogger, randomPrefix, waitUntil } from './helpers.js';

const TOTAL = 600;
const KILL_AT = 200;
/** Publishes in flight at once (several producers), so that the kill lands on writes not yet replicated. */
const IN_FLIGHT = 32;

interface Trial {
  driver: DriverKind;
  replicate: boolean;
  lagMs: number;
  acknowledged: number;
  delivered: number;
  lost: number;
  duplicated: number;
  publishRetries: number;
  failoverMs: number;
  publishesPerSecondBeforeKill: number;
  /** One publish at a time, before the kill: the median and 99th percentile of 300, in ms. */
  publishP50Ms: number;
  publishP99Ms: number;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * A replication link that can lag: a loopback TCP proxy from a replica to the master. `hold()` keeps
 * what the master sends (writes not yet on the replica, as on a slow link); `cut()` drops it and
 * closes the link, as the master's death does to what was still in flight.
 */
async function laggingLink(masterPort: number): Promise<{ port: number; hold(): void; cut(): void; close(): Promise<void> }> {
  let held = false;
  const pairs: Socket[] = [];
  const server: Server = createServer((replica) => {
    const master = createConnection({ host: '127.0.0.1', port: masterPort });
    pairs.push(replica, master);
    replica.on('data', (d) => master.write(d));
    master.on('data', (d) => void (held || replica.write(d)));
    const end = () => (replica.destroy(), master.destroy());
    replica.on('error', end).on('close', end);
    master.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    hold: () => void (held = true),
    cut: () => {
      for (const sock of pairs) sock.destroy();
      server.close();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * One run. With `lagMs`, the replicas replicate through laggingLink proxies, held for that long
 * before the master is killed: what the master acknowledged meanwhile never reaches them.
 */
async function trial(driver: DriverKind, replicate: boolean, lagMs = 0): Promise<Trial> {
  // Two replicas: after the promotion one is left, so WAIT 1 can still be satisfied.
  const g = await startSentinel({ replicas: 2, node: { aof: true, appendfsync: 'everysec' } });
  const prefix = randomPrefix('fo');
  const bus = await createBus({ url: g.url, driver, prefix, source: 'failover', logger: memoryLogger() });
  const consumerBus = await createBus({ url: g.url, driver, prefix, source: 'failover-consumer', logger: memoryLogger() });
  const links: Awaited<ReturnType<typeof laggingLink>>[] = [];
  if (lagMs > 0) {
    const master = g.servers[0]!;
    for (const r of g.servers.slice(1)) {
      const link = await laggingLink(master.port);
      links.push(link);
      await redisCli(r.port, 'REPLICAOF', '127.0.0.1', String(link.port));
      await waitUntil(async () => (await redisCli(r.port, 'INFO', 'replication')).includes('master_link_status:up'), 30_000, 'replica linked through the proxy');
    }
  }
  const deliveries = new Map<string, number>();
  const acknowledged = new Set<string>();
  let publishRetries = 0;
  let failoverMs = 0;
  let beforeKillMs = 0;
  let latency = { p50: 0, p99: 0 };
  try {
    const sub = consumerBus.subscribe({
      stream: 'orders',
      group: 'billing',
      claimIdleMs: 2_000,
      handler: (m) => void deliveries.set(m.id, (deliveries.get(m.id) ?? 0) + 1),
    });
    await sub.ready;
    // The cost of replicate: one publish at a time, timed (another stream, so nothing is counted twice).
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = process.hrtime.bigint();
      await bus.publish('latency', 'probe', { i }, replicate ? { replicate: true } : {});
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    latency = { p50: round(times[150]!), p99: round(times[296]!) };
    const started = Date.now();
    let killed = false;
    const kill = async () => {
      beforeKillMs = Date.now() - started;
      const old = await g.masterPort();
      if (lagMs > 0) {
        for (const l of links) l.hold();
        await new Promise((r) => setTimeout(r, lagMs));
      }
      const killedAt = Date.now();
      await g.servers.find((s) => s.port === old)!.kill9();
      for (const l of links) l.cut();
      void g.waitForFailover(old, 60_000).then(() => (failoverMs = Date.now() - killedAt));
    };
    // A publisher that retries: the same id, idempotent, until Redis says yes (or a minute has passed).
    const publish = async (i: number) => {
      const id = `m${String(i).padStart(4, '0')}`;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        try {
          await bus.publish('orders', 'order.placed', { i }, { id, idempotent: true, ...(replicate ? { replicate: { timeoutMs: 1_000 } } : {}) });
          acknowledged.add(id);
          // The master dies while publishes are in flight, not between them.
          if (!killed && acknowledged.size >= KILL_AT) {
            killed = true;
            void kill();
          }
          return;
        } catch {
          publishRetries++;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    let next = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < TOTAL) await publish(next++);
    }));
    await waitUntil(() => [...acknowledged].every((id) => deliveries.has(id)) || failoverMs > 0, 60_000, 'the failover');
    // Everything that survived is delivered within a few reclaim rounds; what is missing then is lost.
    await waitUntil(() => [...acknowledged].every((id) => deliveries.has(id)), 15_000, 'every acknowledged message delivered').catch(() => undefined);
    await sub.stop();
  } finally {
    await bus.close().catch(() => undefined);
    await consumerBus.close().catch(() => undefined);
    await g.stop();
    await Promise.all(links.map((l) => l.close().catch(() => undefined)));
  }
  const lost = [...acknowledged].filter((id) => !deliveries.has(id)).length;
  const duplicated = [...deliveries.values()].filter((n) => n > 1).length;
  return {
    driver,
    replicate,
    lagMs,
    acknowledged: acknowledged.size,
    delivered: deliveries.size,
    lost,
    duplicated,
    publishRetries,
    failoverMs,
    publishesPerSecondBeforeKill: Math.round(KILL_AT / (beforeKillMs / 1000)),
    publishP50Ms: latency.p50,
    publishP99Ms: latency.p99,
  };
}

describe.each(DRIVER_KINDS)('Sentinel failover mid-stream on %s', (driver) => {
  it('without replicate: counts what a SIGKILLed master takes with it', async () => {
    const t = await trial(driver, false);
    console.log(`FAILOVER ${JSON.stringify(t)}`);
    expect(t.acknowledged).toBe(TOTAL);
    // Whatever was lost, nothing was delivered that was never published.
    expect(t.delivered).toBeLessThanOrEqual(TOTAL);
  }, 180_000);

  it('with replicate (WAIT 1): nothing acknowledged is lost', async () => {
    const t = await trial(driver, true);
    console.log(`FAILOVER ${JSON.stringify(t)}`);
    expect(t.acknowledged).toBe(TOTAL);
    expect(t.lost).toBe(0);
  }, 180_000);

  it('replication held 300 ms before the kill: without replicate what they missed is lost; with it, nothing', async () => {
    const without = await trial(driver, false, 300);
    console.log(`FAILOVER ${JSON.stringify(without)}`);
    const withWait = await trial(driver, true, 300);
    console.log(`FAILOVER ${JSON.stringify(withWait)}`);
    expect(without.acknowledged).toBe(TOTAL);
    expect(without.lost).toBeGreaterThan(0);
    expect(withWait.acknowledged).toBe(TOTAL);
    expect(withWait.lost).toBe(0);
  }, 360_000);
});
