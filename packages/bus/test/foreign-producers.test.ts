/**
 * Conformance: entries written by any Redis client with raw XADD. Each malformed one is
 * dead-lettered at once with its own reason; the consumer loop keeps going.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_KINDS, fieldsToObject, HEADER_FIELD, type Bus, type ContractRegistry, type RedisDriver } from '../src/index.js';
import { xrange } from '../src/admin.js';
import { makeBus, randomPrefix, rawDriver, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

/** A one-type contract: demo.order v1 needs { qty: positive integer }. */
const contracts: ContractRegistry = {
  find(stream, type) {
    if (stream !== 'orders' || type !== 'demo.order') return undefined;
    return {
      stream,
      type,
      version: 1,
      decode(data, v) {
        if (v !== 1) return { ok: false, issues: `unknown version ${v}` };
        const qty = (data as { qty?: unknown } | null)?.qty;
        return typeof qty === 'number' && Number.isInteger(qty) && qty > 0 ? { ok: true, data } : { ok: false, issues: 'qty: expected a positive integer' };
      },
    };
  },
};

describe.each(DRIVER_KINDS)('foreign producers on %s', (kind) => {
  const open: Bus[] = [];
  const raws: RedisDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    await Promise.all(raws.splice(0).map((d) => d.close()));
  });

  it('dead-letters each malformed entry with a distinct reason and keeps consuming', async () => {
    const b = await makeBus(kind, redis(), randomPrefix(), { contracts, maxMessageBytes: 2_000 });
    open.push(b);
    const raw = await rawDriver(kind, redis());
    raws.push(raw);
    const handled: number[] = [];
    const sub = b.subscribe<{ qty: number }>({ stream: 'orders', group: 'shop', handler: (m) => void handled.push(m.data.qty) });
    await sub.ready;
    const key = b.keys.stream('orders');
    const base = ['v', '1', 'id', 'x', 'src', 'raw', 'ts', String(Date.now())];
    const xadd = (...fields: (string | Buffer)[]) => raw.call(['XADD', key, '*', ...fields]);

    await b.publish('orders', 'demo.order', { qty: 1 });
    await xadd('v', '1', 'id', 'no-type', 'src', 'raw', 'ts', '1', 'data', '{}'); // missing type
    await xadd('type', 'demo.order', ...base, 'data', '{qty: 2'); // not JSON
    await xadd('type', 'demo.unknown', ...base, 'data', '{"qty":3}'); // unknown type
    await xadd('type', 'demo.order', ...base, 'data', '{"qty":-4}'); // fails its schema
    await xadd('type', 'demo.order', ...base, 'data', JSON.stringify({ qty: 5, pad: 'x'.repeat(3_000) })); // too large
    await xadd('type', 'demo.order', ...base, 'data', Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d])); // invalid UTF-8
    await xadd('type', 'demo.order', 'v', 'two', 'id', 'x', 'src', 'raw', 'ts', '1', 'data', '{"qty":7}'); // bad version
    await xadd('only-one-field', ''); // nothing of an envelope
    await b.publish('orders', 'demo.order', { qty: 9 });

    await waitUntil(() => handled.length === 2, 10_000, 'both valid orders');
    const dlKey = b.keys.deadLetters('orders', 'shop');
    await waitUntil(async () => Number(await raw.call(['XLEN', dlKey])) === 8, 10_000, '8 dead letters');
    expect(handled).toEqual([1, 9]);
    const reasons = (await xrange(raw, dlKey, '-', '+')).map((e) => {
      const f = fieldsToObject(e.fields);
      return `${f['dl.reason']}:${f['dl.field'] ?? ''}:${f['dl.deliveries']}`;
    });
    expect(reasons).toEqual([
      'DECODE_MISSING_FIELD:type:1',
      'DECODE_INVALID_JSON:data:1',
      'UNKNOWN_TYPE:type:1',
      'SCHEMA_INVALID:data:1',
      'MESSAGE_TOO_LARGE::1',
      'DECODE_INVALID_UTF8:data:1',
      'DECODE_INVALID_FIELD:v:1',
      'DECODE_MISSING_FIELD:type:1',
    ]);
    // the originals are kept verbatim (one JSON field) next to the reason
    const schemaFail = fieldsToObject((await xrange(raw, dlKey, '-', '+'))[3]!.fields);
    expect(schemaFail).toMatchObject({ 'dl.group': 'shop' });
    expect(fieldsToObject(JSON.parse(schemaFail['dl.original']!) as string[])).toMatchObject({ type: 'demo.order', data: '{"qty":-4}' });
    expect(schemaFail['dl.error']).toContain('qty: expected a positive integer');
    const pending = (await raw.call(['XPENDING', key, 'shop'])) as unknown[];
    expect(pending[0]).toBe(0);
  });

  it('consumes flat (form 1) entries and form-2 entries written with raw XADD, and dead-letters a bad header by its part', async () => {
    const b = await makeBus(kind, redis(), randomPrefix(), { contracts });
    open.push(b);
    const raw = await rawDriver(kind, redis());
    raws.push(raw);
    const got: { qty: number; id: string; corr: string; cause: string }[] = [];
    const sub = b.subscribe<{ qty: number }>({ stream: 'orders', group: 'shop', handler: (m) => void got.push({ qty: m.data.qty, id: m.id, corr: m.corr, cause: m.cause }) });
    await sub.ready;
    const key = b.keys.stream('orders');
    const now = String(Date.now());
    // Form 1, as Hive wrote entries before form 2 (and as the envelope doc lets any client write them).
    await raw.call(['XADD', key, '*', 'type', 'demo.order', 'v', '1', 'id', 'old-1', 'src', 'raw', 'ts', now, 'corr', 'c-1', 'cause', 'p-1', 'data', '{"qty":1}']);
    await raw.call(['XADD', key, '*', HEADER_FIELD, `demo.order 1 new-2 raw ${now}`, 'data', '{"qty":2}']);
    await raw.call(['XADD', key, '*', HEADER_FIELD, `demo.order 1 new-3 raw soon`, 'data', '{"qty":3}']); // ts is not a time
    await b.publish('orders', 'demo.order', { qty: 4 }, { corr: 'c-4', cause: 'p-4' });

    await waitUntil(() => got.length === 3, 10_000, 'three valid orders');
    expect(got.slice(0, 2)).toEqual([
      { qty: 1, id: 'old-1', corr: 'c-1', cause: 'p-1' },
      { qty: 2, id: 'new-2', corr: 'new-2', cause: '' },
    ]);
    expect(got[2]).toMatchObject({ qty: 4, corr: 'c-4', cause: 'p-4' });
    const dlKey = b.keys.deadLetters('orders', 'shop');
    await waitUntil(async () => Number(await raw.call(['XLEN', dlKey])) === 1, 10_000, 'a dead letter');
    const dl = fieldsToObject((await xrange(raw, dlKey, '-', '+'))[0]!.fields);
    expect([dl['dl.reason'], dl['dl.field']]).toEqual(['DECODE_INVALID_FIELD', 'ts']);
    // What Hive wrote is the two fields, readable as they are (its id generated: vouched unique, "*").
    const entries = await xrange(raw, key, '-', '+');
    expect(entries.at(-1)!.fields).toEqual([HEADER_FIELD, expect.stringMatching(/^demo\.order 1 \S+ \S+ \d+ c-4 p-4 {3}\*$/), 'data', '{"qty":4}']);
  });

  it('refuses to publish what it would dead-letter, with a named error', async () => {
    const b = await makeBus(kind, redis(), randomPrefix(), { contracts, maxMessageBytes: 2_000 });
    open.push(b);
    await expect(b.publish('orders', 'demo.order', { qty: 0 })).rejects.toMatchObject({ code: 'SCHEMA_INVALID' });
    await expect(b.publish('orders', 'demo.nope', { qty: 1 })).rejects.toMatchObject({ code: 'UNKNOWN_TYPE' });
    await expect(b.publish('orders', 'demo.order', { qty: 1, pad: 'x'.repeat(3_000) })).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    await expect(b.publish('bad stream', 'demo.order', { qty: 1 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(Number(await b.driver.call(['EXISTS', b.keys.stream('orders')]))).toBe(0);
  });
});
