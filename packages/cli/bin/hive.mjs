#!/usr/bin/env node
// The `hive` executable. Built (dist/main.js present): run it in this process. In a workspace
// checkout without a build: run the TypeScript source in a child Node with the "@hive/source"
// export condition (so @hive/* packages resolve to their src) and tsx loaded; conditions cannot be
// added to a process that has already started. The child inherits stdio; its exit code and a
// signal that killed it are passed on, and signals sent to this process are forwarded to it.
// HIVE_CLI_FROM_SOURCE=1 forces the source even when dist exists (a stale build while developing).
// Node 20's import.meta.resolve does not check that the file exists, hence the existsSync checks.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'main.js');

/** A build is usable only if the workspace packages it imports are built too (a lone `tsc` of this package is not). */
function built() {
  if (process.env.HIVE_CLI_FROM_SOURCE || !existsSync(dist)) return false;
  try {
    return ['@hive/bus', '@hive/contracts', '@hive/supervisor', '@hive/inspect', '@hive/console'].every((p) => existsSync(fileURLToPath(import.meta.resolve(p))));
  } catch {
    return false;
  }
}

if (built()) {
  const { main } = await import(pathToFileURL(dist).href);
  await main();
} else {
  // Resolve tsx from this package, not from the caller's directory.
  const tsx = import.meta.resolve('tsx');
  const child = spawn(
    process.execPath,
    ['--conditions=@hive/source', '--import', tsx, join(root, 'src', 'main.ts'), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // A Ctrl-C reaches both processes (same process group); the child treats a repeat as a no-op,
  // so forwarding is safe, and it also covers `kill -INT <this pid>`.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  child.on('error', (err) => {
    process.stderr.write(`hive: cannot start node: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
