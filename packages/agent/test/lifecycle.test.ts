/**
 * How a process that runs agents ends (process-lifecycle.ts): one graceful stop whatever signals
 * arrive meanwhile, within its bound; an uncaught error exits 70 at once, for the supervisor to
 * restart the process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_UNCAUGHT } from '../src/index.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(env: Record<string, string>, opts: { ipc?: boolean } = {}) {
  const proc = spawn(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', join(pkg, 'test', 'fixtures', 'lifecycle.ts')], {
    cwd: pkg,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve) => proc.stdout!.on('data', () => out.includes('ready') && resolve()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, ready, exit, out: () => out };
}

describe('a process running agents', () => {
  it('stops once on SIGTERM; a SIGINT during the stop is noted, not a second, shorter stop', async () => {
    const p = run({ STOP_MS: '800' });
    await p.ready;
    p.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    p.proc.kill('SIGINT');
    expect(await p.exit).toEqual({ code: 0, signal: null });
    expect(p.out()).toMatch(/"reason":"SIGTERM".*"msg":"shutting down"/);
    expect(p.out()).toMatch(/"reason":"SIGINT".*"msg":"already stopping"/);
    expect(p.out().match(/"msg":"shutting down"/g)).toHaveLength(1);
  }, 30_000);

  it('exits 1 when the stop overruns its bound', async () => {
    const p = run({ STOP_MS: '5000', BUDGET_MS: '300' });
    await p.ready;
    p.proc.kill('SIGTERM');
    expect(await p.exit).toEqual({ code: 1, signal: null });
    expect(p.out()).toContain('fixture: shutdown took longer than 300 ms; exiting');
  }, 30_000);

  it('exits 70 on an uncaught exception, and on an unhandled rejection, saying which', async () => {
    const thrown = run({ THROW: '1' });
    expect(await thrown.exit).toEqual({ code: EXIT_UNCAUGHT, signal: null });
    expect(thrown.out()).toMatch(/fixture: uncaught exception: Error: boom/);
    const rejected = run({ REJECT: '1' });
    expect(await rejected.exit).toEqual({ code: EXIT_UNCAUGHT, signal: null });
    expect(rejected.out()).toMatch(/fixture: unhandled rejection: Error: nope/);
  }, 30_000);

  it('its supervisor SIGKILLed (channel closed, pipes unread): stops and exits 0, though the stop logs as it ends', async () => {
    // The stop finishes in the turn it began, logging as it goes: "shutting down"'s write is in flight
    // (its EPIPE not yet reported) when the process exits with the later lines buffered. pino's flush at
    // exit retried their EPIPE forever (sonic-boom's flushSync), and the process never exited.
    const p = run({ STOP_LOGS: '2' }, { ipc: true });
    await p.ready;
    for (const s of [p.proc.stdout!, p.proc.stderr!]) {
      s.destroy();
      await once(s, 'close');
    }
    p.proc.disconnect();
    const exited = await Promise.race([p.exit, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000))]);
    if (exited === 'still running') p.proc.kill('SIGKILL');
    expect(exited).toEqual({ code: 0, signal: null });
  }, 30_000);
});
