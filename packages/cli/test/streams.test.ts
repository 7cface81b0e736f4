/** `hive streams`, `hive groups`, `hive pending` against a real Redis, on both drivers. */
import { describe, expect, it } from 'vitest';
import { deadLetterFields } from '@hive/bus/admin';
import { DRIVER_KINDS } from '@hive/bus';
import { hive, makeBus, randomPrefix, rawDriver, useRedis } from './helpers.js';

const redis = useRedis();

/**
 * orders: 3 entries; group "audit" at 0 has read nothing (lag 3); group "billing" holds 2 entries
 * pending on consumer b1 (lag 1); one dead letter. alerts: 1 entry, no group. gone: only a dead letter.
 */
async function seed(prefix: string) {
  const bus = await makeBus(redis(), prefix);
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await bus.publish('orders', 'demo.order', { n: i }));
  await bus.publish('alerts', 'demo.alert', { level: 'warn' });
  const d = bus.driver;
  const orders = `${prefix}s:{orders}`;
  await d.call(['XGROUP', 'CREATE', orders, 'audit', '0']);
  await d.call(['XGROUP', 'CREATE', orders, 'billing', '0']);
  await d.call(['XREADGROUP', 'GROUP', 'billing', 'b1', 'COUNT', '2', 'STREAMS', orders, '>']);
  const info = { stream: 'orders', entryId: ids[0]!.entryId, group: 'billing', consumer: 'b1', deliveryCount: 5, reason: 'MAX_DELIVERIES', error: 'boom', at: 1 };
  await d.call(['XADD', `${prefix}dlq:{orders}`, '*', ...deadLetterFields(info, ['type', 'demo.order'])]);
  await d.call(['XADD', `${prefix}dlq:{gone}`, '*', ...deadLetterFields({ ...info, stream: 'gone' }, null)]);
  await bus.close();
  return ids;
}

