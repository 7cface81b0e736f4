/** Finding a voice note's audio: inline base64, or a file inside the media directory only. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaUnreadableError, openAudio } from '../src/media.js';

const dir = mkdtempSync(join(tmpdir(), 'vox-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openAudio', () => {
  it('decodes inline base64 and knows its size', async () => {
    const a = await openAudio({ kind: 'voice', mime: 'audio/ogg', base64: Buffer.from('OggS....').toString('base64') }, dir);
    expect(a.size).toBe(8);
    expect((await a.read()).toString()).toBe('OggS....');
  });

  it('refuses what is not base64 rather than uploading garbage', async () => {
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', base64: 'not base64!' }, dir)).rejects.toThrow(MediaUnreadableError);
  });

  it('stats a file before reading it', async () => {
    writeFileSync(join(dir, 'a.ogg'), 'abc');
    const a = await openAudio({ kind: 'voice', mime: 'audio/ogg', path: join(dir, 'a.ogg') }, dir);
    expect(a.size).toBe(3);
    expect((await a.read()).toString()).toBe('abc');
  });

  it('takes a relative path from the media directory', async () => {
    mkdirSync(join(dir, 'kami'), { recursive: true });
    writeFileSync(join(dir, 'kami', 'b.ogg'), 'xy');
    expect((await openAudio({ kind: 'voice', mime: 'audio/ogg', path: 'kami/b.ogg' }, dir)).size).toBe(2);
  });

  it('names what is wrong with a path', async () => {
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', path: '/etc/hostname' }, dir)).rejects.toThrow(/outside the media directory/);
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', path: join(dir, 'kami') }, dir)).rejects.toThrow(/is not a file/);
    await expect(openAudio({ kind: 'voice', mime: 'audio/ogg', path: join(dir, 'nope.ogg') }, dir)).rejects.toThrow(/cannot open the audio.*ENOENT/);
  });
});
