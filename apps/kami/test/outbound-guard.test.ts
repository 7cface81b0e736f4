/**
 * What kami agrees to send: media paths confined to its media dir and the blob store, chats checked
 * against the owner, the allow-list and the chats that wrote in. Refusals are dead-lettered at once
 * with their reason, on a real Redis, through the simulator and the whatsapp-web.js port.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@hive/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecentChats } from '../src/domain/recent-chats.js';
import { mediaRootsFor, OutboundGuard, readConfinedFile, SendRefusedError } from '../src/outbound-guard.js';
import { rawText } from './fake-client.js';
import { FRIEND, kamiTestFile, OWNER, STRANGER, startSimKami, startWwebjsKami, waitFor, type SimKami, type WwebjsKami } from './helpers.js';

describe('readConfinedFile', () => {
  let dir: string;
  let media: string;
  let outside: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kami-confine-'));
    media = join(dir, 'kami', 'media');
    mkdirSync(media, { recursive: true });
    writeFileSync(join(media, 'chart.png'), 'png bytes');
    outside = join(dir, 'secret.txt');
    writeFileSync(outside, 'REDIS_URL=redis://kami:hunter2@localhost');
    symlinkSync(outside, join(media, 'link-out.png'));
    symlinkSync(join(media, 'chart.png'), join(media, 'link-in.png'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const refusal = (p: Promise<unknown>) => p.then(() => 'sent', (err: unknown) => (err instanceof SendRefusedError ? err.refusal : `other: ${String(err)}`));

  it('reads a file inside a root, by absolute path or relative to the first root; a symlink within stays allowed', async () => {
    expect((await readConfinedFile(join(media, 'chart.png'), [media], 1_000)).toString()).toBe('png bytes');
    expect((await readConfinedFile('chart.png', [media], 1_000)).toString()).toBe('png bytes');
    expect((await readConfinedFile(join(media, 'link-in.png'), [media], 1_000)).toString()).toBe('png bytes');
  });

  it('refuses "..", a symlink pointing out, an absolute path elsewhere, a directory, a missing file and a file over the cap', async () => {
    expect(await refusal(readConfinedFile(`${media}/../../secret.txt`, [media], 1_000))).toBe('media_path_outside');
    expect(await refusal(readConfinedFile('../../secret.txt', [media], 1_000))).toBe('media_path_outside');
    expect(await refusal(readConfinedFile(join(media, 'link-out.png'), [media], 1_000))).toBe('media_path_outside');
    expect(await refusal(readConfinedFile(outside, [media], 1_000))).toBe('media_path_outside');
    expect(await refusal(readConfinedFile('/etc/hostname', [media], 1_000))).toBe('media_path_outside');
    expect(await refusal(readConfinedFile(media, [media], 1_000))).toBe('media_path_outside');
    mkdirSync(join(media, 'sub'), { recursive: true });
    expect(await refusal(readConfinedFile(join(media, 'sub'), [media], 1_000))).toBe('media_path_unreadable');
    expect(await refusal(readConfinedFile(join(media, 'nope.png'), [media], 1_000))).toBe('media_path_unreadable');
    expect(await refusal(readConfinedFile(join(media, 'chart.png'), [media], 3))).toBe('media_too_large');
  });

  it('a root that is itself a prefix of another directory does not open that directory', async () => {
    mkdirSync(`${media}-evil`, { recursive: true });
    writeFileSync(join(`${media}-evil`, 'x.png'), 'x');
    expect(await refusal(readConfinedFile(join(`${media}-evil`, 'x.png'), [media], 1_000))).toBe('media_path_outside');
  });
});

describe('RecentChats', () => {
  it('is bounded by count (least recently heard from goes first) and by age', () => {
    const r = new RecentChats({ maxChats: 2, maxAgeMs: 1_000 });
    r.saw('a@lid', 0);
    r.saw('b@lid', 10);
    r.saw('a@lid', 20);
    r.saw('c@lid', 30);
    expect(r.size).toBe(2);
    expect(r.has('b@lid', 30)).toBe(false);
    expect(r.has('a@lid', 30)).toBe(true);
    expect(r.has('a@lid', 1_021)).toBe(false);
    r.prune(1_031);
    expect(r.size).toBe(0);
  });
});

describe('OutboundGuard', () => {
  it('remembers the chats that wrote in across a restart (saved to its file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kami-guard-'));
    try {
      const options = { allowList: { kind: 'only', chatIds: new Set([OWNER]) } as const, mediaRoots: mediaRootsFor(dir, join(dir, 'blobs')), mediaMaxBytes: 100, recentChatsFile: join(dir, 'recent-chats.json') };
      const first = new OutboundGuard(options);
      await expect(first.check({ chatId: '1234@lid', text: 'hi' }, silentLogger)).rejects.toMatchObject({ refusal: 'chat_not_allowed' });
      await first.sawInbound('1234@lid', silentLogger);
      await expect(first.check({ chatId: '1234@lid', text: 'hi' }, silentLogger)).resolves.toMatchObject({ chatId: '1234@lid' });
      const second = new OutboundGuard(options);
      await expect(second.check({ chatId: '1234@lid', text: 'hi again' }, silentLogger)).resolves.toMatchObject({ chatId: '1234@lid' });
      await expect(second.check({ chatId: STRANGER, text: 'hi' }, silentLogger)).rejects.toMatchObject({ refusal: 'chat_not_allowed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kami refuses and dead-letters (real Redis)', () => {
  let sim: SimKami | undefined;
  let wa: WwebjsKami | undefined;
  const file = kamiTestFile(async () => {
    await sim?.stop();
    await wa?.stop();
    sim = undefined;
    wa = undefined;
  });

  it('simulator: a media path outside the media dir and a send to a stranger are dead-lettered with their reason; nothing reaches the chat', async () => {
    sim = await startSimKami(file.redis, { env: { WHATSAPP_OWNER: OWNER, WHATSAPP_ALLOWED: FRIEND } });
    const media = join(sim.dataDir, 'kami', 'media');
    mkdirSync(media, { recursive: true });
    writeFileSync(join(media, 'chart.png'), 'png bytes');
    writeFileSync(join(sim.dataDir, 'outside.txt'), 'not for WhatsApp');
    const outside = await sim.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'here you go', media: { kind: 'document', mime: 'text/plain', path: `${media}/../../outside.txt` } });
    const absolute = await sim.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'passwd', media: { kind: 'document', mime: 'text/plain', path: '/etc/passwd' } });
    const stranger = await sim.t.publish('wa.outbound', 'wa.send', { chatId: STRANGER, text: 'hello stranger' });
    await sim.t.publish('wa.outbound', 'wa.send', { chatId: FRIEND, text: 'your chart', media: { kind: 'image', mime: 'image/png', path: join(media, 'chart.png') } });
    await waitFor(async () => (await sim!.t.deadLetters('wa.outbound')).length === 3, 'three dead letters', 15_000);
    await waitFor(() => sim!.sim.sent(FRIEND).length === 1, 'the allowed send');
    const byId = new Map((await sim.t.deadLetters('wa.outbound')).map((dl) => [dl.id, dl]));
    expect(byId.get(outside.id)).toMatchObject({ 'dl.reason': 'UNRECOVERABLE', 'dl.deliveries': '1' });
    expect(byId.get(outside.id)!['dl.error']).toMatch(/^SendRefusedError media_path_outside: .*contains "\.\."/);
    expect(byId.get(absolute.id)!['dl.error']).toMatch(/^SendRefusedError media_path_outside: media path "\/etc\/passwd" resolves to \/etc\/passwd, outside kami's media dirs/);
    expect(byId.get(stranger.id)).toMatchObject({ 'dl.reason': 'UNRECOVERABLE', 'dl.deliveries': '1' });
    expect(byId.get(stranger.id)!['dl.error']).toMatch(/^SendRefusedError chat_not_allowed: chat 33612345678@c.us is not the owner, not on the allow-list/);
    expect(sim.sim.sent(OWNER)).toEqual([]);
    expect(sim.sim.sent(STRANGER)).toEqual([]);
    expect(sim.sim.sent(FRIEND)[0]).toMatchObject({ text: 'your chart', media: { kind: 'image', mime: 'image/png' } });
  });

  it('whatsapp-web.js: refused sends never reach the client; an "@lid" chat that wrote in is answered', async () => {
    wa = await startWwebjsKami(file.redis);
    await waitFor(() => wa!.port().state === 'ready', 'WhatsApp ready');
    const client = wa.client();
    client.lidNumbers.set('99887766@lid', FRIEND.replace('@c.us', ''));
    const lid = '99887766@lid';
    // Before the person wrote in, their "@lid" chat is not on the allow-list.
    const early = await wa.t.publish('wa.outbound', 'wa.send', { chatId: lid, text: 'too early' });
    await waitFor(async () => (await wa!.t.deadLetters('wa.outbound')).length === 1, 'the first dead letter', 15_000);
    client.receive(rawText(lid, 'hello from my lid'));
    await wa.t.expectMessage('wa.inbound');
    await wa.t.publish('wa.outbound', 'wa.send', { chatId: lid, text: 'hello back' });
    const symlinked = join(wa.dataDir, 'kami', 'media', 'innocent.png');
    mkdirSync(join(wa.dataDir, 'kami', 'media'), { recursive: true });
    symlinkSync('/etc/passwd', symlinked);
    const viaLink = await wa.t.publish('wa.outbound', 'wa.send', { chatId: OWNER, text: 'look', media: { kind: 'image', mime: 'image/png', path: symlinked } });
    await waitFor(async () => (await wa!.t.deadLetters('wa.outbound')).length === 2, 'the second dead letter', 15_000);
    await waitFor(() => client.sent.length === 1, 'the reply to the @lid chat');
    expect(client.sent.map((s) => [s.chatId, s.content])).toEqual([[lid, 'hello back']]);
    const byId = new Map((await wa.t.deadLetters('wa.outbound')).map((dl) => [dl.id, dl]));
    expect(byId.get(early.id)!['dl.error']).toMatch(/^SendRefusedError chat_not_allowed: chat 99887766@lid/);
    expect(byId.get(viaLink.id)!['dl.error']).toMatch(/^SendRefusedError media_path_outside: .*resolves to \/etc\/passwd/);
  });
});
