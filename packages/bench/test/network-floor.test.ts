/**
 * The network case's floor under a hop: `pinger` times PING round trips on a raw socket to a
 * redis-server this test starts, and the report prints them beside the network's latency (results
 * saved before the floor was measured still render). No wall-clock thresholds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { HOPS, pinger, renderNetwork, type NetworkResult } from '../src/network.js';

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
});
