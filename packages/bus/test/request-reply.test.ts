/**
 * Request/reply over streams: round trip, timeout, a late reply discarded without a leak, the
 * reply stream cleaned up, and a reply from another responder than the one asked dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClosedError, ConfigError, createBus, createDriver, decodeEntry, DEFAULT_MAX_MESSAGE_BYTES, DRIVER_KINDS, encodeFields, envelopeFields, reply, TimeoutError, type Bus, type Message, type RedisDriver } from '../src/index.js';
import { Requester } from '../src/request-reply.js';
import { makeBus, memoryLogger, randomPrefix, useRedis, waitUntil, type LogLine } from './helpers.js';

const redis = useRedis();

describe('replyTo in the envelope', () => {
  const base = { type: 't', v: 1, id: 'm1', src: 's', ts: 1, corr: 'm1', cause: '', data: '{}' };
  it('is written last in the header and read back; a value that is not a plain name is ignored, not fatal', () => {
    const fields = encodeFields({ ...base, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', replyTo: 'herald-1a2b' });
    expect(fields[1]).toMatch(/ 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 herald-1a2b$/);
    expect(decodeEntry(fields)).toMatchObject({ ok: true, message: { replyTo: 'herald-1a2b' } });
    const odd = decodeEntry(encodeFields({ ...base, replyTo: '../../etc' }));
    expect(odd.ok && odd.message.replyTo).toBe(undefined);
    const oddFlat = decodeEntry(['type', 't', 'v', '1', 'id', 'm1', 'src', 's', 'ts', '1', 'data', '{}', 'replyTo', '../../etc']);
    expect(oddFlat.ok && oddFlat.message.replyTo).toBe(undefined);
    expect(decodeEntry(encodeFields(base))).toEqual({ ok: true, message: { ...base, data: {} } });
  });
});

describe.each(DRIVER_KINDS)('request/reply on %s', (kind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  const bus = async (prefix: string, logger = memoryLogger()) => {
    const b = await makeBus(kind, redis(), prefix, { logger });
    open.push(b);
    return b;
  };
  /** box answers "nutrition.summary.request" after `delayMs`. */
  const responder = async (b: Bus, delayMs = 0) => {
    const sub = b.subscribe<{ day: string }>({
      stream: 'box.requests',
      group: 'box',
      handler: async (m) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return reply(m, 'nutrition.summary', { day: m.data.day, kcal: m.data.day.length * 100 });
      },
    });
    await sub.ready;
    return sub;
  };

  it('round trip: each request resolves with its own reply; the reply stream is empty and deleted on close', async () => {
    const prefix = randomPrefix();
    const box = await bus(prefix);
    await responder(box);
    const herald = await bus(prefix);
    const days = ['mon', 'tuesday', 'wed', 'thursday', 'fri'];
    const replies = await Promise.all(
      days.map((day) => herald.request<{ day: string; kcal: number }>('box.requests', 'nutrition.summary.request', { day }, { from: 'test', timeoutMs: 5_000, corr: `brief-${day}` })),
    );
    expect(replies.map((r) => r.data)).toEqual(days.map((day) => ({ day, kcal: day.length * 100 })));
    for (const [i, r] of replies.entries()) {
      expect(r.type).toBe('nutrition.summary');
      expect(r.corr).toBe(`brief-${days[i]}`);
      expect(r.src).toBe('test');
    }
    // The requests carried replyTo; the replies answer them (cause) and were deleted once read.
    const [req] = (await box.driver.call(['XRANGE', box.keys.stream('box.requests'), '-', '+', 'COUNT', 1])) as [string, string[]][];
    const replyTo = envelopeFields(req![1]).replyTo!;
    expect(replyTo).toMatch(/^test-[0-9a-f]{12}$/);
    const replyKey = herald.keys.replies('test', 'test', replyTo);
    expect(Number(await herald.driver.call(['XLEN', replyKey]))).toBe(0);
    expect(Number(await herald.driver.call(['PTTL', replyKey]))).toBeGreaterThan(0);
    await herald.close();
    expect(Number(await box.driver.call(['EXISTS', replyKey]))).toBe(0);
  });

  it('times out with a TimeoutError when nobody answers', async () => {
    const b = await bus(randomPrefix());
    const err = await b.request('nobody.home', 'ping', {}, { from: 'nobody', timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'REQUEST_TIMEOUT', details: { stream: 'nobody.home', type: 'ping', from: 'nobody', timeoutMs: 100 } });
  });

  it('a late reply after the timeout is discarded and logged, and leaves nothing behind', async () => {
    const prefix = randomPrefix();
    const box = await bus(prefix);
    await responder(box, 400);
    const lines: LogLine[] = [];
    const herald = await bus(prefix);
    const requester = new Requester({
      publisher: { driver: herald.driver, keys: herald.keys, contracts: undefined, source: 'herald', maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, observers: [] },
      log: memoryLogger(lines),
    });
    try {
      const late = requester.request('box.requests', 'nutrition.summary.request', { day: 'mon' }, { from: 'test', timeoutMs: 100 });
      await expect(late).rejects.toBeInstanceOf(TimeoutError);
      expect(requester.pending).toBe(0);
      await waitUntil(() => lines.some((l) => l.msg?.startsWith('reply to no waiting request')), 5_000, 'the late reply to be logged');
      const logged = lines.find((l) => l.msg?.startsWith('reply to no waiting request'))!;
      expect(logged).toMatchObject({ level: 'warn', obj: { type: 'nutrition.summary', src: 'test' } });
      expect(requester.pending).toBe(0);
      await waitUntil(async () => Number(await herald.driver.call(['XLEN', requester.replyKey('test')])) === 0, 2_000, 'the late reply to be deleted');
      // And the requester still works.
      const ok = await requester.request('box.requests', 'nutrition.summary.request', { day: 'tue' }, { from: 'test', timeoutMs: 5_000 });
      expect(ok.data).toEqual({ day: 'tue', kcal: 300 });
      expect(requester.pending).toBe(0);
    } finally {
      await requester.close();
    }
    // A reply to a requester that is gone is dropped, not written to a new key.
    expect(Number(await herald.driver.call(['EXISTS', requester.replyKey('test')]))).toBe(0);
    await box.publishBatch([reply({ replyTo: requester.instance, src: 'herald', id: 'x', corr: 'x' } as Message, 'late', {})]);
    expect(Number(await herald.driver.call(['EXISTS', requester.replyKey('test')]))).toBe(0);
  });

  it('close rejects waiting requests; reply() refuses a message that is not a request', async () => {
    const b = await bus(randomPrefix());
    const waiting = b.request('nobody.home', 'ping', {}, { from: 'nobody', timeoutMs: 10_000 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await b.close();
    expect(await waiting).toBeInstanceOf(ClosedError);
    expect(() => b.request('nobody.home', 'ping', {}, { from: 'nobody' })).toThrow(ClosedError);
    expect(() => reply({ id: 'm1', type: 't' } as Message, 'answer', {})).toThrow(ConfigError);
  });

  it('close while the reply reader is still connecting rejects the request with a ClosedError, not the connection\'s error', async () => {
    // As on a loaded cluster, where the reader's handshake takes a while: its connect() is held until
    // close() disconnects it, and then fails as a driver's does.
    let readerConnecting = false;
    const slowReader = (d: RedisDriver): RedisDriver => {
      let cut: ((err: Error) => void) | undefined;
      return new Proxy(d, {
        get(target, prop) {
          if (prop === 'connect') return () => ((readerConnecting = true), new Promise<void>((_, reject) => (cut = reject)));
          if (prop === 'disconnect') return () => (target.disconnect(), cut?.(new Error('Connection is closed.')));
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };
    const driver = createDriver(kind, { url: redis().url });
    const withSlowReader = new Proxy(driver, {
      get(target, prop) {
        if (prop === 'duplicate') return (name?: string) => slowReader(target.duplicate(name));
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const b = await createBus({ redis: withSlowReader, prefix: randomPrefix(), source: 'test', logger: memoryLogger() });
    try {
      const request = b.request('nobody.home', 'ping', {}, { from: 'nobody', timeoutMs: 10_000 }).catch((e: unknown) => e);
      await waitUntil(() => readerConnecting, 5_000, 'the reply reader to be connecting');
      await b.close();
      expect(await request).toBeInstanceOf(ClosedError);
    } finally {
      await b.close();
      await driver.close();
    }
  });

  it('requests to several responders at once: one reader, each reply read once', async () => {
    const prefix = randomPrefix();
    const names = ['box', 'ledger', 'hermes', 'pulse'];
    for (const name of names) {
      const b = await makeBus(kind, redis(), prefix, { source: name });
      open.push(b);
      // Each answers only the requests meant for it (by data), as a real responder serves its own type.
      const sub = b.subscribe<{ day: string }>({ stream: 'box.requests', group: name, handler: (m) => (m.data.day === name ? reply(m, 'nutrition.summary', { day: name, kcal: 1 }) : undefined) });
      await sub.ready;
    }
    const log = memoryLogger();
    const herald = await makeBus(kind, redis(), prefix, { source: 'herald', logger: log });
    open.push(herald);
    // The first requests of a bus, all at once: every reply stream opens concurrently.
    const answers = await Promise.all(names.map((name) => herald.request('box.requests', 'nutrition.summary.request', { day: name }, { from: name, timeoutMs: 10_000 })));
    expect(answers.map((a) => a.src)).toEqual(names);
    await new Promise((r) => setTimeout(r, 300)); // a second reader would read them again now
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.msg)).toEqual([]);
  });

  it('a reply from another responder than the one asked is dropped as REPLY_FORGED and does not resolve the request', async () => {
    const prefix = randomPrefix();
    const box = await makeBus(kind, redis(), prefix, { source: 'box' });
    const ledger = await makeBus(kind, redis(), prefix, { source: 'ledger' });
    open.push(box, ledger);
    await responder(box, 300);
    // ledger answers every request at once, whoever it was meant for.
    const forger = ledger.subscribe<{ day: string }>({ stream: 'box.requests', group: 'ledger', handler: (m) => reply(m, 'nutrition.summary', { day: m.data.day, kcal: 1 }) });
    await forger.ready;
    const log = memoryLogger();
    const herald = await makeBus(kind, redis(), prefix, { source: 'herald', logger: log });
    open.push(herald);
    // herald asks ledger once: ledger's reply stream to herald exists from now on.
    expect((await herald.request('box.requests', 'nutrition.summary.request', { day: 'warm' }, { from: 'ledger', timeoutMs: 5_000 })).src).toBe('ledger');

    const answer = await herald.request<{ kcal: number }>('box.requests', 'nutrition.summary.request', { day: 'mon' }, { from: 'box', timeoutMs: 5_000 });
    expect(answer).toMatchObject({ src: 'box', data: { kcal: 300 } });
    const forged = log.lines.find((l) => l.obj.code === 'REPLY_FORGED');
    expect(forged).toMatchObject({ level: 'error', msg: 'forged reply dropped', obj: { expected: 'box', src: 'ledger', cause: answer.cause } });
  });
});
