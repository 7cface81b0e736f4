/**
 * kami on its real whatsapp-web.js port, over a fake Client that emits the library's own events and
 * hands out real Message objects, against a real Redis through the agent runtime.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { xrange } from '@hive/bus/admin';
import wwebjs from 'whatsapp-web.js';
import { describe, expect, it } from 'vitest';
import { SEND_MAX_DELIVERIES } from '../src/agent.js';
import { QR_PNG_NAME } from '../src/whatsapp/qr.js';
import { chromiumArgs, detectSandbox } from '../src/whatsapp/chromium.js';
import { rawText, rawVoice } from './fake-client.js';
import { FRIEND, OWNER, STRANGER, kamiTestFile, startWwebjsKami, waitFor, type WwebjsKami } from './helpers.js';

let kami: WwebjsKami | undefined;
const file = kamiTestFile(async () => {
  await kami?.stop();
  kami = undefined;
});

const ready = (k: WwebjsKami) => waitFor(() => k.port().state === 'ready', 'WhatsApp ready');

describe('ingress', () => {
  it('publishes a received message to wa.inbound with the WhatsApp id as its id', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    const raw = rawText(OWNER, 'I had 2 eggs and toast');
    kami.client().receive(raw);
    const m = await kami.t.expectMessage('wa.inbound');
    expect(m.type).toBe('wa.message');
    expect(m.id).toBe(raw.id._serialized);
    expect(m.corr).toBe(raw.id._serialized);
    expect(m.src).toBe('kami');
    expect(m.data).toEqual({
      messageId: raw.id._serialized,
      chatId: OWNER,
      from: OWNER,
      fromName: 'Ana',
      text: 'I had 2 eggs and toast',
      sentAt: '2025-03-14T07:45:12.000Z',
    });
  });

  it('publishes a message WhatsApp reports twice only once', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    const raw = rawText(OWNER, 'remind me at 9 to call mom');
    kami.client().receive(raw);
    kami.client().receive(raw);
    const barrier = rawText(FRIEND, 'and this one is new');
    kami.client().receive(barrier);
    await kami.t.expectMessage('wa.inbound', (m) => m.data.messageId === barrier.id._serialized);
    await waitFor(() => kami!.t.logs.some((l) => l.msg?.startsWith('duplicate WhatsApp message')), 'the duplicate to be handled');
    const all = await kami.t.messages('wa.inbound');
    expect(all.filter((m) => m.data.messageId === raw.id._serialized)).toHaveLength(1);
    expect(all).toHaveLength(2);
  });

  it('ignores a stranger: nothing published, logged by id without the text', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    const secret = 'my bank PIN is 4711';
    const raw = rawText(STRANGER, secret);
    kami.client().receive(raw);
    const barrier = rawText(OWNER, 'hello');
    kami.client().receive(barrier);
    await kami.t.expectMessage('wa.inbound', (m) => m.data.messageId === barrier.id._serialized);
    await waitFor(() => kami!.t.logs.some((l) => l.obj.messageId === raw.id._serialized), 'the stranger to be logged');
    expect((await kami.t.messages('wa.inbound')).map((m) => m.data.chatId)).toEqual([OWNER]);
    const line = kami.t.logs.find((l) => l.obj.messageId === raw.id._serialized)!;
    expect(line.level).toBe('warn');
    expect(line.obj.chatId).toBe(STRANGER);
    expect(JSON.stringify(kami.t.logs)).not.toContain(secret);
    expect(kami.client().sent).toHaveLength(0);
  });

  it('accepts an allowed sender hidden behind an "@lid" id by the contact\'s number', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    kami.client().lidNumbers.set('123456789012345@lid', FRIEND.replace('@c.us', ''));
    kami.client().lidNumbers.set('999999999999999@lid', STRANGER.replace('@c.us', ''));
    kami.client().receive(rawText('999999999999999@lid', 'stranger via lid'));
    const raw = rawText('123456789012345@lid', 'friend via lid');
    kami.client().receive(raw);
    const m = await kami.t.expectMessage('wa.inbound');
    expect(m.data.messageId).toBe(raw.id._serialized);
    await waitFor(() => kami!.t.logs.some((l) => l.obj.chatId === '999999999999999@lid'), 'the lid stranger to be logged');
    expect(await kami.t.messages('wa.inbound')).toHaveLength(1);
  });

  it('ignores a group that is not on the allow-list, even when an allowed person writes in it', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    kami.client().receive(rawText('120363012345678901@g.us', 'group chatter', { author: OWNER }));
    const barrier = rawText(OWNER, 'direct');
    kami.client().receive(barrier);
    await kami.t.expectMessage('wa.inbound', (m) => m.data.messageId === barrier.id._serialized);
    expect(await kami.t.messages('wa.inbound')).toHaveLength(1);
  });

  it('carries a quoted message\'s id', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    const quoted = rawText(OWNER, 'the earlier one');
    const raw = rawText(OWNER, 'snooze that', { quotedMsg: { type: 'chat' } });
    kami.client().quoted.set(raw.id._serialized, quoted);
    kami.client().receive(raw);
    const m = await kami.t.expectMessage('wa.inbound');
    expect(m.data.quotedMessageId).toBe(quoted.id._serialized);
  });
});

describe('voice notes', () => {
  it('downloads a voice note into the blob store and carries its reference (hash, size, mime), never the bytes', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    const audio = Buffer.alloc(5_000, 7);
    const raw = rawVoice(OWNER, 7);
    kami.client().media.set(raw.id._serialized, { data: audio.toString('base64'), mimetype: 'audio/ogg; codecs=opus', filesize: audio.length });
    kami.client().receive(raw);
    const m = await kami.t.expectMessage('wa.inbound');
    expect(m.data.text).toBe('');
    const sha256 = createHash('sha256').update(audio).digest('hex');
    expect(m.data.media).toEqual({ kind: 'voice', mime: 'audio/ogg; codecs=opus', sha256, bytes: 5_000, seconds: 7 });
    expect(readFileSync(join(resolve(kami.dataDir), 'blobs', 'sha256', sha256.slice(0, 2), sha256)).equals(audio)).toBe(true);
    // The entry holds the reference only: far smaller than the audio.
    const [entry] = await xrange(kami.t.bus.driver, kami.t.bus.keys.stream('wa.inbound'), '-', '+');
    expect(entry!.fields!.join('').length).toBeLessThan(1_000);
  });

  it('tells the sender when a voice note cannot be downloaded, and publishes nothing', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    const raw = rawVoice(OWNER, 3); // no media stored: WhatsApp no longer has it
    kami.client().receive(raw);
    await waitFor(() => kami!.client().sent.length === 1, 'the apology');
    expect(kami.client().sent[0]!.chatId).toBe(OWNER);
    expect(kami.client().sent[0]!.options?.quotedMessageId).toBe(raw.id._serialized);
    expect(await kami.t.messages('wa.inbound')).toHaveLength(0);
  });
});

describe('outbound', () => {
  it('sends wa.outbound through client.sendMessage, quoting the message it answers', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'Logged breakfast: 390 kcal', replyTo: 'false_491701234567@c.us_3EB0AAAA' });
    await waitFor(() => kami!.client().sent.length === 1, 'sendMessage');
    expect(kami.client().sent[0]).toEqual({
      chatId: OWNER,
      content: 'Logged breakfast: 390 kcal',
      options: { sendSeen: false, quotedMessageId: 'false_491701234567@c.us_3EB0AAAA' },
    });
    await waitFor(() => kami!.t.logs.some((l) => l.msg === 'sent to WhatsApp'), 'the ack');
  });

  it('sends media as a real MessageMedia with its caption', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'your chart', media: { kind: 'image', mime: 'image/png', base64: 'iVBORw0KGgo=', filename: 'chart.png' } });
    await waitFor(() => kami!.client().sent.length === 1, 'sendMessage');
    const { content, options } = kami.client().sent[0]!;
    expect(content).toBeInstanceOf(wwebjs.MessageMedia);
    expect(content).toMatchObject({ mimetype: 'image/png', data: 'iVBORw0KGgo=', filename: 'chart.png' });
    expect(options).toMatchObject({ caption: 'your chart', sendSeen: false });
  });

  it('forwards ops.alert to the owner', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    await kami.t.publish('ops.alert', 'ops.alert', {
      alertId: 'alert_heartbeat_box',
      status: 'firing',
      severity: 'critical',
      check: 'heartbeat',
      subject: 'box',
      summary: 'box has sent no heartbeat for 45 s',
      at: '2025-03-14T10:00:45.000Z',
    });
    await waitFor(() => kami!.client().sent.length === 1, 'the alert');
    expect(kami.client().sent[0]!.chatId).toBe(OWNER);
    expect(kami.client().sent[0]!.content).toContain('CRITICAL · box: box has sent no heartbeat for 45 s');
  });

  it('retries a failing send, then dead-letters it with the reason; it is never dropped', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    kami.client().failSends = new Error('Evaluation failed: chat 491701234567@c.us not found');
    const { id } = await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'this will not go out' });
    await waitFor(async () => (await kami!.t.deadLetters('wa.outbound')).length === 1, 'the dead letter', 10_000);
    const [dl] = await kami.t.deadLetters('wa.outbound');
    expect(dl).toMatchObject({ id, 'dl.group': 'kami', 'dl.reason': 'MAX_DELIVERIES', 'dl.deliveries': String(SEND_MAX_DELIVERIES) });
    expect(dl!['dl.error']).toContain('chat 491701234567@c.us not found');
    expect(kami.client().sent).toHaveLength(SEND_MAX_DELIVERIES);
  });

  it('waits for the client to be ready before sending', async () => {
    kami = await startWwebjsKami(file.redis, { boots: ['qr'] });
    await waitFor(() => kami!.port().state === 'qr', 'the QR');
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'queued while logging in' });
    await new Promise((r) => setTimeout(r, 200));
    expect(kami.client().sent).toHaveLength(0);
    kami.client().emit('authenticated');
    kami.client().emit('ready');
    await waitFor(() => kami!.client().sent.length === 1, 'the send after ready').catch((err: Error) => {
      // Say what happened instead, should this ever time out.
      const trail = kami!.t.logs.map((l) => `${l.level} ${l.msg ?? ''} ${String(l.obj.err ?? l.obj.to ?? '')}`).join('\n');
      throw new Error(`${err.message}; sends: ${kami!.client().sent.length}, state: ${kami!.port().state}\n${trail}`);
    });
    expect(kami.client().sent[0]!.content).toBe('queued while logging in');
  });
});

describe('connection', () => {
  it('creates the Client with LocalAuth in the data dir and the configured Chromium', async () => {
    kami = await startWwebjsKami(file.redis, { env: { CHROMIUM_PATH: '/opt/chromium/chrome' } });
    await ready(kami);
    const opts = kami.client().clientOptions;
    expect(opts.authStrategy).toBeInstanceOf(wwebjs.LocalAuth);
    const session = join(resolve(kami.dataDir), 'kami', 'wwebjs');
    expect((opts.authStrategy as unknown as { dataPath: string }).dataPath).toBe(session);
    // LocalAuth ran for real: its session dir exists and puppeteer was pointed at it.
    expect(existsSync(join(session, 'session'))).toBe(true);
    // The session is readable by kami's user only.
    expect(statSync(session).mode & 0o777).toBe(0o700);
    const live = (kami.client() as unknown as { options: typeof opts }).options;
    expect(live.puppeteer).toMatchObject({ executablePath: '/opt/chromium/chrome', headless: true, userDataDir: join(session, 'session') });
    expect(live.puppeteer!.args).toEqual(chromiumArgs(detectSandbox()));
    // Chromium's whole environment is kami's short list: no Redis password, no model key.
    const env = (live.puppeteer as { env?: Record<string, string> }).env!;
    expect(Object.keys(env).sort()).toEqual(['HOME', 'LANG', 'PATH', ...(process.env.TZ ? ['TZ'] : [])].sort());
    expect(env.HOME).toBe(join(resolve(kami.dataDir), 'kami', 'chromium-home'));
    expect(JSON.stringify(env)).not.toMatch(/redis:|OPENAI|hunter2/);
  });

  it('prints the login QR and writes it as a PNG, never logs it, and removes the PNG after login', async () => {
    kami = await startWwebjsKami(file.redis, { boots: ['qr'] });
    const png = join(resolve(kami.dataDir), 'kami', QR_PNG_NAME);
    await waitFor(() => existsSync(png), 'the QR PNG');
    expect(readFileSync(png).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    await waitFor(() => kami!.terminal.length > 0, 'the terminal QR');
    expect(kami.terminal.join('')).toMatch(/[█▀▄]/);
    expect(JSON.stringify(kami.t.logs)).not.toContain('fakeqr');
    const waiting = await fetch(`${kami.t.agent.url}/whatsapp`);
    expect([waiting.status, await waiting.json()]).toEqual([503, { mode: 'whatsapp', state: 'qr' }]);
    kami.client().emit('authenticated');
    kami.client().emit('ready');
    await waitFor(() => !existsSync(png), 'the PNG to be removed');
    const connected = await fetch(`${kami.t.agent.url}/whatsapp`);
    expect([connected.status, await connected.json()]).toEqual([200, { mode: 'whatsapp', state: 'ready' }]);
    const states = kami.t.logs.filter((l) => l.obj.port === 'whatsapp-web.js' && typeof l.obj.to === 'string').map((l) => l.obj.to);
    expect(states).toEqual(['starting', 'qr', 'authenticated', 'ready']);
  });

  it('reconnects after "disconnected": destroys the old client and initializes a new one', async () => {
    kami = await startWwebjsKami(file.redis);
    await ready(kami);
    const first = kami.client();
    first.emit('disconnected', 'CONFLICT');
    await waitFor(() => kami!.clients.length === 2 && kami!.port().state === 'ready', 'a second client, ready');
    expect(first.destroyed).toBe(1);
    expect(first.listenerCount('message')).toBe(0);
    // A message on the old client is no longer ours; the new one carries on.
    await kami.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'after the reconnect' });
    await waitFor(() => kami!.client().sent.length === 1, 'a send on the new client');
    expect(first.sent).toHaveLength(0);
    const states = kami.t.logs.filter((l) => typeof l.obj.to === 'string').map((l) => l.obj.to);
    expect(states).toEqual(['starting', 'authenticated', 'ready', 'disconnected', 'starting', 'authenticated', 'ready']);
    expect(kami.t.logs.find((l) => l.obj.to === 'disconnected')!.obj.reason).toBe('CONFLICT');
  });

  it('retries with backoff when the browser fails to start', async () => {
    kami = await startWwebjsKami(file.redis, { boots: [new Error('Failed to launch the browser process!'), new Error('still no browser'), 'restore'] });
    await waitFor(() => kami!.port().state === 'ready', 'ready on the third try');
    expect(kami.clients).toHaveLength(3);
    expect(kami.clients.slice(0, 2).map((c) => c.destroyed)).toEqual([1, 1]);
    const failures = kami.t.logs.filter((l) => l.msg === 'WhatsApp Web failed to start');
    expect(failures.map((l) => l.obj.err)).toEqual(['Failed to launch the browser process!', 'still no browser']);
    expect(kami.t.logs.filter((l) => l.msg === 'reconnecting to WhatsApp').map((l) => l.obj.delayMs)).toEqual([20, 40]);
  });

  it('logs an auth failure with what to do about it', async () => {
    kami = await startWwebjsKami(file.redis, { boots: ['silent'] });
    await waitFor(() => kami!.port().state === 'starting', 'starting');
    kami.client().emit('auth_failure', 'session restore failed');
    await waitFor(() => kami!.port().state === 'auth_failure', 'auth_failure');
    const line = kami.t.logs.find((l) => l.obj.to === 'auth_failure')!;
    expect(line.level).toBe('warn');
    expect(line.obj.reason).toBe('session restore failed');
    expect(String(line.obj.hint)).toContain(join('kami', 'wwebjs'));
  });
});
