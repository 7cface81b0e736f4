import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../src/domain/allow-list.js';
import { envelopeIdFor, formatBytes, mediaKindOf, toInboundPayload, tooLargeReply, triage, type ReceivedMessage } from '../src/domain/inbound.js';

const OWNER = '491701234567@c.us';
const only = parseAllowList({ allowed: undefined, owner: OWNER, simulator: false });
const everyone = parseAllowList({ allowed: '', owner: undefined, simulator: true });

const msg = (over: Partial<ReceivedMessage> = {}): ReceivedMessage => ({
  messageId: `false_${OWNER}_3EB0C767D26A1D5E4C2B`,
  chatId: OWNER,
  from: OWNER,
  text: 'had 2 eggs',
  type: 'chat',
  sentAt: new Date('2025-03-14T07:45:12Z'),
  fromMe: false,
  hasMedia: false,
  ...over,
});

describe('triage', () => {
  it('accepts text and media from allowed senders', () => {
    expect(triage(msg(), only)).toEqual({ accept: true, mediaKind: undefined });
    expect(triage(msg({ type: 'ptt', hasMedia: true, text: '' }), only)).toEqual({ accept: true, mediaKind: 'voice' });
  });

  it.each([
    ['our own messages', msg({ fromMe: true }), 'from_me'],
    ['status updates', msg({ chatId: 'status@broadcast' }), 'broadcast'],
    ['channels', msg({ chatId: '1203@newsletter' }), 'broadcast'],
    ['revocations and other protocol chatter', msg({ type: 'revoked' }), 'unsupported_type'],
    ['call logs', msg({ type: 'call_log' }), 'unsupported_type'],
    ['locations (not understood yet)', msg({ type: 'location' }), 'unsupported_type'],
    ['strangers', msg({ chatId: '33612345678@c.us', from: '33612345678@c.us' }), 'stranger'],
  ])('drops %s', (_what, m, reason) => {
    expect(triage(m, only)).toEqual({ accept: false, reason });
  });

  it('lets everyone in when the list says so, but still never our own messages', () => {
    expect(triage(msg({ chatId: '33612345678@c.us', from: '33612345678@c.us' }), everyone).accept).toBe(true);
    expect(triage(msg({ fromMe: true }), everyone).accept).toBe(false);
  });
});

describe('media', () => {
  it('maps whatsapp-web.js types to the contract\'s kinds', () => {
    expect(['ptt', 'audio', 'image', 'video', 'document', 'sticker', 'chat'].map(mediaKindOf)).toEqual(['voice', 'audio', 'image', 'video', 'document', 'sticker', undefined]);
  });

  it('tells the sender what was too large, how large, and the limit', () => {
    expect(tooLargeReply('video', 48_300_000, 16_000_000)).toBe(
      "📎 That video is 48 MB; I keep attachments up to 16 MB, so I didn't pass it on. Could you send a smaller one, or tell me in words?",
    );
    expect(tooLargeReply('voice', 2_000_000, 1_000_000)).toMatch(/^📎 That voice note is 2 MB; I keep attachments up to 1 MB/);
    expect([999, 12_345, 3_400_000].map(formatBytes)).toEqual(['999 bytes', '12 KB', '3.4 MB']);
  });
});

describe('toInboundPayload', () => {
  it('carries the contract\'s fields, and only those it has', () => {
    expect(toInboundPayload(msg())).toEqual({ messageId: msg().messageId, chatId: OWNER, from: OWNER, text: 'had 2 eggs', sentAt: '2025-03-14T07:45:12.000Z' });
    expect(toInboundPayload(msg({ fromName: 'Ana', quotedMessageId: 'q1' }))).toMatchObject({ fromName: 'Ana', quotedMessageId: 'q1' });
  });

  it('describes media by its reference to the blob store (hash, size, mime), its duration and file name', () => {
    const ref = { sha256: 'a'.repeat(64), bytes: 5, mime: 'audio/ogg' };
    const p = toInboundPayload(msg({ type: 'ptt', text: '', hasMedia: true, seconds: 4 }), { kind: 'voice', ref, filename: 'note.ogg' });
    expect(p.media).toEqual({ kind: 'voice', mime: 'audio/ogg', sha256: 'a'.repeat(64), bytes: 5, seconds: 4, filename: 'note.ogg' });
  });
});

describe('envelopeIdFor', () => {
  it('uses the WhatsApp id as the bus message id when it can', () => {
    expect(envelopeIdFor('false_491701234567@c.us_3EB0C767D26A1D5E4C2B')).toBe('false_491701234567@c.us_3EB0C767D26A1D5E4C2B');
  });

  it('hashes an id the envelope would refuse, the same way every time', () => {
    const long = 'x'.repeat(300);
    expect(envelopeIdFor(long)).toMatch(/^wa-[0-9a-f]{40}$/);
    expect(envelopeIdFor(long)).toBe(envelopeIdFor(long));
    expect(envelopeIdFor('has space')).toMatch(/^wa-/);
  });
});
