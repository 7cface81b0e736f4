/** Media files from before the blob store: removed once older than the media retention. */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneLegacyMedia } from '../src/legacy-media.js';

describe('pruneLegacyMedia', () => {
  it('removes the pre-blob-store media files older than the retention, and leaves newer ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kami-legacy-'));
    try {
      const now = Date.now();
      writeFileSync(join(dir, 'old.ogg'), 'x'.repeat(100));
      utimesSync(join(dir, 'old.ogg'), new Date(now - 8 * 86_400_000), new Date(now - 8 * 86_400_000));
      writeFileSync(join(dir, 'new.ogg'), 'y');
      expect(await pruneLegacyMedia(dir, 7 * 86_400_000, now)).toEqual({ deleted: 1, bytes: 100 });
      expect(readdirSync(dir)).toEqual(['new.ogg']);
      expect(await pruneLegacyMedia(join(dir, 'absent'), 1, now)).toEqual({ deleted: 0, bytes: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
