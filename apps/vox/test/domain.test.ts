/** vox's pure logic: which messages it takes, limits, upload names, paths, failures, replies. */
import { describe, expect, it } from 'vitest';
import { failureKind } from '../src/domain/failure.js';
import { pathWithin } from '../src/domain/media-path.js';
import { echoReply, ECHO_MAX_CHARS, failureReply, formatBytes, formatSeconds, offlineReply, refusalReply } from '../src/domain/replies.js';
import { base64Bytes, baseMime, checkDeclared, checkLoaded, declaredBytes, uploadName, voiceMedia, type InboundMessage, type VoiceMedia } from '../src/domain/voice-note.js';

const base: InboundMessage = { messageId: 'm1', chatId: '491701234567@c.us', from: '491701234567@c.us', text: '', sentAt: '2025-03-14T07:45:12.000Z' };
const limits = { maxBytes: 1_000, maxSeconds: 60 };
const voice = (extra: Partial<VoiceMedia> = {}): VoiceMedia => ({ kind: 'voice', mime: 'audio/ogg; codecs=opus', base64: 'AAAA', ...extra }) as VoiceMedia;

describe('voiceMedia', () => {
  it.each([
    ['voice', true],
    ['audio', true],
    ['image', false],
    ['video', false],
    ['document', false],
    ['sticker', false],
  ] as const)('media of kind %s → %s', (kind, taken) => {
    const m = { ...base, media: { kind, mime: 'x/y', base64: 'AAAA' } };
    expect(voiceMedia(m) !== undefined).toBe(taken);
  });

  it('a text message has none', () => {
    expect(voiceMedia({ ...base, text: 'hello' })).toBeUndefined();
  });
});

describe('sizes', () => {
  it.each([
    ['', 0],
    ['AA==', 1],
    ['AAA=', 2],
    ['AAAA', 3],
    ['AAAA\nAAAA', 6],
  ])('base64 %j decodes to %i bytes', (b64, n) => {
    expect(base64Bytes(b64)).toBe(n);
    expect(Buffer.from(b64, 'base64').length).toBe(n);
  });

  it('inline media: the base64 decides, whatever "bytes" says', () => {
    expect(declaredBytes({ kind: 'voice', mime: 'audio/ogg', base64: 'AAAAAAAA', bytes: 1 })).toBe(6);
  });

  it('a file: its declared bytes, or unknown', () => {
    expect(declaredBytes({ kind: 'voice', mime: 'audio/ogg', path: '/x.ogg', bytes: 5_000 })).toBe(5_000);
    expect(declaredBytes({ kind: 'voice', mime: 'audio/ogg', path: '/x.ogg' })).toBeUndefined();
  });
});

describe('uploadName', () => {
  it.each([
    ['audio/ogg; codecs=opus', undefined, 'voice-note.ogg'],
    ['AUDIO/OGG', undefined, 'voice-note.ogg'],
    ['audio/mpeg', undefined, 'voice-note.mp3'],
    ['audio/mp4', undefined, 'voice-note.m4a'],
    ['audio/x-wav', undefined, 'voice-note.wav'],
    ['audio/webm', undefined, 'voice-note.webm'],
    ['audio/flac', undefined, 'voice-note.flac'],
    ['audio/mpeg', 'Meeting notes.mp3', 'Meeting notes.mp3'],
    ['audio/mpeg', 'weird.name', 'voice-note.mp3'],
    ['audio/mpeg', '../../etc/passwd.mp3', '.._.._etc_passwd.mp3'],
    ['audio/amr', undefined, undefined],
    ['audio/aac', undefined, undefined],
    ['application/octet-stream', 'clip.wav', 'clip.wav'],
  ])('%s (file %j) → %j', (mime, filename, name) => {
    expect(uploadName(mime, filename)).toBe(name);
  });

  it('baseMime drops parameters', () => {
    expect(baseMime(' Audio/Ogg ; codecs=opus')).toBe('audio/ogg');
  });
});

