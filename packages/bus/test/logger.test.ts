/**
 * The loggers' destination (stderrDestination): lines logged just before the process exits still
 * reach stderr's reader, and when nobody reads stderr any more (a supervisor SIGKILLed: its end of
 * the pipe closed) or the reader stopped reading, the process exits all the same.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/log-then-exit.ts', import.meta.url));

type Exit = { code: number | null; signal: NodeJS.Signals | null } | 'still running';

/** Start the fixture; `before(proc)` runs once it is ready, then it is told to log and exit. */
async function logThenExit(env: Record<string, string>, before: (stderr: NodeJS.ReadableStream & { destroy(): void }) => Promise<void> | void, waitMs: number) {
  const proc = spawn(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', FIXTURE], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  try {
    let err = '';
    const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    await once(proc, 'message');
    await before(proc.stderr!);
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const sentAt = Date.now();
    proc.send('go');
    const exit = await Promise.race([exited, new Promise<Exit>((r) => setTimeout(() => r('still running'), waitMs))]);
    if (exit !== 'still running' && !proc.stderr!.destroyed) await once(proc.stderr!, 'close');
    return { exit, ms: Date.now() - sentAt, stderr: err };
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
}

describe('stderrDestination', () => {
  it('writes the lines still buffered when the process exits', async () => {
    const r = await logThenExit({ LINES: '200' }, () => undefined, 20_000);
    expect(r.exit).toEqual({ code: 0, signal: null });
    const lines = r.stderr.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(lines).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}`));
  }, 30_000);

  it('does not keep the process from exiting when nobody reads stderr any more (EPIPE)', async () => {
    // The parent closes its end of the pipe, as a SIGKILLed supervisor's is closed; the first line's
    // write is in flight (its EPIPE not yet reported) when the process exits with the others buffered.
    const r = await logThenExit({ LINES: '3' }, async (stderr) => {
      stderr.destroy();
      await once(stderr, 'close');
    }, 10_000);
    expect(r.exit).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('gives up on a reader that stopped reading (the pipe stays full) after a bounded wait', async () => {
    const r = await logThenExit({ LINES: '200', BYTES: '10000' }, (stderr) => void stderr.pause(), 15_000);
    expect(r.exit).toEqual({ code: 0, signal: null });
    expect(r.ms).toBeLessThan(5_000);
  }, 30_000);
});
