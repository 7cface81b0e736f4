import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../src/domain/allow-list.js';
import { envelopeIdFor, mediaFileName, mediaKindOf, mediaPlacement, toInboundPayload, triage, type ReceivedMessage } from '../src/domain/inbound.js';

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

  it('inlines up to the limit, then goes to a file', () => {
    expect(mediaPlacement(1_000, 1_000)).toBe('inline');
    expect(mediaPlacement(1_001, 1_000)).toBe('file');
  });

  it('names files by a hash of the message id with the MIME type\'s extension', () => {
    const a = mediaFileName('false_491701234567@c.us_3EB0AA', 'audio/ogg; codecs=opus');
    expect(a).toMatch(/^[0-9a-f]{32}\.ogg$/);
    expect(mediaFileName('false_491701234567@c.us_3EB0AA', 'audio/ogg')).toBe(a);
    expect(mediaFileName('other', 'audio/ogg')).not.toBe(a);
    expect(mediaFileName('x', 'image/jpeg')).toMatch(/\.jpg$/);
    expect(mediaFileName('x', 'audio/x-weird-format')).toMatch(/\.bin$/);
    expect(mediaFileName('x', 'video/webm')).toMatch(/\.webm$/);
  });
});

describe('toInboundPayload', () => {
  it('carries the contract\'s fields, and only those it has', () => {
    expect(toInboundPayload(msg())).toEqual({ messageId: msg().messageId, chatId: OWNER, from: OWNER, text: 'had 2 eggs', sentAt: '2025-03-14T07:45:12.000Z' });
    expect(toInboundPayload(msg({ fromName: 'Ana', quotedMessageId: 'q1' }))).toMatchObject({ fromName: 'Ana', quotedMessageId: 'q1' });
  });

  it('describes media with its size, duration and where it is', () => {
    const data = Buffer.from('voice');
    const p = toInboundPayload(msg({ type: 'ptt', text: '', hasMedia: true, seconds: 4 }), { kind: 'voice', downloaded: { mime: 'audio/ogg', data }, placed: { path: '/data/kami/media/x.ogg' } });
    expect(p.media).toEqual({ kind: 'voice', mime: 'audio/ogg', bytes: 5, path: '/data/kami/media/x.ogg', seconds: 4 });
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