describe('checkDeclared / checkLoaded', () => {
  it('accepts a small voice note', () => {
    expect(checkDeclared(voice(), limits)).toBeUndefined();
  });
  it('refuses a format the API cannot read', () => {
    expect(checkDeclared(voice({ mime: 'audio/amr' }), limits)).toEqual({ reason: 'unsupported_format', mime: 'audio/amr' });
  });
  it('refuses inline audio over the limit by its base64 length', () => {
    const b64 = Buffer.alloc(1_001).toString('base64');
    expect(checkDeclared(voice({ base64: b64 }), limits)).toEqual({ reason: 'too_large', bytes: 1_001, maxBytes: 1_000 });
  });
  it('refuses a file whose declared size is over the limit', () => {
    expect(checkDeclared(voice({ base64: undefined, path: '/m/a.ogg', bytes: 5_000 }), limits)).toMatchObject({ reason: 'too_large', bytes: 5_000 });
  });
  it('refuses a recording longer than allowed', () => {
    expect(checkDeclared(voice({ seconds: 61 }), limits)).toEqual({ reason: 'too_long', seconds: 61, maxSeconds: 60 });
    expect(checkDeclared(voice({ seconds: 60 }), limits)).toBeUndefined();
  });
  it('checks the real size: empty, too large, fine', () => {
    expect(checkLoaded(0, limits)).toEqual({ reason: 'empty' });
    expect(checkLoaded(1_001, limits)).toMatchObject({ reason: 'too_large' });
    expect(checkLoaded(1_000, limits)).toBeUndefined();
  });
});

describe('pathWithin', () => {
  it.each([
    ['/data/kami/media/a.ogg', '/data', '/data/kami/media/a.ogg'],
    ['kami/media/a.ogg', '/data', '/data/kami/media/a.ogg'],
    ['/data/../etc/passwd', '/data', undefined],
    ['../etc/passwd', '/data', undefined],
    ['/etc/passwd', '/data', undefined],
    ['/data', '/data', undefined],
    ['/database/x.ogg', '/data', undefined],
    ['/data/..hidden/x.ogg', '/data', '/data/..hidden/x.ogg'],
  ])('%s in %s → %j', (path, root, out) => {
    expect(pathWithin(path, root)).toBe(out);
  });
});

describe('failureKind', () => {
  it.each([
    [undefined, 'transient'],
    [408, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [400, 'audio'],
    [413, 'audio'],
    [415, 'audio'],
    [422, 'audio'],
    [401, 'setup'],
    [403, 'setup'],
    [404, 'setup'],
  ] as const)('HTTP %s → %s', (status, kind) => {
    expect(failureKind(status)).toBe(kind);
  });
});

describe('replies', () => {
  it('formats sizes and lengths as phones do', () => {
    expect([formatBytes(512), formatBytes(5_810), formatBytes(1_500_000), formatBytes(25_000_000)]).toEqual(['512 bytes', '6 KB', '1.5 MB', '25 MB']);
    expect([formatSeconds(45), formatSeconds(180), formatSeconds(150.4)]).toEqual(['45 s', '3 min', '2 min 30 s']);
  });

  it('offline: says what is missing and what to do', () => {
    expect(offlineReply()).toMatch(/no transcription model.*OPENAI_API_KEY.*type it/s);
  });

  it('every refusal names its reason and numbers', () => {
    expect(refusalReply({ reason: 'too_large', bytes: 3_200_000, maxBytes: 1_000_000 })).toContain('too large for me to transcribe (3.2 MB; I take up to 1 MB)');
    expect(refusalReply({ reason: 'too_long', seconds: 720, maxSeconds: 600 })).toContain('12 min long; I transcribe up to 10 min');
    expect(refusalReply({ reason: 'unsupported_format', mime: 'audio/amr' })).toContain('(audio/amr)');
    expect(refusalReply({ reason: 'empty' })).toContain('empty');
  });

  it('failures say whose problem it is', () => {
    expect(failureReply('transient', 500, 4)).toContain('kept failing (HTTP 500) after 4 tries');
    expect(failureReply('transient', undefined, 1)).toContain("didn't answer. Could you");
    expect(failureReply('setup', 401, undefined)).toContain('refused the request (HTTP 401)');
    expect(failureReply('audio', 400, undefined)).toContain("couldn't read that audio (HTTP 400)");
  });

  it('echo quotes the transcript, squeezed and cut when long', () => {
    expect(echoReply('  remind me\n to stretch ')).toBe('🎙️ I heard: "remind me to stretch"');
    const long = echoReply('word '.repeat(500));
    expect(long.length).toBeLessThan(ECHO_MAX_CHARS + 20);
    expect(long).toMatch(/…"$/);
  });
});
