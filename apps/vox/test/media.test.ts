/** Finding a voice note's audio: the blob store by hash; or, on v2 entries, inline base64 or a file inside the media directory only. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBlobStore } from '@hive/blobs';
import { MediaUnreadableError, openAudio } from '../src/media.js';

const dir = mkdtempSync(join(tmpdir(), 'vox-media-'));
const dirs = { blobDir: join(dir, 'blobs'), mediaDir: dir };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openAudio', () => {
  it('reads a blob reference from the blob store, checked against its hash', async () => {
    const store = await openBlobStore(dirs.blobDir);
    const ref = await store.put(Buffer.from('OggS blob'), 'audio/ogg');
    const a = await openAudio({ kind: 'voice', mime: 'audio/ogg', sha256: ref.sha256, bytes: ref.bytes }, dirs);
    expect(a.size).toBe(9);
    expect((await a.read()).toString()).toBe('OggS blob');
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', sha256: 'f'.repeat(64), bytes: 3 }, dirs)).rejects.toThrow(/is not in the blob store .* swept after its retention/);
    writeFileSync(store.path(ref.sha256), 'tampered');
    const tampered = await openAudio({ kind: 'voice', mime: 'audio/ogg', sha256: ref.sha256, bytes: 9 }, dirs);
    await expect(tampered.read()).rejects.toThrow(MediaUnreadableError);
    await expect(tampered.read()).rejects.toThrow(/damaged/);
  });

  it('decodes inline base64 and knows its size', async () => {
    const a = await openAudio({ kind: 'voice', mime: 'audio/ogg', base64: Buffer.from('OggS....').toString('base64') }, dirs);
    expect(a.size).toBe(8);
    expect((await a.read()).toString()).toBe('OggS....');
  });

  it('refuses what is not base64 rather than uploading garbage', async () => {
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', base64: 'not base64!' }, dirs)).rejects.toThrow(MediaUnreadableError);
  });

  it('stats a file before reading it', async () => {
    writeFileSync(join(dir, 'a.ogg'), 'abc');
    const a = await openAudio({ kind: 'voice', mime: 'audio/ogg', path: join(dir, 'a.ogg') }, dirs);
    expect(a.size).toBe(3);
    expect((await a.read()).toString()).toBe('abc');
  });

  it('takes a relative path from the media directory', async () => {
    mkdirSync(join(dir, 'kami'), { recursive: true });
    writeFileSync(join(dir, 'kami', 'b.ogg'), 'xy');
    expect((await openAudio({ kind: 'voice', mime: 'audio/ogg', path: 'kami/b.ogg' }, dirs)).size).toBe(2);
  });

  it('names what is wrong with a path', async () => {
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', path: '/etc/hostname' }, dirs)).rejects.toThrow(/outside the media directory/);
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', path: join(dir, 'kami') }, dirs)).rejects.toThrow(/is not a file/);
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', path: join(dir, 'nope.ogg') }, dirs)).rejects.toThrow(/cannot open the audio.*ENOENT/);
  });
});
