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
  /** Hive (ioredis) bytes per entry minus the bare payload's. */
  readonly envelopeOverhead: number;
  /** What the envelope adds beside `data`, before Redis's own encoding: its header's bytes (field names are shared per node). */
  readonly envelopeFields: Record<string, number>;
}

async function usage(redis: Redis, key: string): Promise<number> {
  return Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

export async function measureMemory(url: string, n: number, opts: { bullmq: boolean }): Promise<MemoryResult> {
  const redis = new Redis(url);
  const rows: MemoryRow[] = [];
  let hiveIoredis = Number.NaN;
  try {
    const bareKey = uniqueName('bare');
    for (let i = 0; i < n; i += 1000) {
      const p = redis.pipeline();
      for (let j = i; j < Math.min(n, i + 1000); j++) p.xadd(bareKey, '*', 'data', JSON.stringify(makePayload(j)));
      await p.exec();
    }
    const bare = (await usage(redis, bareKey)) / n;
    rows.push({ label: 'bare payload (XADD data <json>)', entries: n, bytesPerEntry: bare });
    await redis.del(bareKey);

    for (const kind of ['ioredis', 'node-redis'] as DriverKind[]) {
      const bus = await createBus({ url, driver: kind, prefix: HIVE_PREFIX, source: 'bench', logger: silentLogger });
      const stream = uniqueName('mem');
      for (let i = 0; i < n; i += 1000) {
        const batch = [];
        for (let j = i; j < Math.min(n, i + 1000); j++) batch.push({ stream, type: PAYLOAD_TYPE, data: makePayload(j) });
        await bus.publishBatch(batch);
      }
      const per = (await usage(redis, bus.keys.stream(stream))) / n;
      if (kind === 'ioredis') hiveIoredis = per;
      rows.push({ label: `Hive envelope (${kind})`, entries: n, bytesPerEntry: per });
      await redis.del(bus.keys.stream(stream));
      await bus.close();
    }

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
  return { rows, envelopeOverhead: hiveIoredis - rows[0]!.bytesPerEntry, envelopeFields };
}
