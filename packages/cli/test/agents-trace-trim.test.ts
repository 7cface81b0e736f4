/** `hive agents`, `hive trace` and `hive trim` against a real Redis. */
import { describe, expect, it } from 'vitest';
import { deadLetterFields } from '@hive/bus/admin';
import { startHeartbeat } from '@hive/bus';
import type { AgentModelStatus } from '@hive/agent';
import { hive, makeBus, randomPrefix, rawDriver, useRedis } from './helpers.js';

const redis = useRedis();

describe('agents', () => {
  it('lists the registry: --json records with lastSeenAgoMs, and a table', async () => {
    const prefix = randomPrefix();
    const bus = await makeBus(redis(), prefix);
    const beat = await startHeartbeat<{ models?: AgentModelStatus[] }>(bus.driver, bus.keys, { name: 'box', instance: '0', version: '1.2.3', reads: ['intent.classified'], writes: ['nutrition.logged', 'wa.outbound'] }, { intervalMs: 60_000 });
    const now = Date.now() + 5_000;
    const r = await hive(['agents', '--json'], { url: redis().url, prefix, now: () => now });
    expect(r.code).toBe(0);
    const [a] = r.json();
    expect(a).toMatchObject({ name: 'box', instance: '0', version: '1.2.3', status: 'running', reads: ['intent.classified'], writes: ['nutrition.logged', 'wa.outbound'], pid: process.pid });
    expect(a.lastSeenAgoMs).toBe(now - a.lastSeen);
    const t = await hive(['agents'], { url: redis().url, prefix, now: () => a.lastSeen + 65_000 });
    expect(t.stdout).toMatch(/^NAME\s+INSTANCE\s+VERSION\s+HOST\s+PID\s+STATUS\s+LAST SEEN\s+UP SINCE\s+MODEL\s+READS\s+WRITES\n/);
    expect(t.stdout).toMatch(/\nbox\s+0\s+1\.2\.3\s+\S+\s+\d+\s+running\s+1m 5s ago\s+.+ ago\s+-\s+intent\.classified\s+nutrition\.logged,wa\.outbound\n$/);

    // the runtime writes each model endpoint's breaker state into the record
    const chat = 'gpt-4o-mini@https://api.openai.com/v1';
    await beat.update({ models: [{ endpoint: chat, state: 'open', failures: 3, since: a.lastSeen - 5_000, unavailableSince: a.lastSeen - 125_000, lastError: 'HTTP 500' }, { endpoint: 'whisper-1@https://api.openai.com/v1', state: 'closed', failures: 0 }] });
    const m = await hive(['agents'], { url: redis().url, prefix, now: () => a.lastSeen });
    expect(m.stdout).toContain(' gpt-4o-mini down 2m 5s (HTTP 500); whisper-1 ok ');
    const j = await hive(['agents', '--json'], { url: redis().url, prefix, now: () => a.lastSeen });
    expect(j.json()[0].models[0]).toEqual({ endpoint: chat, state: 'open', failures: 3, since: a.lastSeen - 5_000, unavailableSince: a.lastSeen - 125_000, lastError: 'HTTP 500' });
    await beat.update({ models: [{ endpoint: chat, state: 'half-open', failures: 3, since: a.lastSeen, unavailableSince: a.lastSeen - 125_000 }] });
    expect((await hive(['agents'], { url: redis().url, prefix, now: () => a.lastSeen })).stdout).toContain(' gpt-4o-mini probing 2m 5s ');
    await beat.stop();
    await bus.close();
    const empty = await hive(['agents'], { url: redis().url, prefix });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/^no agents registered under prefix/);
  });
});

