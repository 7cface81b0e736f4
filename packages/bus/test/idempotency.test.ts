/**
 * Idempotency: a message id handled once per group even when delivered twice (a second entry with
 * the same id; a crash leaves the mark and the ack both written or both not), and idempotent publish.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DRIVER_KINDS, encodeFields, type Bus, type DriverKind, type HandleOutcome } from '../src/index.js';
import { HandledMarks } from '../src/middleware/idempotency.js';
import { makeBus, randomPrefix, rawDriver, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const FIXTURE = fileURLToPath(new URL('./fixtures/idempotent-consumer.ts', import.meta.url));

/** Run the fixture until it prints a line matching `until` or dies; returns its output and how it ended. */
function runChild(env: Record<string, string>, until: RegExp): Promise<{ out: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', FIXTURE], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child timed out; stdout: ${out}; stderr: ${err.slice(-2000)}`));
    }, 20_000);
    proc.stderr.on('data', (d) => (err += d.toString()));
    proc.stdout.on('data', (d) => {
      out += d.toString();
      if (until.test(out)) proc.kill('SIGTERM');
    });
    proc.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ out, signal });
    });
  });
}

describe.each(DRIVER_KINDS)('idempotency on %s', (kind: DriverKind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const bus = async (prefix = randomPrefix()) => {
    const b = await makeBus(kind, redis(), prefix);
    open.push(b);
    return b;
  };

  it('a consumer SIGKILLed after its side effect, as it acks: the mark and the ack are never apart, so the handler runs again (at-least-once)', async () => {
    /** One run: publish, child 1 dies as it acks, child 2 (same consumer) gets the entry again. */
    const scenario = async (idempotent: boolean) => {
      const prefix = randomPrefix();
      const b = await bus(prefix);
      const sent = await b.publish('payments', 'payment.received', { cents: 1250 });
      const env = { REDIS_URL: redis().url, DRIVER: kind, PREFIX: prefix, IDEMPOTENT: idempotent ? '1' : '0' };
      const first = await runChild({ ...env, KILL_BEFORE_ACK: '1' }, /never/);
      expect(first.signal).toBe('SIGKILL');
      expect(first.out).toContain(`effect ${sent.id} 1`);
      expect(((await b.driver.call(['XPENDING', b.keys.stream('payments'), 'ledger'])) as unknown[])[0], 'not acked').toBe(1);
      // Marked with its ack or not at all: a pending entry never finds a mark of its own.
      expect(await new HandledMarks(b.driver, b.keys.seen('payments', 'ledger'), 60_000).has(sent.id), 'not marked').toBe(false);
      // The same consumer comes back and drains what it held: the entry is delivered a second time.
      const second = await runChild(env, /outcome \w+ payment\.received/);
      await waitUntil(async () => ((await b.driver.call(['XPENDING', b.keys.stream('payments'), 'ledger'])) as unknown[])[0] === 0, 5_000, 'acked');
      const marked = await new HandledMarks(b.driver, b.keys.seen('payments', 'ledger'), 60_000).has(sent.id);
      return { effects: Number(await b.driver.call(['GET', `${prefix}effects:${sent.id}`])), out: second.out, marked };
    };
    const [dedup, control] = await Promise.all([scenario(true), scenario(false)]);
    for (const run of [dedup, control]) {
      expect(run.effects).toBe(2);
      expect(run.out).toMatch(/outcome acked payment\.received/);
    }
    expect(dedup.marked, 'marked with its ack the second time').toBe(true);
    expect(control.marked).toBe(false);
  });

  it('handles a message id once per group when two entries carry it; other groups handle it too', async () => {
    const b = await bus();
    const outcomes: HandleOutcome[] = [];
    b.observe({ handled: (e) => e.group === 'g' && outcomes.push(e.outcome) });
    const handled: Record<string, string[]> = { g: [], other: [] };
    const subs = ['g', 'other'].map((group) =>
      b.subscribe<{ n: number }>({ stream: 'in', group, idempotent: { ttlMs: 60_000 }, handler: (m) => void handled[group]!.push(`${m.id}/${m.data.n}`) }),
    );
    await Promise.all(subs.map((s) => s.ready));
    // A producer that retried its XADD: two entries, one message id.
    for (const n of [1, 2]) {
      await b.driver.call(['XADD', b.keys.stream('in'), '*', ...encodeFields({ type: 'demo.n', v: 1, id: 'wa-123', src: 'kami', ts: 1, corr: 'c', cause: '', data: JSON.stringify({ n }) })]);
    }
    await b.publish('in', 'demo.n', { n: 3 }, { id: 'wa-456' });
    await waitUntil(() => outcomes.length === 3 && handled.other!.length === 2, 5_000, 'all three entries');
    expect(handled.g).toEqual(['wa-123/1', 'wa-456/3']);
    expect(handled.other).toEqual(['wa-123/1', 'wa-456/3']);
    expect(outcomes).toEqual(['acked', 'duplicate', 'acked']);
    expect(((await b.driver.call(['XPENDING', b.keys.stream('in'), 'g'])) as unknown[])[0]).toBe(0);
    // Marks carry a TTL: the set expires when the group stops marking.
    const ttl = Number(await b.driver.call(['PTTL', b.keys.seen('in', 'g')]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('a message its accept refuses is acked as skipped before the idempotency check: no mark read or written, no handler', async () => {
    const b = await bus();
    const outcomes: HandleOutcome[] = [];
    b.observe({ handled: (e) => e.group === 'ledger' && outcomes.push(e.outcome) });
    const handled: string[] = [];
    const sub = b.subscribe<{ intent: string }>({
      stream: 'intents',
      group: 'ledger',
      idempotent: { ttlMs: 60_000 },
      accept: (m) => m.data.intent === 'expense',
      handler: (m) => void handled.push(m.id),
    });
    await sub.ready;
    await b.publish('intents', 'intent.classified', { intent: 'note' }, { id: 'm-note' });
    await b.publish('intents', 'intent.classified', { intent: 'habit' }, { id: 'm-habit' });
    await waitUntil(() => outcomes.length === 2, 5_000, 'both refused entries settled');
    expect(outcomes).toEqual(['skipped', 'skipped']);
    expect(handled).toEqual([]);
    // Nothing was marked for them (and so nothing was checked either: the step is below the filter).
    expect(Number(await b.driver.call(['EXISTS', b.keys.seen('intents', 'ledger')]))).toBe(0);
    expect(((await b.driver.call(['XPENDING', b.keys.stream('intents'), 'ledger'])) as unknown[])[0], 'acked').toBe(0);
    // An accepted one goes the whole way: handled, marked, acked.
    await b.publish('intents', 'intent.classified', { intent: 'expense' }, { id: 'm-expense' });
    await waitUntil(() => outcomes.length === 3, 5_000, 'the accepted entry settled');
    expect(outcomes[2]).toBe('acked');
    expect(handled).toEqual(['m-expense']);
    expect(await b.driver.call(['ZRANGE', b.keys.seen('intents', 'ledger'), 0, -1])).toEqual(['m-expense']);
    expect(((await b.driver.call(['XPENDING', b.keys.stream('intents'), 'ledger'])) as unknown[])[0]).toBe(0);
  });

  it('marks only (check: false): an id already marked is handled again, and every handled one is marked with its ack', async () => {
    const b = await bus();
    const outcomes: HandleOutcome[] = [];
    b.observe({ handled: (e) => e.group === 'archive' && outcomes.push(e.outcome) });
    const handled: string[] = [];
    // A mark already there, as if handled an hour ago and kept for a day: a checking group would skip the id.
    await b.driver.call(['ZADD', b.keys.seen('log', 'archive'), Date.now() + 86_400_000, 'm-old']);
    const sub = b.subscribe({ stream: 'log', group: 'archive', idempotent: { ttlMs: 60_000, check: false }, handler: (m) => void handled.push(m.id) });
    await sub.ready;
    await b.publish('log', 'demo.n', { n: 1 }, { id: 'm-old' });
    await b.publish('log', 'demo.n', { n: 2 }, { id: 'm-new' });
    await b.publish('log', 'demo.n', { n: 3 }, { id: 'm-new' });
    await waitUntil(() => outcomes.length === 3, 5_000, 'three entries settled');
    expect(outcomes).toEqual(['acked', 'acked', 'acked']);
    expect(handled).toEqual(['m-old', 'm-new', 'm-new']);
    expect(((await b.driver.call(['XPENDING', b.keys.stream('log'), 'archive'])) as unknown[])[0], 'acked').toBe(0);
    // Marked with their acks, at this subscription's ttl (the old mark's day-long expiry replaced by it).
    expect([...((await b.driver.call(['ZRANGE', b.keys.seen('log', 'archive'), 0, -1])) as string[])].sort()).toEqual(['m-new', 'm-old']);
    const expiry = Number(await b.driver.call(['ZSCORE', b.keys.seen('log', 'archive'), 'm-old']));
    expect(expiry).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('marks expire after their ttl', async () => {
    const d = await rawDriver(kind, redis());
    try {
      // Written as the batched ack writes them (mark-and-ack-2.lua), at the times given.
      const prefix = randomPrefix();
      const marks = new HandledMarks(d, `${prefix}seen:{t}:g`, 1_000);
      await marks.writeWithAcks(`${prefix}s:{t}`, 'g', ['m1', '1-0'], false, { now: 10_000 });
      expect(await marks.has('m1', 10_500)).toBe(true);
      expect(await marks.has('m1', 11_000)).toBe(false);
      expect(await marks.has('m2', 10_500)).toBe(false);
      // Expired marks are pruned as new ones arrive.
      await marks.writeWithAcks(`${prefix}s:{t}`, 'g', ['m2', '2-0'], false, { now: 20_000 });
      expect(await d.call(['ZRANGE', marks.key, 0, -1])).toEqual(['m2']);
      expect(() => new HandledMarks(d, 'k', 0)).toThrow(ConfigError);
    } finally {
      await d.close();
    }
  });

  it('idempotent publish: the same message id published twice gives one entry', async () => {
    const b = await bus();
    const first = await b.publish('wa.inbound', 'wa.message', { text: 'hi' }, { id: 'true_4917@c.us_3EB0', idempotent: true });
    const again = await b.publish('wa.inbound', 'wa.message', { text: 'hi' }, { id: 'true_4917@c.us_3EB0', idempotent: true });
    expect(first.duplicate).toBeUndefined();
    expect(again).toEqual({ stream: 'wa.inbound', id: 'true_4917@c.us_3EB0', entryId: first.entryId, duplicate: true });
    expect(Number(await b.driver.call(['XLEN', b.keys.stream('wa.inbound')]))).toBe(1);
    // Within the window only: the mark expires.
    const pttl = Number(await b.driver.call(['PTTL', b.keys.publishMark('wa.inbound', 'true_4917@c.us_3EB0')]));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(24 * 60 * 60 * 1000);

    // In a batch, with retention, next to a plain message; another stream is another scope.
    const batch = await b.publishBatch([
      { stream: 'wa.inbound', type: 'wa.message', data: {}, id: 'true_4917@c.us_3EB0', idempotent: { windowMs: 5_000 } },
      { stream: 'wa.inbound', type: 'wa.message', data: {}, id: 'x2', idempotent: true, maxLen: 1000 },
      { stream: 'wa.inbound', type: 'wa.message', data: {} },
      { stream: 'elsewhere', type: 'wa.message', data: {}, id: 'true_4917@c.us_3EB0', idempotent: true },
    ]);
    expect(batch.map((r) => r.duplicate ?? false)).toEqual([true, false, false, false]);
    expect(Number(await b.driver.call(['XLEN', b.keys.stream('wa.inbound')]))).toBe(3);
    expect(Number(await b.driver.call(['XLEN', b.keys.stream('elsewhere')]))).toBe(1);

    await expect(b.publish('wa.inbound', 'wa.message', {}, { idempotent: true })).rejects.toThrow(/needs the message's own id/);
    await expect(b.publish('wa.inbound', 'wa.message', {}, { id: 'y', idempotent: { windowMs: 0 } })).rejects.toThrow(ConfigError);
  });
});
