/**
 * The network case's floors: `pinger` times PING round trips on a raw socket to a redis-server this
 * test starts, and the report prints them beside the network's latency (results saved before the
 * floor was measured still render); the bare path (bare-path.mjs, the baseline) answers every
 * message through the simulator's client and is measured and printed as the network is. No
 * wall-clock thresholds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { HOPS, measureRate, pinger, renderNetwork, startBarePath, type NetworkResult } from '../src/network.js';

const hops = Object.fromEntries(HOPS.map((h) => [h, { p50: 1, p99: 2, mean: 1.5 }])) as NetworkResult['hops'];
const row = (extra: Partial<NetworkResult> = {}): NetworkResult => ({
  mode: 'host',
  rate: 2,
  sent: 20,
  unanswered: 0,
  count: 20,
  p50: 11,
  p95: 20,
  p99: 27,
  max: 27,
  mean: 12,
  hops,
  agentsCpuMsPerMsg: 24.3,
  redisCpuMsPerMsg: 2.89,
  load: [0.3, 0.5],
  ...extra,
});

describe('the network floor', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('times PING round trips on a raw socket, one answer per PING', async () => {
    const p = await pinger(server.url);
    try {
      const rtts = [await p.rtt(), await p.rtt(), await p.rtt()];
      for (const us of rtts) {
        expect(Number.isFinite(us)).toBe(true);
        expect(us).toBeGreaterThan(0);
      }
    } finally {
      p.close();
    }
  });

  it('prints the spaced and back-to-back PING beside the latency, and a dash for results saved before it', () => {
    const lines = renderNetwork([row({ pingUs: { spaced: 283.4, backToBack: 14.2 } }), row({ rate: 50 })]);
    const header = lines.find((l) => l.startsWith('| mode'))!;
    const column = header.split('|').map((c) => c.trim()).indexOf('PING µs, spaced / back to back');
    expect(column).toBeGreaterThan(0);
    const cells = lines.filter((l) => l.startsWith('| one process')).map((l) => l.split('|').map((c) => c.trim())[column]);
    expect(cells).toEqual(['283 / 14', '–']);
  });

  it('measures the bare path as it measures the network: every message answered, no hops to read, a row of its own', async () => {
    const bare = await startBarePath();
    let r: NetworkResult;
    try {
      expect(bare.pids()).toHaveLength(1);
      r = await measureRate(bare, 20, 12);
    } finally {
      await bare.stop();
    }
    expect(r.mode).toBe('bare');
    expect(r.sent).toBe(12);
    expect(r.unanswered).toBe(0);
    for (const v of [r.p50, r.p99, r.mean]) expect(Number.isFinite(v) && v >= 0).toBe(true);
    expect(r.p50).toBeLessThanOrEqual(r.p99);
    expect(Number.isFinite(r.agentsCpuMsPerMsg)).toBe(true);
    // No envelope: the hops cannot be read back, and say so rather than a made-up figure.
    for (const h of HOPS) expect(Number.isNaN(r.hops[h].p50)).toBe(true);
    const lines = renderNetwork([row(), r]);
    const bareRow = lines.find((l) => l.startsWith('| bare path (baseline)'));
    expect(bareRow).toBeDefined();
    expect(bareRow).toContain('| 20/s |');
    expect(bareRow).toContain('– / – / –');
  }, 60_000);
});
