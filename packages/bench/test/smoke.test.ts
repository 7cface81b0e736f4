/**
 * The bench cannot rot: every case runs end to end with tiny counts against a redis-server this
 * test starts (plus NATS and RabbitMQ when they answer on localhost), and each figure must be a
 * sane number. No wall-clock thresholds: this machine is shared and the figures mean nothing here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { renderMarkdown, runBench, SMOKE, type BenchResults } from '../src/index.js';

const sane = (n: number | undefined) => typeof n === 'number' && Number.isFinite(n) && n > 0;

describe('bench smoke', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ aof: true, appendfsync: 'everysec' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs every case on every system that answers and reports sane figures', async () => {
    const r: BenchResults = await runBench({ sizes: SMOKE, mode: 'smoke', redisUrl: server.url });
    expect(r.errors).toEqual([]);
    const ran = Object.keys(r.meta.systems);
    // The Redis-based systems always run; NATS and RabbitMQ only when they answer.
    for (const id of ['raw-ioredis', 'raw-ioredis-envelope', 'raw-node-redis', 'hive-ioredis', 'hive-node-redis', 'bullmq']) expect(ran).toContain(id);
    for (const s of r.skipped) expect(['nats', 'rabbitmq']).toContain(s.id);

    for (const c of ['publish-one', 'publish-batch', 'consume-c1', 'consume-c64'] as const) {
      const rows = r.throughput.filter((t) => t.case === c);
      expect(rows.map((t) => t.system).sort()).toEqual([...ran].sort());
      for (const t of rows) {
        expect(sane(t.median), `${c} ${t.system} msg/s`).toBe(true);
        expect(t.capped, `${c} ${t.system} handled every message`).toBe(false);
        expect(sane(t.clientCpuUsPerMsg), `${c} ${t.system} client CPU`).toBe(true);
        if (t.redisCpuUsPerMsg !== undefined) expect(Number.isFinite(t.redisCpuUsPerMsg) && t.redisCpuUsPerMsg >= 0).toBe(true);
      }
    }
    expect(r.latency.map((l) => l.system).sort()).toEqual([...ran].sort());
    for (const l of r.latency) {
      expect(l.lost, `${l.system} lost nothing`).toBe(0);
      for (const v of [l.p50, l.p95, l.p99, l.max, l.achievedRate]) expect(sane(v), `${l.system} latency`).toBe(true);
      expect(l.p50).toBeLessThanOrEqual(l.max);
    }
    // Every system with request/reply (all but the raw envelope variant) answered.
    expect(r.requestReply.map((q) => q.system).sort()).toEqual(ran.filter((id) => id !== 'raw-ioredis-envelope').sort());
    for (const q of r.requestReply) for (const v of [q.p50, q.p99, q.perSecond]) expect(sane(v), `${q.system} request/reply`).toBe(true);

    expect(r.memory).toBeDefined();
    for (const row of r.memory!.rows) expect(sane(row.bytesPerEntry), row.label).toBe(true);
    expect(Number.isFinite(r.memory!.envelopeOverhead)).toBe(true);
    expect(Number.isFinite(r.memory!.envelopeOverheadMean)).toBe(true);
    expect(r.rss.map((x) => x.system)).toEqual(['hive-ioredis']);
    for (const x of r.rss) expect(sane(x.rssMb)).toBe(true);

    const md = renderMarkdown(r);
    expect(md).toContain('### Targets (issue 7)');
    expect(md).not.toMatch(/NaN|undefined/);
  }, 60_000);

  it('skips NATS and RabbitMQ with a note when they do not answer', async () => {
    const r = await runBench({
      sizes: SMOKE,
      mode: 'smoke',
      redisUrl: server.url,
      natsUrl: '127.0.0.1:1',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:1',
      systems: ['raw-ioredis', 'nats', 'rabbitmq'],
      only: ['publish-one'],
    });
    expect(r.errors).toEqual([]);
    expect(r.skipped.map((s) => s.id).sort()).toEqual(['nats', 'rabbitmq']);
    for (const s of r.skipped) expect(s.reason.length).toBeGreaterThan(0);
    expect(r.throughput.map((t) => t.system)).toEqual(['raw-ioredis']);
    expect(renderMarkdown(r)).toContain('skipped `nats`');
  }, 30_000);
});