describe('trace', () => {
  /**
   * One conversation: m1 on wa.inbound (read and acked by iris, pending on slow, unread by archivist,
   * dead-lettered by vox), m2 on intent.classified answering m1, m3 on wa.outbound answering m2.
   * Plus an unrelated message on wa.inbound.
   */
  async function seedConversation(prefix: string) {
    const bus = await makeBus(redis(), prefix);
    const T = Date.now();
    const m1 = await bus.publish('wa.inbound', 'wa.message', { text: 'hi' }, { ts: T, src: 'kami' });
    const other = await bus.publish('wa.inbound', 'wa.message', { text: 'unrelated' }, { ts: T + 1, src: 'kami' });
    const m2 = await bus.publish('intent.classified', 'intent.classified', { intent: 'greet' }, { ts: T + 120, src: 'iris', corr: m1.id, cause: m1.id });
    const m3 = await bus.publish('wa.outbound', 'wa.send', { text: 'hello' }, { ts: T + 300, src: 'box', corr: m1.id, cause: m2.id });
    const d = bus.driver;
    const key = `${prefix}s:{wa.inbound}`;
    for (const g of ['iris', 'slow', 'vox', 'archivist']) await d.call(['XGROUP', 'CREATE', key, g, '0']);
    for (const g of ['iris', 'slow', 'vox']) await d.call(['XREADGROUP', 'GROUP', g, 'c1', 'COUNT', '1', 'STREAMS', key, '>']);
    await d.call(['XACK', key, 'iris', m1.entryId]);
    await d.call(['XACK', key, 'vox', m1.entryId]);
    const [orig] = (await d.call(['XRANGE', key, m1.entryId, m1.entryId])) as [string, string[]][];
    await d.call(['XADD', `${prefix}dlq:{wa.inbound}`, '*', ...deadLetterFields({ stream: 'wa.inbound', entryId: m1.entryId, group: 'vox', consumer: 'c1', deliveryCount: 1, reason: 'UNRECOVERABLE', error: 'not a voice note', at: T + 200 }, orig![1])]);
    await bus.close();
    return { T, m1, m2, m3, other };
  }

  it('--json: every hop in time order with deltas, causes and group states', async () => {
    const prefix = randomPrefix();
    const { T, m1, m2, m3 } = await seedConversation(prefix);
    const r = await hive(['trace', m1.id, '--json'], { url: redis().url, prefix });
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.query).toBe(m1.id);
    expect(doc.hops.map((h: { kind: string; stream: string; deltaMs: number; sinceCauseMs: number | null }) => [h.kind, h.stream, h.deltaMs, h.sinceCauseMs])).toEqual([
      ['message', 'wa.inbound', 0, null],
      ['message', 'intent.classified', 120, 120],
      ['dead-letter', 'dlq:wa.inbound', 200, 200],
      ['message', 'wa.outbound', 300, 180],
    ]);
    expect(doc.hops[0]).toMatchObject({ id: m1.id, entryId: m1.entryId, type: 'wa.message', src: 'kami', ts: T, corr: m1.id, cause: '' });
    expect(doc.hops[0].groups).toEqual([
      { group: 'archivist', state: 'unread' },
      { group: 'iris', state: 'acked' },
      { group: 'slow', state: 'pending', consumer: 'c1', deliveries: 1 },
      { group: 'vox', state: 'dead-lettered' },
    ]);
    expect(doc.hops[2].deadLetter).toEqual({ stream: 'wa.inbound', group: 'vox', reason: 'UNRECOVERABLE', error: 'not a voice note', deliveries: 1, entryId: m1.entryId });
    expect(doc.hops[1]).toMatchObject({ id: m2.id, cause: m1.id, groups: [] });
    expect(doc.hops[3]).toMatchObject({ id: m3.id, cause: m2.id, src: 'box' });
  });

  it('from any message of the conversation, the whole conversation; a table for people', async () => {
    const prefix = randomPrefix();
    const { m1, m3 } = await seedConversation(prefix);
    const fromChild = await hive(['trace', m3.id, '--json'], { url: redis().url, prefix });
    expect(fromChild.json().hops.map((h: { id: string }) => h.id)).toEqual((await hive(['trace', m1.id, '--json'], { url: redis().url, prefix })).json().hops.map((h: { id: string }) => h.id));
    const r = await hive(['trace', m1.id], { url: redis().url, prefix });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^trace ${m1.id}: 4 hops over 4 streams, 300ms from first to last \\(started .+Z\\)$`));
    expect(lines[2]).toMatch(/^\s*AT\s+STEP\s+STREAM\s+TYPE\s+SRC\s+MESSAGE ID\s+ENTRY\s+GROUPS$/);
    expect(lines[3]).toMatch(/^\s*\+0ms\s+-\s+wa\.inbound\s+wa\.message\s+kami\s+\S+\s+\S+\s+archivist:unread iris:acked slow:pending vox:dead-lettered$/);
    expect(lines[5]).toMatch(/^\s*\+200ms\s+\+200ms\s+dlq:wa\.inbound\s+.*dead-lettered by vox after 1: UNRECOVERABLE: not a voice note$/);
  });

  it('a corr that is not a ULID scans from the start; --stream limits the scan', async () => {
    const prefix = randomPrefix();
    const bus = await makeBus(redis(), prefix);
    await bus.publish('a', 'demo.x', {}, { id: 'root-1', corr: 'conv-7' });
    await bus.publish('b', 'demo.y', {}, { id: 'child-1', corr: 'conv-7', cause: 'root-1' });
    await bus.close();
    const all = await hive(['trace', 'conv-7', '--json'], { url: redis().url, prefix });
    expect(all.json().hops.map((h: { id: string }) => h.id)).toEqual(['root-1', 'child-1']);
    const onlyB = await hive(['trace', 'conv-7', '--stream', 'b', '--json'], { url: redis().url, prefix });
    expect(onlyB.json().hops.map((h: { id: string }) => h.id)).toEqual(['child-1']);
  });

  it('an unknown id exits 1', async () => {
    const prefix = randomPrefix();
    await seedConversation(prefix);
    const r = await hive(['trace', 'nothing-here'], { url: redis().url, prefix });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hive trace: no message with id or corr "nothing-here" in 4 streams \(scanned from the start\)\n$/);
  });
});

describe('trim', () => {
  /** 1,000 entries; group "lagging" has read and acked the first 500 and not read the rest. */
  async function seedLagging(prefix: string): Promise<string[]> {
    const d = await rawDriver(redis());
    const key = `${prefix}s:{big}`;
    const res = await d.pipeline(Array.from({ length: 1000 }, (_, i) => ['XADD', key, '*', 'type', 'demo.n', 'v', '1', 'id', `m${i}`, 'src', 't', 'ts', '1', 'data', String(i)]));
    const ids = res.map((r) => (r.ok ? String(r.value) : ''));
    await d.call(['XGROUP', 'CREATE', key, 'lagging', '0']);
    await d.call(['XREADGROUP', 'GROUP', 'lagging', 'c', 'COUNT', '500', 'STREAMS', key, '>']);
    await d.call(['XACK', key, 'lagging', ...ids.slice(0, 500)]);
    await d.close();
    return ids;
  }

  it('stops at the lagging group\'s oldest un-acked entry and says what --force would drop', async () => {
    const prefix = randomPrefix();
    const ids = await seedLagging(prefix);
    const r = await hive(['trim', 'big', '--maxlen', '100', '--json'], { url: redis().url, prefix });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      stream: 'big',
      dryRun: false,
      forced: false,
      lengthBefore: 1000,
      lengthAfter: 500,
      trimmed: 500,
      cutoff: ids[500],
      heldBackBy: { group: 'lagging', entryId: ids[500], reason: 'undelivered' },
      forcedWouldDrop: { count: 400, groups: [{ group: 'lagging', pending: 0, undelivered: 400 }] },
    });
    const again = await hive(['trim', 'big', '--maxlen', '100'], { url: redis().url, prefix });
    expect(again.stdout).toBe(
      `big: nothing trimmed (500 entries)\nstopped at ${ids[500]}: group "lagging" has not acked it (not read yet).\n--force would also drop 400 un-acked entries: lagging 0 pending, 400 not read yet\n`,
    );
  });

  it('--dry-run changes nothing; --force trims and reports what it dropped', async () => {
    const prefix = randomPrefix();
    const ids = await seedLagging(prefix);
    const dry = await hive(['trim', 'big', '--maxlen', '100', '--force', '--dry-run'], { url: redis().url, prefix });
    expect(dry.stdout).toBe(`big: would trim 900 entries, 1000 -> 100 (everything before ${ids[900]})\nwould drop 400 un-acked entries: lagging 0 pending, 400 not read yet\n`);
    expect((await hive(['streams', '--json'], { url: redis().url, prefix })).json()[0].length).toBe(1000);
    const forced = await hive(['trim', 'big', '--maxlen', '100', '--force', '--json'], { url: redis().url, prefix });
    expect(forced.json()).toMatchObject({ trimmed: 900, lengthAfter: 100, forced: true, dropped: { count: 400 } });
  });

  it('--max-age trims by time', async () => {
    const prefix = randomPrefix();
    const d = await rawDriver(redis());
    const now = Date.now();
    await d.call(['XADD', `${prefix}s:{aged}`, `${now - 3 * 86_400_000}-0`, 'a', '1']);
    await d.call(['XADD', `${prefix}s:{aged}`, `${now - 1_000}-0`, 'a', '2']);
    await d.close();
    const r = await hive(['trim', 'aged', '--max-age', '1d', '--json'], { url: redis().url, prefix, now: () => now });
    expect(r.json()).toMatchObject({ trimmed: 1, lengthAfter: 1, heldBackBy: null });
  });

  it('usage errors exit 2, a missing stream exits 1', async () => {
    const prefix = randomPrefix();
    const none = await hive(['trim', 'big'], { url: redis().url, prefix });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^hive trim: give --maxlen N or --max-age DURATION \(or both\)\n/);
    expect((await hive(['trim', 'big', '--maxlen', '-1'], { url: redis().url, prefix })).code).toBe(2);
    expect((await hive(['trim', 'big', '--max-age', 'forever'], { url: redis().url, prefix })).code).toBe(2);
    const missing = await hive(['trim', 'nope', '--maxlen', '1'], { url: redis().url, prefix });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^hive trim: stream "nope" not found/);
  });
});
