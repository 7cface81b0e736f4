/**
 * The loggers' destination (stderrDestination): lines logged just before the process exits still
 * reach stderr's reader, and when nobody reads stderr any more (a supervisor SIGKILLed: its end of
 * the pipe closed) or the reader stopped reading, the process exits all the same. Lines logged
 * apart are written together, by one timer armed only while something waits.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs, { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchedDestination, LOG_FLUSH_MS, LOG_WRITE_BYTES } from '../src/logger.js';

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

describe('batchedDestination (what stderrDestination writes with)', () => {
  const settle = async (until: () => boolean) => {
    // setImmediate is not faked: the file's asynchronous writes complete meanwhile.
    for (let i = 0; i < 100_000 && !until(); i++) await new Promise((r) => setImmediate(r));
  };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hive-log-'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes lines logged apart in one write, LOG_FLUSH_MS after the first, and leaves no timer behind', async () => {
    const file = join(dir, 'log');
    const fd = openSync(file, 'w');
    const writes = vi.spyOn(fs, 'write');
    const log = pino({ base: undefined }, batchedDestination(fd));
    for (let i = 0; i < 20; i++) {
      log.info({ i }, `line ${i}`);
      await new Promise((r) => setImmediate(r));
    }
    expect(writes).not.toHaveBeenCalled();
    expect(readFileSync(file, 'utf8')).toBe('');
    vi.advanceTimersByTime(LOG_FLUSH_MS);
    const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
    await settle(() => lines().length === 20);
    expect(lines().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i}`));
    expect(writes).toHaveBeenCalledTimes(1);
    // Nothing waits once the write has returned: no timer is left to wake an idle process.
    await settle(() => {
      vi.advanceTimersByTime(LOG_FLUSH_MS);
      return vi.getTimerCount() === 0;
    });
    expect(vi.getTimerCount()).toBe(0);
    expect(writes).toHaveBeenCalledTimes(1);
    closeSync(fd);
  });

  it('stops writing once its reader is gone (EPIPE): the timer does not retry what it held', async () => {
    // A FIFO whose only reader closes: every write to it fails with EPIPE.
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const fd = openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    closeSync(reader);
    const writes = vi.spyOn(fs, 'write');
    const dest = batchedDestination(fd);
    const ours = dest.write;
    const log = pino({ base: undefined }, dest);
    log.info({}, 'one');
    vi.advanceTimersByTime(LOG_FLUSH_MS);
    // pino silences a destination whose write failed with EPIPE by swapping its write for a no-op.
    await settle(() => dest.write !== ours);
    expect(dest.write).not.toBe(ours);
    expect(writes).toHaveBeenCalledTimes(1);
    log.info({}, 'two');
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(LOG_FLUSH_MS);
      await new Promise((r) => setImmediate(r));
    }
    expect(writes).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    closeSync(fd);
  });

  it('writes at once, without waiting for the timer, once LOG_WRITE_BYTES are waiting', async () => {
    const file = join(dir, 'log');
    const fd = openSync(file, 'w');
    const log = pino({ base: undefined }, batchedDestination(fd));
    const pad = 'x'.repeat(1_000);
    const count = Math.ceil(LOG_WRITE_BYTES / pad.length) + 1;
    for (let i = 0; i < count; i++) log.info({ pad }, `line ${i}`);
    await settle(() => readFileSync(file, 'utf8').length >= LOG_WRITE_BYTES);
    expect(readFileSync(file, 'utf8').length).toBeGreaterThanOrEqual(LOG_WRITE_BYTES);
    // The rest, below LOG_WRITE_BYTES, is the timer's.
    await settle(() => {
      vi.advanceTimersByTime(LOG_FLUSH_MS);
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).length === count;
    });
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(count);
    closeSync(fd);
  });
});
