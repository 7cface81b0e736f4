/** kami with the local simulator, over HTTP as `hive say` uses it, on a real Redis. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIM_DEFAULT_OWNER } from '../src/config.js';
import { SIM_MAX_WAIT_MS } from '../src/whatsapp/simulator.js';
import { FRIEND, OWNER, STRANGER, kamiTestFile, startSimKami, waitFor, type SimKami } from './helpers.js';

let kami: SimKami | undefined;
const file = kamiTestFile(async () => {
  await kami?.stop();
  kami = undefined;
});

async function post(body: unknown, query = ''): Promise<{ status: number; json: any }> {
  const res = await fetch(`${kami!.sim.url}/messages${query}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: await res.json() };
}

async function get(path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${kami!.sim.url}${path}`);
  return { status: res.status, json: await res.json() };
}

describe('POST /messages', () => {
  it('publishes like a real WhatsApp message, from the owner by default, with a WhatsApp-style id', async () => {
    kami = await startSimKami(file.redis);
    const r = await post({ text: 'I had 2 eggs and toast' });
    expect(r.status).toBe(200);
    expect(r.json.chatId).toBe(SIM_DEFAULT_OWNER);
    expect(r.json.cursor).toBe(0);
    expect(r.json.outcome).toMatchObject({ status: 'published', chatId: SIM_DEFAULT_OWNER });
    expect(r.json.outcome.messageId).toMatch(/^false_15555550100@c\.us_3EB0[0-9A-F]{16}$/);
    const m = await kami.t.expectMessage('wa.inbound');
    expect(m.id).toBe(r.json.outcome.messageId);
    expect(m.data).toMatchObject({ messageId: r.json.outcome.messageId, chatId: SIM_DEFAULT_OWNER, from: SIM_DEFAULT_OWNER, text: 'I had 2 eggs and toast' });
    expect(Date.parse(m.data.sentAt)).toBeGreaterThan(0);
  });

  it('takes the sender as a number in any shape', async () => {
    kami = await startSimKami(file.redis);
    const r = await post({ text: 'hi', from: '+44 7700 900123', name: 'Sam' });
    expect(r.json.chatId).toBe(FRIEND);
    const m = await kami.t.expectMessage('wa.inbound');
    expect(m.data).toMatchObject({ chatId: FRIEND, fromName: 'Sam' });
  });

  it('is idempotent on the message id', async () => {
    kami = await startSimKami(file.redis);
    const first = await post({ text: 'once', id: 'false_491701234567@c.us_3EB0000000000000AAAA', from: OWNER });
    const again = await post({ text: 'once', id: 'false_491701234567@c.us_3EB0000000000000AAAA', from: OWNER });
    expect(first.json.outcome.status).toBe('published');
    expect(again.json.outcome).toMatchObject({ status: 'duplicate', entryId: first.json.outcome.entryId });
    expect(await kami.t.messages('wa.inbound')).toHaveLength(1);
  });

  it('enforces WHATSAPP_ALLOWED when it is set: a stranger is ignored, and told so only by the simulator', async () => {
    kami = await startSimKami(file.redis, { env: { WHATSAPP_ALLOWED: FRIEND, WHATSAPP_OWNER: OWNER } });
    const r = await post({ text: 'let me in', from: STRANGER });
    expect(r.json.outcome).toMatchObject({ status: 'ignored', reason: 'stranger', chatId: STRANGER });
    expect((await post({ text: 'hi', from: OWNER })).json.outcome.status).toBe('published');
    expect((await post({ text: 'hi', from: FRIEND })).json.outcome.status).toBe('published');
    expect((await kami.t.messages('wa.inbound')).map((m) => m.data.chatId)).toEqual([OWNER, FRIEND]);
    expect(JSON.stringify(kami.t.logs)).not.toContain('let me in');
  });

  it('accepts a voice note as base64 and passes it on by reference to the blob store', async () => {
    kami = await startSimKami(file.redis);
    const audio = Buffer.from('OggS fake voice');
    const r = await post({ media: { mime: 'audio/ogg; codecs=opus', base64: audio.toString('base64'), seconds: 4 } });
    expect(r.json.outcome.status).toBe('published');
    const m = await kami.t.expectMessage('wa.inbound');
    expect(m.data.text).toBe('');
    const sha256 = createHash('sha256').update(audio).digest('hex');
    expect(m.data.media).toEqual({ kind: 'voice', mime: 'audio/ogg; codecs=opus', sha256, bytes: audio.length, seconds: 4 });
    expect(readFileSync(join(kami.dataDir, 'blobs', 'sha256', sha256.slice(0, 2), sha256)).equals(audio)).toBe(true);
  });

  it('refuses an attachment over KAMI_MEDIA_MAX_BYTES and tells the sender why, storing and publishing nothing', async () => {
    kami = await startSimKami(file.redis, { env: { KAMI_MEDIA_MAX_BYTES: '1000' } });
    const r = await post({ media: { kind: 'video', mime: 'video/mp4', base64: Buffer.alloc(2_500, 1).toString('base64') }, text: 'look' });
    expect(r.json.outcome).toMatchObject({ status: 'ignored', reason: 'media_too_large: 2500 bytes, the cap is 1000' });
    const said = kami.sim.sent(SIM_DEFAULT_OWNER);
    expect(said.map((x) => x.text)).toEqual(["📎 That video is 3 KB; I keep attachments up to 1 KB, so I didn't pass it on. Could you send a smaller one, or tell me in words?"]);
    expect(said[0]!.replyTo).toBe(r.json.outcome.messageId);
    expect(await kami.t.messages('wa.inbound')).toHaveLength(0);
    expect(existsSync(join(kami.dataDir, 'blobs', 'sha256')) ? readdirSync(join(kami.dataDir, 'blobs', 'sha256')) : []).toEqual([]);
  });

  it.each([
    ['not json', 'body is not valid JSON'],
    [[1, 2], 'body must be a JSON object'],
    [{}, '"text" must not be empty'],
    [{ text: 42 }, '"text" must be a string'],
    [{ text: 'hi', from: 'bob' }, 'is not a phone number'],
    [{ text: 'hi', id: 'has space' }, '"id" must be 1-256 characters'],
    [{ media: { mime: 'audio/ogg' } }, '"media.base64"'],
  ])('answers 400 to %j, saying what is wrong', async (body, message) => {
    kami ??= await startSimKami(file.redis);
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.json.error).toContain(message);
  });
});

describe('POST /messages?wait=', () => {
  it('answers with what kami sent the chat after the message, in the same request', async () => {
    kami = await startSimKami(file.redis);
    const asking = post({ text: 'I had 2 eggs', from: OWNER }, '?wait=5000');
    const m = await kami.t.expectMessage('wa.inbound');
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'Logged: 2 eggs, 156 kcal', replyTo: m.id });
    const r = await asking;
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ chatId: OWNER, cursor: 0, outcome: { status: 'published', messageId: m.id } });
    expect(r.json.messages).toHaveLength(1);
    expect(r.json.messages[0]).toMatchObject({ seq: 1, chatId: OWNER, text: 'Logged: 2 eggs, 156 kcal', replyTo: m.id });
  });

  it('answers at once, with no messages, for a message that was not published', async () => {
    kami = await startSimKami(file.redis, { env: { WHATSAPP_ALLOWED: FRIEND, WHATSAPP_OWNER: OWNER } });
    // Were it waited for, nothing would come for SIM_MAX_WAIT_MS (30 s), twice this test's time limit.
    const r = await post({ text: 'let me in', from: STRANGER }, `?wait=${SIM_MAX_WAIT_MS}`);
    expect(r.json).toMatchObject({ outcome: { status: 'ignored', reason: 'stranger' }, chatId: STRANGER, messages: [] });
  }, SIM_MAX_WAIT_MS / 2);

  it('answers 400 to a wait that is not a number of ms, and publishes nothing', async () => {
    kami = await startSimKami(file.redis);
    const r = await post({ text: 'hi' }, '?wait=soon');
    expect(r.status).toBe(400);
    expect(r.json.error).toContain('"wait" must be a whole number');
    expect(await kami.t.messages('wa.inbound')).toHaveLength(0);
  });
});

describe('GET /chats/:chat/messages', () => {
  it('returns what kami sent to the chat after a cursor, waiting for it when asked', async () => {
    kami = await startSimKami(file.redis);
    const { json } = await post({ text: 'I had 2 eggs', from: OWNER });
    const polling = get(`/chats/${encodeURIComponent(OWNER)}/messages?after=${json.cursor}&wait=5000`);
    await new Promise((r) => setTimeout(r, 100));
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'Logged: 2 eggs, 156 kcal', replyTo: json.outcome.messageId });
    const r = await polling;
    expect(r.status).toBe(200);
    expect(r.json.chatId).toBe(OWNER);
    expect(r.json.messages).toHaveLength(1);
    expect(r.json.messages[0]).toMatchObject({ seq: 1, chatId: OWNER, text: 'Logged: 2 eggs, 156 kcal', replyTo: json.outcome.messageId });
    expect(r.json.messages[0].messageId).toMatch(/^true_491701234567@c\.us_3EB0[0-9A-F]{16}$/);
    expect(r.json.cursor).toBe(1);
    // Past the cursor there is nothing new, and the chat can be named by its number.
    const after = await get(`/chats/491701234567/messages?after=1`);
    expect(after.json).toEqual({ chatId: OWNER, messages: [], cursor: 1 });
  });

  it('keeps chats apart', async () => {
    kami = await startSimKami(file.redis);
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: FRIEND, text: 'for the friend' });
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'for the owner' });
    await waitFor(() => kami!.sim.sent(OWNER).length === 1, 'the owner\'s message');
    const r = await get(`/chats/${OWNER}/messages`);
    expect(r.json.messages.map((m: { text: string }) => m.text)).toEqual(['for the owner']);
  });

  it('forwards ops alerts to the owner\'s chat', async () => {
    kami = await startSimKami(file.redis);
    await kami.t.publish('ops.alert', 'ops.alert', {
      alertId: 'alert_lag_iris',
      status: 'resolved',
      severity: 'warning',
      check: 'lag',
      subject: 'iris',
      summary: 'iris caught up',
      at: '2025-03-14T10:05:00.000Z',
    });
    await waitFor(() => kami!.sim.sent(SIM_DEFAULT_OWNER).length === 1, 'the alert');
    expect(kami.sim.sent(SIM_DEFAULT_OWNER)[0]!.text).toMatch(/^✅ Resolved: iris caught up/);
  });

  it('answers 404 and 405 with a hint', async () => {
    kami = await startSimKami(file.redis);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/nope')).json.error).toContain('POST /messages');
    expect((await get('/messages')).status).toBe(405);
    expect((await get('/chats/bob/messages')).status).toBe(400);
    expect((await get('/health')).json).toEqual({ mode: 'simulator', state: 'ready', owner: SIM_DEFAULT_OWNER });
  });
});

describe('sending', () => {
  it('a send the simulator refuses is retried and dead-lettered, never dropped', async () => {
    kami = await startSimKami(file.redis, { failSendsTo: (chatId) => (chatId === STRANGER ? new Error('no such chat') : undefined) });
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: STRANGER, text: 'nobody home' });
    await waitFor(async () => (await kami!.t.deadLetters('wa.outbound')).length === 1, 'the dead letter', 10_000);
    const [dl] = await kami.t.deadLetters('wa.outbound');
    expect(dl).toMatchObject({ 'dl.reason': 'MAX_DELIVERIES', 'dl.deliveries': '8' });
    expect(dl!['dl.error']).toContain('no such chat');
  });
});
