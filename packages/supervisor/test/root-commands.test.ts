/**
 * The root commands (scripts/hive.mjs) as a user runs them: `npm run --silent bench -- --json`
 * writes one JSON document to stdout and nothing else (no package runner's banner before it, no
 * install output), so it can be piped into a file or jq.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../src/discovery.js';

it('npm run --silent bench -- --json: stdout is exactly one JSON document', () => {
  // The smallest real run: one case, one system, quick sizes (a test Redis of the bench's own).
  const r = spawnSync('npm', ['run', '--silent', 'bench', '--', '--json', '--quick', '--only', 'publish-one', '--systems', 'raw-ioredis'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trimStart().startsWith('{'), r.stdout.slice(0, 200)).toBe(true);
  const doc = JSON.parse(r.stdout) as { meta?: { mode?: string }; results?: unknown };
  expect(doc.meta?.mode).toBe('quick');
  // The progress lines went to stderr.
  expect(r.stderr).toMatch(/\[bench\]/);
}, 300_000);

it('an unknown root command says which exist and exits 2', () => {
  const r = spawnSync(process.execPath, ['scripts/hive.mjs', 'strat'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/unknown command "strat": use start, test, lint, bench, soak, chaos, build or typecheck/);
});