describe.each(DRIVER_KINDS)('on %s', (driver) => {
  const run = (argv: string[], prefix: string) => hive([...argv, '--driver', driver], { url: redis().url, prefix });

  describe('streams', () => {
    it('--json: length, groups, consumers, pending, lag and dead letters of every stream', async () => {
      const prefix = randomPrefix();
      const ids = await seed(prefix);
      const r = await run(['streams', '--json'], prefix);
      expect(r.code).toBe(0);
      const streams = r.json();
      expect(streams.map((s: { stream: string }) => s.stream)).toEqual(['alerts', 'gone', 'orders']);
      expect(streams[0]).toMatchObject({ stream: 'alerts', length: 1, groups: [], consumers: 0, pending: 0, lag: 0, deadLetters: 0, retention: null });
      expect(streams[1]).toMatchObject({ stream: 'gone', length: 0, firstEntryId: null, groups: [], deadLetters: 1 });
      expect(streams[2]).toMatchObject({
        stream: 'orders',
        length: 3,
        firstEntryId: ids[0]!.entryId,
        lastEntryId: ids[2]!.entryId,
        consumers: 1,
        pending: 2,
        lag: 3,
        deadLetters: 1,
      });
      expect(streams[2].groups.map((g: { name: string; lag: number; pending: number }) => [g.name, g.lag, g.pending])).toEqual([
        ['audit', 3, 0],
        ['billing', 1, 2],
      ]);
    });

    it('prints an aligned table', async () => {
      const prefix = randomPrefix();
      await seed(prefix);
      const r = await run(['streams'], prefix);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^STREAM\s+LENGTH\s+GROUPS\s+CONSUMERS\s+PENDING\s+LAG\s+DLQ\s+RETENTION\s*$/);
      expect(lines[3]).toMatch(/^orders\s+3\s+2\s+1\s+2\s+3\s+1\s+-\s*$/);
      // Aligned: the numbers end where their header ends, and the retention starts under its header.
      const dlqEnd = lines[0]!.indexOf('DLQ') + 3;
      const retention = lines[0]!.indexOf('RETENTION');
      for (const l of lines.slice(1)) {
        expect(l[dlqEnd - 1], l).not.toBe(' ');
        expect(l.slice(dlqEnd, retention).trim(), l).toBe('');
        expect(l[retention], l).not.toBe(' ');
      }
    });

    it('shows each contract stream\'s retention (what sentinel\'s janitor trims it to)', async () => {
      const prefix = randomPrefix();
      const bus = await makeBus(redis(), prefix);
      await bus.publish('wa.inbound', 'demo.any', { n: 1 });
      await bus.publish('agent.requests', 'demo.any', { n: 1 });
      await bus.close();
      const streams = (await run(['streams', '--json'], prefix)).json();
      expect(streams.find((s: { stream: string }) => s.stream === 'wa.inbound').retention).toEqual({ maxAgeMs: 86_400_000, maxLen: 50_000 });
      const text = (await run(['streams'], prefix)).stdout;
      expect(text).toMatch(/^wa\.inbound\s+1\s+0\s+0\s+0\s+0\s+0\s+1 day, at most 50,000 entries\s*$/m);
      expect(text).toMatch(/^agent\.requests\s.*\s1 h, at most 10,000 entries\s*$/m);
    });

    it('with no streams: empty JSON array, or a note on stderr', async () => {
      const prefix = randomPrefix();
      expect((await run(['streams', '--json'], prefix)).json()).toEqual([]);
      const r = await run(['streams'], prefix);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`no streams under prefix "${prefix}"`);
    });
  });

  describe('groups', () => {
    it('--json: each group with its consumers', async () => {
      const prefix = randomPrefix();
      const ids = await seed(prefix);
      const r = await run(['groups', 'orders', '--json'], prefix);
      expect(r.code).toBe(0);
      const doc = r.json();
      expect(doc).toMatchObject({ stream: 'orders', length: 3, lastEntryId: ids[2]!.entryId });
      expect(doc.groups).toHaveLength(2);
      expect(doc.groups[0]).toMatchObject({ name: 'audit', consumers: [], pending: 0, lag: 3, lastDeliveredId: '0-0' });
      expect(doc.groups[1]).toMatchObject({ name: 'billing', pending: 2, lag: 1, lastDeliveredId: ids[1]!.entryId });
      expect(doc.groups[1].consumers).toEqual([expect.objectContaining({ name: 'b1', pending: 2, idleMs: expect.any(Number) })]);
    });

    it('prints the groups and the consumers', async () => {
      const prefix = randomPrefix();
      await seed(prefix);
      const r = await run(['groups', 'orders'], prefix);
      expect(r.stdout).toMatch(/^GROUP\s+CONSUMERS\s+PENDING\s+LAG\s+LAST DELIVERED\naudit\s+0\s+0\s+3\s+0-0\nbilling\s+1\s+2\s+1\s+\d+-\d+\n\nGROUP\s+CONSUMER\s+PENDING\s+IDLE\s+INACTIVE\nbilling\s+b1\s+2\s+/);
    });

    it('a missing stream exits 1', async () => {
      const r = await run(['groups', 'nope'], randomPrefix());
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^hive groups: stream "nope" not found \(no stream at key t[0-9a-f]+:s:\{nope\}\)\n$/);
    });
  });

  describe('pending', () => {
    it('--json: the summary and each entry with its type', async () => {
      const prefix = randomPrefix();
      const ids = await seed(prefix);
      const r = await run(['pending', 'orders', 'billing', '--json'], prefix);
      expect(r.code).toBe(0);
      const doc = r.json();
      expect(doc).toMatchObject({ stream: 'orders', group: 'billing', count: 2, consumers: [{ name: 'b1', pending: 2 }] });
      expect(doc.entries).toEqual(
        ids.slice(0, 2).map((p) =>
          expect.objectContaining({ entryId: p.entryId, consumer: 'b1', deliveryCount: 1, exists: true, type: 'demo.order', id: p.id }),
        ),
      );
    });

    it('filters by consumer and count, and prints a table', async () => {
      const prefix = randomPrefix();
      await seed(prefix);
      expect((await run(['pending', 'orders', 'billing', '--consumer', 'other', '--json'], prefix)).json().entries).toEqual([]);
      const r = await run(['pending', 'orders', 'billing', '--count', '1'], prefix);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ENTRY\s+CONSUMER\s+IDLE\s+DELIVERIES\s+TYPE\s+MESSAGE ID\n\d+-\d+\s+b1\s+\S+\s+1\s+demo\.order\s+[0-9A-Z]{26}\n$/);
      expect(r.stderr).toContain('1 of 2 shown');
      const idle = await run(['pending', 'orders', 'billing', '--min-idle', '1h', '--json'], prefix);
      expect(idle.json().entries).toEqual([]);
    });

    it('a missing group or stream exits 1; a bad --min-idle exits 2', async () => {
      const prefix = randomPrefix();
      await seed(prefix);
      const g = await run(['pending', 'orders', 'nobody'], prefix);
      expect(g.code).toBe(1);
      expect(g.stderr).toBe('hive pending: group "nobody" not found on stream "orders"\n');
      expect((await run(['pending', 'nope', 'billing'], prefix)).code).toBe(1);
      const bad = await run(['pending', 'orders', 'billing', '--min-idle', 'soon'], prefix);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^hive pending: --min-idle must be a duration like 90s/);
    });
  });
});

it('a dead-letter stream is counted even when Redis has not seen its source stream', async () => {
  const prefix = randomPrefix();
  const d = await rawDriver(redis());
  await d.call(['XADD', `${prefix}dlq:{only}`, '*', 'dl.stream', 'only']);
  await d.close();
  const r = await hive(['streams', '--json'], { url: redis().url, prefix });
  expect(r.json()).toEqual([expect.objectContaining({ stream: 'only', length: 0, deadLetters: 1 })]);
});
