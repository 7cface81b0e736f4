/** New agent apps while the host runs: started once each as they appear, present ones left alone. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchNewApps } from '../src/watch-apps.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** An agent app as `hive new agent` writes it: sources first, package.json last. */
function writeApp(root: string, name: string, withPackage = true) {
  mkdirSync(join(root, 'apps', name, 'src'), { recursive: true });
  writeFileSync(join(root, 'apps', name, 'src', 'agent.ts'), 'export {};\n');
  writeFileSync(join(root, 'apps', name, 'src', 'index.ts'), 'export {};\n');
  if (withPackage) writeFileSync(join(root, 'apps', name, 'package.json'), JSON.stringify({ name, hive: { agent: true } }));
}

describe('watchNewApps', () => {
  it('starts an app that appears, once, and only when its package.json says it is an agent', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hive-watch-'));
    roots.push(root);
    writeApp(root, 'box');
    const started: string[] = [];
    const errors: string[] = [];
    const stop = watchNewApps(root, new Set(['box']), {
      log: { info: () => undefined, error: (o) => void errors.push(String((o as { agent?: string }).agent)) },
      start: async (app) => {
        started.push(app.name);
        if (app.name === 'broken') throw new Error('cannot import');
      },
      intervalMs: 50,
    });
    try {
      writeApp(root, 'echo', false);
      await new Promise((r) => setTimeout(r, 300));
      expect(started).toEqual([]); // no package.json yet: not an agent app
      writeFileSync(join(root, 'apps', 'echo', 'package.json'), JSON.stringify({ name: 'echo', hive: { agent: true } }));
      await expect.poll(() => started, { timeout: 5_000 }).toEqual(['echo']);
      writeApp(root, 'broken');
      await expect.poll(() => errors, { timeout: 5_000 }).toEqual(['broken']);
      await new Promise((r) => setTimeout(r, 300));
      expect(started).toEqual(['echo', 'broken']); // each tried once; box (present at start) never
    } finally {
      stop();
    }
  });
});
