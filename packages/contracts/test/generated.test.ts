import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue, checkCompatibility, compatSnapshot, generatedFiles, type CompatSnapshot } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('generated files', () => {
  const files = generatedFiles(catalogue);

  it('covers one JSON Schema per stream, the human catalogue and the snapshot', () => {
    expect([...files.keys()].sort()).toEqual([...catalogue.streams.map((s) => `schemas/${s.name}.json`), 'CONTRACTS.md', 'compat-snapshot.json'].sort());
  });

  it.each([...files.keys()])('%s is up to date (else run: pnpm --filter @hive/contracts gen)', (rel) => {
    const path = join(root, rel);
    expect(existsSync(path), `${rel} is missing`).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(files.get(rel));
  });

  it('the catalogue is compatible with the committed snapshot', () => {
    const committed = JSON.parse(readFileSync(join(root, 'compat-snapshot.json'), 'utf8')) as CompatSnapshot;
    expect(checkCompatibility(committed, compatSnapshot(catalogue))).toEqual([]);
  });

  it('documents every type, version and field in CONTRACTS.md', () => {
    const md = files.get('CONTRACTS.md')!;
    for (const { type, definition } of catalogue.entries()) {
      expect(md).toContain(`### \`${type}\` v${definition.version}`);
      for (const p of definition.previous) expect(md).toContain(`#### \`${type}\` v${p.version}`);
    }
    expect(md).toContain('| `sentAt` | string (date-time) | yes |');
  });
});
