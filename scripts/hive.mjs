#!/usr/bin/env node
// The root commands (`npm start`, `npm test`, `npm run bench`) go through here so that each of them
// works on a fresh clone: it finds or fetches pnpm 10, installs the workspace when the lockfile
// changed, then hands over to turbo, the bench or the start script. Plain Node, no dependencies
// until the install is done. What it prints of its own goes to stderr, and so does the install's
// output: stdout is the command's (`npm run --silent bench -- --json` is one JSON document).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  PUPPETEER_SKIP_DOWNLOAD: '1',
  npm_config_update_notifier: 'false',
};

/** Run a command to completion with this process's stdio (or `opts.stdio`); its exit status. */
function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

/** pnpm on PATH when it is major 10; otherwise the pinned version through npx (npm ships with Node). */
function pnpm() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, env, encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim().startsWith('10.')) return ['pnpm'];
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

function installIfNeeded(p) {
  const lock = join(root, 'pnpm-lock.yaml');
  const installed = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  if (existsSync(installed) && existsSync(lock) && readFileSync(lock, 'utf8') === readFileSync(installed, 'utf8')) {
    return;
  }
  console.error(`[hive] installing the workspace with pnpm ${PNPM_VERSION} …`);
  const args = [...p.slice(1), 'install', ...(process.env.CI ? ['--frozen-lockfile'] : [])];
  const code = run(p[0], args, { stdio: ['inherit', 2, 2] });
  if (code !== 0) {
    console.error('[hive] install failed; see the output above');
    process.exit(code);
  }
}

function turbo(p, task, extra = [], logs = 'errors-only') {
  return run(p[0], [...p.slice(1), 'exec', 'turbo', 'run', task, `--output-logs=${logs}`, ...extra]);
}

/**
 * No import cycle (scripts/check-imports.mjs), then ESLint over the whole tree (eslint.config.js:
 * typescript-eslint's rules and the layers' import rules), then knip (knip.jsonc): no unused file,
 * export or dependency.
 */
function lint(p) {
  console.error('[hive] lint: import cycles, then eslint, then knip');
  return (
    run(process.execPath, [join(root, 'scripts', 'check-imports.mjs')]) ||
    run(p[0], [...p.slice(1), 'exec', 'eslint', '--max-warnings=0', '.']) ||
    run(p[0], [...p.slice(1), 'exec', 'knip', '--no-progress'])
  );
}

/**
 * Run every package's tests through turbo, passing the output through as it comes, and end with one
 * plain line that adds up vitest's per-package counts: "tests: N passed, N failed[, N skipped]".
 */
function testAndCount(p, extra) {
  return new Promise((resolve) => {
    const args = [...p.slice(1), 'exec', 'turbo', 'run', 'test', '--output-logs=full', '--concurrency=1', ...extra];
    const child = spawn(p[0], args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const totals = { passed: 0, failed: 0, skipped: 0 };
    let buf = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        // eslint-disable-next-line no-control-regex -- ESC starts the colour codes stripped here
        const line = buf.slice(0, i).replace(/\u001b\[[0-9;]*m/g, '');
        buf = buf.slice(i + 1);
        const m = /\bTests\s+(.*\d+ (?:passed|failed|skipped).*)$/.exec(line);
        if (!m) continue;
        for (const kind of Object.keys(totals)) {
          const n = new RegExp(`(\\d+) ${kind}`).exec(m[1]);
          if (n) totals[kind] += Number(n[1]);
        }
      }
    });
    child.on('exit', (code, signal) => {
      const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
      process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const [command = 'test', ...rest] = process.argv.slice(2);
const p = pnpm();
installIfNeeded(p);

switch (command) {
  case 'install':
    process.exit(0);
    break;
  case 'test': {
    const code = turbo(p, 'typecheck') || lint(p);
    if (code !== 0) process.exit(code);
    // One package at a time: each starts its own redis-servers and child processes on two cores.
    process.exit(await testAndCount(p, rest));
    break;
  }
  case 'lint':
    process.exit(lint(p));
    break;
  case 'build':
  case 'typecheck':
    process.exit(turbo(p, command, rest));
    break;
  case 'bench':
    // --silent: without it pnpm prints its "> @hive/bench bench …" banner on stdout, before the report.
    process.exit(run(p[0], [...p.slice(1), '--silent', '--filter', '@hive/bench', 'run', 'bench', ...rest]));
    break;
  case 'soak':
    process.exit(run(p[0], [...p.slice(1), '--silent', '--filter', '@hive/soak', 'run', 'soak', ...rest]));
    break;
  case 'chaos':
    process.exit(run(p[0], [...p.slice(1), '--silent', '--filter', '@hive/chaos', 'run', 'chaos', ...rest]));
    break;
  case 'start': {
    // In this process, not a child: the top of the network's tree is then one process, the one a
    // terminal's Ctrl-C and a `kill <pid>` reach (start.ts stops everything below it, once).
    // tsx (registered here) loads the supervisor's TypeScript; the agents' processes load their own.
    const { register } = await import('tsx/esm/api');
    register();
    const { start } = await import(pathToFileURL(join(root, 'scripts', 'start.ts')).href);
    await start(rest);
    break;
  }
  default:
    console.error(`[hive] unknown command "${command}": use start, test, lint, bench, soak, chaos, build or typecheck`);
    process.exit(2);
}
