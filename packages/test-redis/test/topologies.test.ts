/** A 3-master cluster and a Sentinel group on loopback: they start, answer, fail over, and stop. */
import { describe, expect, it } from 'vitest';
import { redisCli, startCluster, startSentinel } from '../src/index.js';

describe('startCluster', () => {
  it('starts three masters that split the slots between them, and stops them', async () => {
    const c = await startCluster();
    try {
      expect(c.url).toBe(`redis+cluster://${c.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`);
      const info = await redisCli(c.nodes[0]!.port, 'CLUSTER', 'INFO');
      expect(info).toContain('cluster_known_nodes:3');
      expect(info).toContain('cluster_slots_assigned:16384');
      expect((await redisCli(c.nodes[1]!.port, 'CLUSTER', 'KEYSLOT', 'hive:s:{wa.inbound}')).trim()).toBe(
        (await redisCli(c.nodes[1]!.port, 'CLUSTER', 'KEYSLOT', 'hive:dlq:{wa.inbound}:vox')).trim(),
      );
    } finally {
      await c.stop();
    }
    expect(c.nodes.every((n) => n.pid === undefined)).toBe(true);
  });
});

describe('startSentinel', () => {
  it('starts a master, a replica and three Sentinels; a SIGKILLed master is replaced by the replica', async () => {
    const g = await startSentinel();
    try {
      const first = await g.masterPort();
      expect(first).toBe(g.servers[0]!.port);
      expect(g.url).toBe(`redis+sentinel://${g.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/mymaster`);
      await g.servers[0]!.kill9();
      const promoted = await g.waitForFailover(first);
      expect(promoted).toBe(g.servers[1]!.port);
    } finally {
      await g.stop();
    }
    expect([...g.servers, ...g.sentinels].every((s) => s.pid === undefined)).toBe(true);
  });
});
