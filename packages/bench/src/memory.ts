/**
 * Bytes per entry in Redis: `MEMORY USAGE <key> SAMPLES 0` (exact) over N entries, divided by N,
 * for Hive's envelope and for the bare payload in a single `data` field, written into fresh
 * streams on the bench's Redis. BullMQ's per-job footprint (job hash plus its wait-list share) is
 * shown for scale.
 */
import { createBus, encodeData, encodeFields, silentLogger, type DriverKind } from '@hive/bus';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { makePayload, PAYLOAD_TYPE } from './payload.js';
import { BULLMQ_PREFIX } from './systems/bullmq.js';
import { HIVE_PREFIX } from './systems/hive.js';
import { uniqueName } from './systems/common.js';

export interface MemoryRow {
  readonly label: string;
  readonly entries: number;
  readonly bytesPerEntry: number;
}

export interface MemoryResult {
  readonly rows: MemoryRow[];
  /** Hive (ioredis) bytes per entry minus the bare payload's, for the bench's one payload (about 300 bytes). */
  readonly envelopeOverhead: number;
  /**
   * The same difference averaged over payloads padded by 0, 8, …, 120 bytes (OVERHEAD_PADS): what
   * the envelope costs an entry, without the luck of one payload size. Redis packs a stream's
   * entries into nodes of at most `stream-node-max-bytes` (4 KB): with entries of about 400 bytes,
   * one byte more can make 9 fit in a node instead of 10, and every entry's share of its node then
   * grows by about 45 bytes, whichever of its bytes crossed the edge.
   */
  readonly envelopeOverheadMean: number;
  /** Per padding (bytes added to the payload): Hive (ioredis) bytes per entry minus the bare payload's. */
  readonly overheadByPad: Record<string, number>;
  /** What the envelope adds beside `data`, before Redis's own encoding: its header's bytes (field names are shared per node). */
  readonly envelopeFields: Record<string, number>;
}

async function usage(redis: Redis, key: string): Promise<number> {
  return Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

/** Paddings (bytes added to the payload) the mean overhead is taken over: more than one 4 KB node's packing period at this entry size. */
export const OVERHEAD_PADS: readonly number[] = Array.from({ length: 16 }, (_, i) => i * 8);

const padded = (seq: number, pad: number) => (pad === 0 ? makePayload(seq) : { ...makePayload(seq), pad: 'x'.repeat(pad) });

/** Bytes per entry of `n` bare payloads (one `data` field) padded by `pad`. */
async function bareBytes(redis: Redis, n: number, pad: number): Promise<number> {
  const key = uniqueName('bare');
  for (let i = 0; i < n; i += 1000) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(n, i + 1000); j++) p.xadd(key, '*', 'data', JSON.stringify(padded(j, pad)));
    await p.exec();
  }
  const bytes = (await usage(redis, key)) / n;
  await redis.del(key);
  return bytes;
}

/** Bytes per entry of the same `n` payloads published through Hive on `kind`. */
async function hiveBytes(redis: Redis, url: string, kind: DriverKind, n: number, pad: number): Promise<number> {
  const bus = await createBus({ url, driver: kind, prefix: HIVE_PREFIX, source: 'bench', logger: silentLogger });
  try {
    const stream = uniqueName('mem');
    for (let i = 0; i < n; i += 1000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) batch.push({ stream, type: PAYLOAD_TYPE, data: padded(j, pad) });
      await bus.publishBatch(batch);
    }
    const bytes = (await usage(redis, bus.keys.stream(stream))) / n;
    await redis.del(bus.keys.stream(stream));
    return bytes;
  } finally {
    await bus.close();
  }
}

export async function measureMemory(url: string, n: number, opts: { bullmq: boolean }): Promise<MemoryResult> {
  const redis = new Redis(url);
  const rows: MemoryRow[] = [];
  let hiveIoredis = Number.NaN;
  const overheadByPad: Record<string, number> = {};
  try {
    rows.push({ label: 'bare payload (XADD data <json>)', entries: n, bytesPerEntry: await bareBytes(redis, n, 0) });
    for (const kind of ['ioredis', 'node-redis'] as DriverKind[]) {
      const per = await hiveBytes(redis, url, kind, n, 0);
      if (kind === 'ioredis') hiveIoredis = per;
      rows.push({ label: `Hive envelope (${kind})`, entries: n, bytesPerEntry: per });
    }

    // Enough entries per padding for whole nodes to dominate: a tenth of n, at least 1,000.
    const perPad = Math.max(1000, Math.round(n / 10));
    for (const pad of OVERHEAD_PADS) overheadByPad[String(pad)] = (await hiveBytes(redis, url, 'ioredis', perPad, pad)) - (await bareBytes(redis, perPad, pad));

    if (opts.bullmq) {
      const name = uniqueName('bullmem');
      const u = new URL(url);
      const queue = new Queue(name, { connection: { host: u.hostname, port: Number(u.port) }, prefix: BULLMQ_PREFIX });
      for (let i = 0; i < n; i += 1000) {
        const jobs = [];
        for (let j = i; j < Math.min(n, i + 1000); j++) jobs.push({ name: 'msg', data: makePayload(j) });
        await queue.addBulk(jobs);
      }
      let total = 0;
      let cursor = '0';
      do {
        const [next, keys] = (await redis.scan(cursor, 'MATCH', `${BULLMQ_PREFIX}:${name}:*`, 'COUNT', 1000)) as [string, string[]];
        cursor = next;
        for (const k of keys) total += await usage(redis, k);
      } while (cursor !== '0');
      rows.push({ label: 'BullMQ job (hash + wait list), for scale', entries: n, bytesPerEntry: total / n });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  } finally {
    redis.disconnect();
  }

  // The measured entries are root messages (corr is the id, written empty; no cause); a follow-up's
  // header carries both ids too.
  const id = '01JQ6Z8X3F5G7H9J1K3M5N7P9R';
  const header = (corr: string, cause: string) =>
    Buffer.byteLength(encodeFields({ type: PAYLOAD_TYPE, v: 1, id, src: 'bench', ts: Date.now(), corr, cause, data: encodeData(makePayload(1)) })[1]!);
  const envelopeFields: Record<string, number> = { 'header (root message)': header(id, ''), 'header (a follow-up: corr and cause set)': header('01JQ6Z8X3F5G7H9J1K3M5N7P9S', '01JQ6Z8X3F5G7H9J1K3M5N7P9T') };
  const byPad = Object.values(overheadByPad);
  const envelopeOverheadMean = byPad.reduce((a, b) => a + b, 0) / byPad.length;
  return { rows, envelopeOverhead: hiveIoredis - rows[0]!.bytesPerEntry, envelopeOverheadMean, overheadByPad, envelopeFields };
}
