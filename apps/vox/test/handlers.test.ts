/**
 * vox on a real Redis through the runtime's harness, transcribing a real voice note (an Ogg/Opus
 * recording in test/fixtures) against a local fake of OpenAI's transcription endpoint.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestAgent, type TestAgent } from '@hive/agent/testing';
import { listAgents } from '@hive/bus/admin';
import { openBlobStore } from '@hive/blobs';
import type { PayloadInput } from '@hive/contracts';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVox } from '../src/agent.js';
import { startFakeTranscription, type FakeTranscription } from './fake-transcription.js';

const CHAT = '491701234567@c.us';
const FIXTURE = readFileSync(new URL('./fixtures/remind-dentist.ogg', import.meta.url));
const SAID = 'Remind me to call the dentist tomorrow at nine.';

let redis: RedisServer;
let fake: FakeTranscription;
let dataDir: string;
let t: TestAgent | undefined;
let n = 0;

type Inbound = PayloadInput<'wa.inbound', 'wa.message'>;
const message = (extra: Partial<Inbound> = {}): Inbound => ({
  messageId: `true_${CHAT}_VOICE${++n}`,
  chatId: CHAT,
  from: CHAT,
  text: '',
  sentAt: '2025-03-14T07:46:02.000Z',
  ...extra,
});
/** The fixture in the blob store, as kami leaves it (wa.message v3 carries the reference). */
let fixtureSha = '';
const voiceNote = (extra: Partial<Inbound> = {}) =>
  message({ media: { kind: 'voice', mime: 'audio/ogg; codecs=opus', sha256: fixtureSha, bytes: FIXTURE.length, seconds: 3.3 }, ...extra });

const online = (extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test', HIVE_DATA_DIR: dataDir, ...extra });
const start = (env: Record<string, string>) => createTestAgent(createVox(), { redis, env, streamDefaults: { retry: { baseMs: 20, maxMs: 50, jitter: 0 } } });
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redis = await startRedis();
  dataDir = mkdtempSync(join(tmpdir(), 'vox-test-'));
  fixtureSha = (await (await openBlobStore(join(dataDir, 'blobs'))).put(FIXTURE, 'audio/ogg; codecs=opus')).sha256;
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
  await fake?.close();
});

