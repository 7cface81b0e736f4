/**
 * A full Redis loses nothing at the edge. With Redis at its maxmemory (noeviction) every publish
 * fails with REDIS_OOM; kami takes each received message anyway into its on-disk spool (the
 * simulator answers "queued"), keeps the voice notes' blobs, survives a restart with the spool
 * intact, and once memory is freed publishes every message exactly once, in the order received.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDriver, isOutOfMemory, type RedisDriver } from '@hive/bus';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimKami, waitFor, type SimKami } from './helpers.js';

let redis: RedisServer;
let admin: RedisDriver;

beforeAll(async () => {
  redis = await startRedis({ args: ['--maxmemory', '16mb', '--maxmemory-policy', 'noeviction'] });
  admin = createDriver('ioredis', { url: redis.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.close();
  await redis?.stop();
});

/**
 * Fill Redis until a write is refused; then pin it there: the limit lowered to just under what is
 * used now, because memory moves by a few KB as clients come and go (a failed command's own buffer
 * is freed after it), and the test must not depend on that. Returns the filler keys.
 */
async function fill(): Promise<string[]> {
  const keys: string[] = [];
  for (const size of [256 * 1024, 1024, 64]) {
    const chunk = 'x'.repeat(size);
    for (let i = 0; ; i++) {
      const key = `filler:${size}:${i}`;
      try {
        await admin.call(['SET', key, chunk]);
        keys.push(key);
      } catch (err) {
        expect(isOutOfMemory(err)).toBe(true);
        break;
      }
    }
  }
  const used = Number(/used_memory:(\d+)/.exec(String(await admin.call(['INFO', 'memory'])))![1]);
  // (2 MB under: the server shrinks idle clients' query buffers by a few hundred KB on its own.)
  await admin.call(['CONFIG', 'SET', 'maxmemory', String(used - 2 * 1024 * 1024)]);
  return keys;
}

/** Free the memory: the filler deleted, the limit back to 16 MB. */
async function free(keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) await admin.call(['DEL', ...keys.slice(i, i + 500)]);
  await admin.call(['CONFIG', 'SET', 'maxmemory', String(16 * 1024 * 1024)]);
}

/** Every blob file under the data dir's blob store. */
function blobFiles(dataDir: string): string[] {
  const root = join(dataDir, 'blobs', 'sha256');
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)));
}

describe('a full Redis', () => {
  it('spools what kami receives, across a restart, and publishes all of it in order once memory is freed', async () => {
    const prefix = randomPrefix('oom');
    const dataDir = mkdtempSync(join(tmpdir(), 'kami-oom-'));
    const env = { KAMI_SPOOL_RETRY_MAX_MS: '200' };
    let kami: SimKami | undefined = await startSimKami(redis, { prefix, dataDir, keepDataDir: true, env });
    const post = async (body: unknown) => (await (await fetch(`${kami!.sim.url}/messages`, { method: 'POST', body: JSON.stringify(body) })).json()) as { outcome: { status: string; messageId: string; reason?: string } };
    const voice = (n: number) => ({ media: { mime: 'audio/ogg; codecs=opus', base64: Buffer.from(`OggS voice note ${n}`).toString('base64'), seconds: n } });
    const filler = await fill();
    const sent: string[] = [];
    try {
      // Six messages into a full Redis: all taken, none published.
      for (let i = 1; i <= 6; i++) {
        const r = await post(i % 3 === 0 ? { ...voice(i), id: `false_oom_${i}` } : { text: `message ${i}`, id: `false_oom_${i}` });
        expect(r.outcome.status, JSON.stringify(r.outcome)).toBe('queued');
        sent.push(r.outcome.messageId);
      }
      const first = await post({ text: 'message 1 again', id: 'false_oom_1' });
      expect(first.outcome.status).toBe('queued'); // still full: a duplicate is only known once published
      expect(readdirSync(join(dataDir, 'kami', 'spool')).filter((f) => f.endsWith('.json'))).toHaveLength(7);
      expect(Number(await admin.call(['EXISTS', kami.t.bus.keys.stream('wa.inbound')]))).toBe(0);

      // The voice notes' blobs stay on disk while they wait.
      expect(blobFiles(dataDir)).toHaveLength(2);
      // kami stops while Redis is still full: what it took is on disk, not lost.
      await kami.stop();
      kami = undefined;
    } finally {
      await free(filler);
    }

    // (An agent cannot start while Redis is full: creating its groups and its first heartbeat are
    // writes. So kami comes back once memory is freed, finds its spool and publishes it first.)
    kami = await startSimKami(redis, { prefix, dataDir, keepDataDir: true, env });
    for (let i = 7; i <= 8; i++) {
      const r = await post({ text: `message ${i}`, id: `false_oom_${i}` });
      expect(['queued', 'published']).toContain(r.outcome.status);
      sent.push(r.outcome.messageId);
    }

    // Memory freed: every message published once, in the order received (the duplicate of 1 appends nothing).
    const k = kami!;
    await waitFor(async () => (await k.t.messages('wa.inbound')).length === 8 && readdirSync(join(dataDir, 'kami', 'spool')).every((f) => !f.endsWith('.json')), 'the spool drained', 15_000);
    const published = await k.t.messages('wa.inbound');
    expect(published.map((m) => m.data.messageId)).toEqual(sent);
    expect(published.map((m) => m.data.text)).toEqual(['message 1', 'message 2', '', 'message 4', 'message 5', '', 'message 7', 'message 8']);
    const notes = published.filter((m) => m.data.media);
    expect(notes.map((m) => m.data.media!.seconds)).toEqual([3, 6]);
    expect(blobFiles(dataDir).sort()).toEqual(notes.map((n) => n.data.media!.sha256!).sort());
    expect(readdirSync(join(dataDir, 'kami', 'spool', 'rejected'))).toEqual([]);
    await k.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('drains the spool on its own once memory is freed, while the sweeper keeps the blobs it holds and removes them after their retention', async () => {
    const prefix = randomPrefix('oom');
    // Media kept 1.7 s after the last reference (grace 72 ms), swept every 50 ms: many sweeps during the outage.
    const env = { KAMI_SPOOL_RETRY_MAX_MS: '200', KAMI_MEDIA_RETENTION_DAYS: '0.00002', KAMI_MEDIA_SWEEP_MS: '50' };
    const kami = await startSimKami(redis, { prefix, env });
    try {
      const post = async (body: unknown) => (await (await fetch(`${kami.sim.url}/messages`, { method: 'POST', body: JSON.stringify(body) })).json()) as { outcome: { status: string } };
      const filler = await fill();
      try {
        expect((await post({ text: 'before the voice note' })).outcome.status).toBe('queued');
        expect((await post({ media: { mime: 'audio/ogg', base64: Buffer.from('OggS held in the spool').toString('base64') } })).outcome.status).toBe('queued');
        await new Promise((r) => setTimeout(r, 2_500)); // longer than the media retention
        expect(blobFiles(kami.dataDir)).toHaveLength(1);
      } finally {
        await free(filler);
      }
      await waitFor(async () => (await kami.t.messages('wa.inbound')).length === 2, 'the spool drained on its own', 10_000);
      const [text, note] = await kami.t.messages('wa.inbound');
      expect(text!.data.text).toBe('before the voice note');
      expect(blobFiles(kami.dataDir)).toEqual([note!.data.media!.sha256]);
      // Referenced when published; gone once that reference is older than the retention.
      await waitFor(() => blobFiles(kami.dataDir).length === 0, 'the blob swept after its retention', 10_000);
    } finally {
      await kami.stop();
    }
  }, 60_000);
});