describe('vox with a transcription model', () => {
  it('sends the voice note to the API and publishes what it heard on voice.transcribed', async () => {
    fake = await startFakeTranscription([{ text: ` ${SAID} ` }]);
    t = await start(online());
    const input = voiceNote();
    await t.publish('wa.inbound', 'wa.message', input);

    const out = await t.expectMessage('voice.transcribed');
    expect(out.data).toEqual({ chatId: CHAT, from: CHAT, messageId: input.messageId, text: SAID, model: 'whisper-1', seconds: 3.3, sentAt: input.sentAt });
    expect(out.src).toBe('vox');
    const echo = await t.expectMessage('wa.outbound');
    expect(echo.data).toEqual({ chatId: CHAT, text: `🎙️ I heard: "${SAID}"`, replyTo: input.messageId });

    // What reached the API: the recording byte for byte, under a name it decodes, and the model.
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe('/v1/audio/transcriptions');
    expect(req.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(req.authorization).toBe('Bearer sk-test');
    expect(req.field('model')).toBe('whisper-1');
    expect(req.field('response_format')).toBe('json');
    const file = req.file()!;
    expect(file.filename).toBe('voice-note.ogg');
    expect(file.contentType).toBe('audio/ogg; codecs=opus');
    expect(file.data.equals(FIXTURE)).toBe(true);
    expect(file.data.subarray(0, 4).toString('latin1')).toBe('OggS');
  });

  it('still transcribes an entry written at v2 before the upgrade (the audio inline in the entry)', async () => {
    fake = await startFakeTranscription([{ text: SAID }]);
    t = await start(online());
    const v2 = { messageId: `true_${CHAT}_OLD1`, chatId: CHAT, from: CHAT, text: '', sentAt: '2025-03-14T07:46:02.000Z', media: { kind: 'voice', mime: 'audio/ogg', base64: FIXTURE.toString('base64'), bytes: FIXTURE.length } };
    await t.bus.driver.call(['XADD', t.bus.keys.stream('wa.inbound'), '*', 'type', 'wa.message', 'v', '2', 'id', v2.messageId, 'src', 'kami', 'ts', String(Date.now()), 'corr', v2.messageId, 'cause', '', 'data', JSON.stringify(v2)]);
    const out = await t.expectMessage('voice.transcribed');
    expect(out.data).toMatchObject({ text: SAID, messageId: v2.messageId });
    expect(fake.requests[0]!.file()!.data.equals(FIXTURE)).toBe(true);
  });

  it('tells the owner when the audio is gone from the blob store (swept), and dead-letters the message for an operator', async () => {
    fake = await startFakeTranscription([{ text: SAID }]);
    t = await start(online());
    const input = voiceNote({ media: { kind: 'voice', mime: 'audio/ogg', sha256: 'e'.repeat(64), bytes: 1_000 } });
    await t.publish('wa.inbound', 'wa.message', input);
    const sorry = await t.expectMessage('wa.outbound');
    expect(sorry.data.text).toMatch(/couldn't get at the audio/);
    await settle();
    const [dead] = await t.deadLetters('wa.inbound');
    expect(dead).toMatchObject({ 'dl.reason': 'UNRECOVERABLE', 'dl.group': 'vox' });
    expect(dead!['dl.error']).toMatch(/is not in the blob store/);
    expect(fake.requests).toHaveLength(0);
  });

  it('reads a voice note kami stored as a file (a v2 entry), with the model and language configured', async () => {
    fake = await startFakeTranscription([{ text: SAID }]);
    mkdirSync(join(dataDir, 'kami', 'media'), { recursive: true });
    const path = join(dataDir, 'kami', 'media', 'note-1.ogg');
    writeFileSync(path, FIXTURE);
    t = await start(online({ VOX_MODEL: 'gpt-4o-mini-transcribe', VOX_LANGUAGE: 'en', VOX_ECHO: '0' }));
    const input = message({ media: { kind: 'audio', mime: 'audio/ogg', path } });
    await t.publish('wa.inbound', 'wa.message', input);

    const out = await t.expectMessage('voice.transcribed');
    expect(out.data).toMatchObject({ text: SAID, model: 'gpt-4o-mini-transcribe', language: 'en', messageId: input.messageId });
    const req = fake.requests[0]!;
    expect(req.field('model')).toBe('gpt-4o-mini-transcribe');
    expect(req.field('language')).toBe('en');
    expect(req.file()!.data.equals(FIXTURE)).toBe(true);
    await settle();
    expect(await t.messages('wa.outbound')).toEqual([]); // VOX_ECHO=0
  });

  it('acks and skips typed messages and other media, in order with the voice note after them', async () => {
    fake = await startFakeTranscription([{ text: SAID }]);
    t = await start(online());
    await t.publish('wa.inbound', 'wa.message', message({ text: 'had 2 eggs' }));
    await t.publish('wa.inbound', 'wa.message', message({ text: 'look', media: { kind: 'image', mime: 'image/jpeg', base64: '/9j/4AAQ' } }));
    const voice = voiceNote();
    await t.publish('wa.inbound', 'wa.message', voice);

    await t.expectMessage('voice.transcribed');
    expect(fake.requests).toHaveLength(1);
    expect((await t.messages('voice.transcribed')).map((m) => m.data.messageId)).toEqual([voice.messageId]);
    expect((await t.messages('wa.outbound')).map((m) => m.data.replyTo)).toEqual([voice.messageId]);
    const groups = (await t.bus.driver.call(['XINFO', 'GROUPS', t.bus.keys.stream('wa.inbound')])) as unknown[][];
    const vox = groups.map((g) => Object.fromEntries(chunk(g))).find((g) => g.name === 'vox')!;
    expect(vox.pending).toBe(0);
  });

  it('a 500 is retried within the deadline; then the owner hears at once, and it is a dead letter with the reason', async () => {
    fake = await startFakeTranscription([{ status: 500, message: 'upstream exploded' }]);
    t = await start(online({ OPENAI_MAX_RETRIES: '2', OPENAI_BREAKER_FAILURES: '10' }));
    const input = voiceNote();
    const published = await t.publish('wa.inbound', 'wa.message', input);

    const reply = await t.expectMessage('wa.outbound', undefined, 10_000);
    expect(reply.data.text).toBe(`🎙️ Sorry, I couldn't transcribe your voice note: the transcription service kept failing (HTTP 500) after 3 tries. Could you type it, or send it again in a while?`);
    expect(reply.data.replyTo).toBe(input.messageId);
    const dead = await waitFor(async () => (await t!.deadLetters('wa.inbound'))[0]);
    // one delivery: the retries happened inside it, not through the bus
    expect(dead).toMatchObject({ 'dl.group': 'vox', 'dl.reason': 'UNRECOVERABLE', 'dl.deliveries': '1', id: published.id });
    expect(dead['dl.error']).toContain('HTTP 500');
    expect(dead['dl.error']).toContain('upstream exploded');
    expect(fake.requests).toHaveLength(3);
    await settle();
    expect(await t.messages('voice.transcribed')).toEqual([]);
    expect(await t.messages('wa.outbound')).toHaveLength(1);
  });

  it('a service that hangs: the owner hears when VOX_DEADLINE_MS is up, not after the attempt timeout', async () => {
    fake = await startFakeTranscription([{ hang: true }]);
    t = await start(online({ VOX_DEADLINE_MS: '500', VOX_TIMEOUT_MS: '600000', OPENAI_BREAKER_FAILURES: '10' }));
    const t0 = Date.now();
    await t.publish('wa.inbound', 'wa.message', voiceNote());
    const reply = await t.expectMessage('wa.outbound', undefined, 20_000);
    console.log(`hanging transcription, VOX_DEADLINE_MS 500: the owner heard after ${Date.now() - t0} ms`);
    expect(reply.data.text).toMatch(/the transcription service didn't answer/);
    const dead = await waitFor(async () => (await t!.deadLetters('wa.inbound'))[0]);
    expect(dead['dl.error']).toMatch(/timed out after \d+ ms/);
    expect(fake.requests).toHaveLength(1);
  });

  it('after OPENAI_BREAKER_FAILURES failed voice notes the service is not asked: the owner hears at once', async () => {
    fake = await startFakeTranscription([{ status: 503 }]);
    t = await start(online({ OPENAI_MAX_RETRIES: '0', OPENAI_BREAKER_FAILURES: '2', OPENAI_BREAKER_OPEN_MS: '60000' }));
    for (let i = 0; i < 3; i++) await t.publish('wa.inbound', 'wa.message', voiceNote());
    const replies = await waitFor(async () => {
      const out = await t!.messages('wa.outbound');
      return out.length >= 3 ? out : undefined;
    });
    expect(fake.requests).toHaveLength(2);
    expect(replies[2]!.data.text).toBe("🎙️ Sorry, the transcription service isn't answering at the moment, so I couldn't transcribe your voice note. Could you type it, or send it again in a while?");
    expect((await t.deadLetters('wa.inbound')).map((d) => d['dl.reason'])).toEqual(['UNRECOVERABLE', 'UNRECOVERABLE', 'UNRECOVERABLE']);
    const record = (await listAgents(t.bus.driver, t.bus.keys)).find((a) => a.name === 'vox')!;
    expect(record.models).toEqual(expect.arrayContaining([expect.objectContaining({ endpoint: `whisper-1@${fake.baseURL}`, state: 'open', failures: 2, lastError: 'HTTP 503' })]));
  });

  it('a 500 that clears before the last try: transcribed, and the owner never hears of it', async () => {
    fake = await startFakeTranscription([{ status: 503 }, { status: 500 }, { text: SAID }]);
    t = await start(online());
    await t.publish('wa.inbound', 'wa.message', voiceNote());
    const out = await t.expectMessage('voice.transcribed', undefined, 10_000);
    expect(out.data.text).toBe(SAID);
    expect(fake.requests).toHaveLength(3);
    expect((await t.messages('wa.outbound')).map((m) => m.data.text)).toEqual([`🎙️ I heard: "${SAID}"`]);
    expect(await t.deadLetters('wa.inbound')).toEqual([]);
  });

  it('a 401 (our key) is told to the owner and dead-lettered at once, without retries', async () => {
    fake = await startFakeTranscription([{ status: 401, message: 'Incorrect API key provided' }]);
    t = await start(online());
    await t.publish('wa.inbound', 'wa.message', voiceNote());
    const reply = await t.expectMessage('wa.outbound');
    expect(reply.data.text).toContain('refused the request (HTTP 401)');
    const dead = await waitFor(async () => (await t!.deadLetters('wa.inbound'))[0]);
    expect(dead).toMatchObject({ 'dl.reason': 'UNRECOVERABLE', 'dl.deliveries': '1' });
    expect(dead['dl.error']).toContain('Incorrect API key');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 400 (the audio) is told to the owner and done with: no retry, no dead letter', async () => {
    fake = await startFakeTranscription([{ status: 400, message: 'Invalid file format.' }]);
    t = await start(online());
    await t.publish('wa.inbound', 'wa.message', voiceNote());
    const reply = await t.expectMessage('wa.outbound');
    expect(reply.data.text).toContain("couldn't read that audio (HTTP 400)");
    await settle();
    expect(fake.requests).toHaveLength(1);
    expect(await t.deadLetters('wa.inbound')).toEqual([]);
  });

  it('too large: a clear reply, and nothing is uploaded (inline, or a file that does not say its size)', async () => {
    fake = await startFakeTranscription();
    mkdirSync(join(dataDir, 'kami', 'media'), { recursive: true });
    const path = join(dataDir, 'kami', 'media', 'big.ogg');
    writeFileSync(path, FIXTURE);
    t = await start(online({ VOX_MAX_BYTES: '4000' }));
    const inline = voiceNote();
    const onDisk = message({ media: { kind: 'voice', mime: 'audio/ogg', path } });
    await t.publish('wa.inbound', 'wa.message', inline);
    await t.publish('wa.inbound', 'wa.message', onDisk);
    const replies = await waitFor(async () => {
      const r = await t!.messages('wa.outbound');
      return r.length === 2 ? r : undefined;
    });
    for (const r of replies) expect(r.data.text).toBe('🎙️ That recording is too large for me to transcribe (6 KB; I take up to 4 KB). Could you send a shorter one, or type it?');
    expect(replies.map((r) => r.data.replyTo)).toEqual([inline.messageId, onDisk.messageId]);
    expect(fake.requests).toEqual([]);
    expect(await t.messages('voice.transcribed')).toEqual([]);
  });

  it('too long, or a format the API cannot read: a clear reply, nothing uploaded', async () => {
    fake = await startFakeTranscription();
    t = await start(online({ VOX_MAX_SECONDS: '60' }));
    await t.publish('wa.inbound', 'wa.message', voiceNote({ media: { kind: 'voice', mime: 'audio/ogg', base64: FIXTURE.toString('base64'), seconds: 125 } }));
    await t.publish('wa.inbound', 'wa.message', voiceNote({ media: { kind: 'audio', mime: 'audio/amr', base64: FIXTURE.toString('base64') } }));
    const replies = await waitFor(async () => {
      const r = await t!.messages('wa.outbound');
      return r.length === 2 ? r : undefined;
    });
    expect(replies.map((r) => r.data.text)).toEqual([
      '🎙️ That recording is 2 min 5 s long; I transcribe up to 1 min. Could you send a shorter one, or type it?',
      "🎙️ I can't transcribe audio in this format (audio/amr). WhatsApp voice notes work, and so do mp3, m4a, ogg, wav, webm and flac files.",
    ]);
    expect(fake.requests).toEqual([]);
  });

  it('never uploads a file outside its media directory, even through a symlink; the owner hears and an operator finds a dead letter', async () => {
    fake = await startFakeTranscription();
    const outside = mkdtempSync(join(tmpdir(), 'vox-outside-'));
    const secret = join(outside, 'secret.ogg');
    writeFileSync(secret, FIXTURE);
    mkdirSync(join(dataDir, 'kami', 'media'), { recursive: true });
    const link = join(dataDir, 'kami', 'media', 'link.ogg');
    rmSync(link, { force: true });
    symlinkSync(secret, link);
    t = await start(online());
    await t.publish('wa.inbound', 'wa.message', message({ media: { kind: 'voice', mime: 'audio/ogg', path: secret } }));
    await t.publish('wa.inbound', 'wa.message', message({ media: { kind: 'voice', mime: 'audio/ogg', path: link } }));
    await t.publish('wa.inbound', 'wa.message', message({ media: { kind: 'voice', mime: 'audio/ogg', path: join(dataDir, 'kami', 'media', 'missing.ogg') } }));
    const dead = await waitFor(async () => {
      const d = await t!.deadLetters('wa.inbound');
      return d.length === 3 ? d : undefined;
    });
    expect(dead.map((d) => d['dl.reason'])).toEqual(['UNRECOVERABLE', 'UNRECOVERABLE', 'UNRECOVERABLE']);
    expect(dead[0]!['dl.error']).toContain('outside the media directory');
    expect(dead[1]!['dl.error']).toContain('leads outside the media directory');
    expect(dead[2]!['dl.error']).toContain('cannot open the audio');
    const replies = await t.messages('wa.outbound');
    expect(replies.map((r) => r.data.text)).toEqual(Array(3).fill("🎙️ Sorry, I couldn't get at the audio of that voice note on my side. Could you send it again, or type it?"));
    expect(fake.requests).toEqual([]);
    rmSync(outside, { recursive: true, force: true });
  });
});

describe('vox without a transcription model', () => {
  it('answers a voice note politely and publishes no transcript', async () => {
    t = await start({ HIVE_DATA_DIR: dataDir });
    const input = voiceNote();
    await t.publish('wa.inbound', 'wa.message', input);
    const reply = await t.expectMessage('wa.outbound');
    expect(reply.data).toEqual({
      chatId: CHAT,
      replyTo: input.messageId,
      text: "🎙️ I got your voice note, but I can't listen to it: no transcription model is set up here (it needs OPENAI_API_KEY, or OPENAI_BASE_URL for a self-hosted one). Could you type it instead?",
    });
    await settle();
    expect(await t.messages('voice.transcribed')).toEqual([]);
    expect(t.logs.some((l) => l.level === 'warn' && /no OPENAI_API_KEY/.test(l.msg ?? ''))).toBe(true);
  });

  it('stays silent on typed messages (iris answers those)', async () => {
    t = await start({ HIVE_DATA_DIR: dataDir });
    await t.publish('wa.inbound', 'wa.message', message({ text: 'hello' }));
    await t.publish('wa.inbound', 'wa.message', voiceNote());
    await t.expectMessage('wa.outbound');
    await settle();
    expect(await t.messages('wa.outbound')).toHaveLength(1);
  });
});

function chunk(flat: unknown[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
