/**
 * The logger the bus writes to: pino's call shape (`log.info({ ...fields }, 'message')`), so a pino
 * logger plugs in as is. Every line about a message carries its `corr` (correlation id).
 */
import { writeSync } from 'node:fs';
import { pino, type DestinationStream } from 'pino';

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** A pino logger to stderr (stderrDestination) at HIVE_LOG_LEVEL (default "info"), with secrets redacted. */
export function createLogger(bindings: Record<string, unknown> = {}, level = process.env.HIVE_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: bindings,
      redact: { paths: ['password', '*.password', 'url', '*.url', 'apiKey', '*.apiKey', 'token', '*.token'], censor: '[redacted]' },
    },
    stderrDestination(),
  );
}

/**
 * Log lines are written to stderr together, at most this long after the first of them was logged
 * (or at once when LOG_WRITE_BYTES are waiting): each write is a trip to libuv's thread pool and
 * wakes whoever reads stderr, so one write per line cost a busy process more than formatting the line.
 */
export const LOG_FLUSH_MS = 50;
/** Waiting lines this large are written without waiting for LOG_FLUSH_MS. */
export const LOG_WRITE_BYTES = 8_192;

/** How long a flush at exit retries a pipe that stays full (EAGAIN) before it gives the lines up. */
const EXIT_FLUSH_RETRY_MS = 1_000;

/**
 * Where Hive's loggers write: pino's asynchronous destination on stderr (sonic-boom), its lines
 * written together (LOG_FLUSH_MS, LOG_WRITE_BYTES), with a flush at exit that cannot keep the
 * process from exiting.
 *
 * pino writes asynchronously and, when the process exits, writes what is still buffered with the
 * destination's `flushSync()`. sonic-boom's retries a failed write every 100 ms, blocking, until it
 * succeeds; only EAGAIN may be given up (its `retryEAGAIN`). When nobody reads stderr any more (the
 * supervisor was SIGKILLed and its end of the pipe is closed) every write fails with EPIPE: the
 * 'exit' listener never returns, the process never exits, and no timer (a stop's budget) fires again.
 * pino silences a destination after an asynchronous write failed with EPIPE, but that failure is
 * reported on a later turn of the event loop; a process that logs two lines and exits in the same
 * turn (a stop that finishes at once: "stopped", then exit) exits before it, with a line buffered.
 * This `flushSync` writes what is buffered and gives up at the first error other than EAGAIN, or after
 * EXIT_FLUSH_RETRY_MS of EAGAIN: the lines are lost then, not the exit.
 */
export function stderrDestination(): DestinationStream {
  return batchedDestination(2);
}

/** stderrDestination's writer on any descriptor (tests give it a file's). */
export function batchedDestination(fd: number): DestinationStream {
  const dest = pino.destination({ dest: fd, sync: false, minLength: LOG_WRITE_BYTES });
  const buffered = dest as unknown as Buffered;
  dest.flushSync = () => flushBounded(buffered);
  // Lines wait to be written together: a write below LOG_WRITE_BYTES stays in sonic-boom's buffer
  // (its `minLength`), and the first line buffered arms one timer that writes them all within
  // LOG_FLUSH_MS. No timer runs while nothing waits, so an idle process is not woken for its logs.
  let timer: NodeJS.Timeout | undefined;
  const due = () => {
    timer = undefined;
    // Ended, or silenced after a broken pipe (pino swaps `write` for a no-op then): nothing to write any more.
    if (buffered.destroyed || dest.write !== batched) return;
    // flush() hands everything buffered to one write; while a write is in flight, what waits behind
    // it (below LOG_WRITE_BYTES, which it would leave) is the next timer's.
    if (!buffered._writing && buffered._len > 0) dest.flush();
    if (buffered._len > 0) arm();
  };
  const arm = () => {
    timer ??= setTimeout(due, LOG_FLUSH_MS);
    timer.unref();
  };
  const write = dest.write.bind(dest);
  const batched = (line: string) => {
    const below = write(line);
    if (buffered._len > 0) arm();
    return below;
  };
  dest.write = batched;
  return dest;
}

/** What sonic-boom 4 (utf8 mode) holds that it has not handed to the kernel: see `flushSync` in its index.js. */
interface Buffered {
  readonly fd: number;
  readonly destroyed: boolean;
  /** An asynchronous write is in flight (its buffer, `_writingBuf`, is libuv's until it returns). */
  readonly _writing: boolean;
  /** When no write is in flight: the rest of one the kernel took only part of. */
  _writingBuf: string;
  /** Lines waiting behind it. */
  _bufs: string[];
  /** Bytes buffered, the in-flight write's included. */
  _len: number;
}

function flushBounded(s: Buffered): void {
  const text = (s._writing ? '' : s._writingBuf) + s._bufs.join('');
  if (!s._writing) s._writingBuf = '';
  s._bufs = [];
  let data = Buffer.from(text);
  s._len -= data.length;
  const giveUpAt = Date.now() + EXIT_FLUSH_RETRY_MS;
  while (data.length > 0) {
    try {
      data = data.subarray(writeSync(s.fd, data));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // EPIPE (nobody reads), EBADF, …: writing again cannot help.
      if ((code !== 'EAGAIN' && code !== 'EBUSY') || Date.now() >= giveUpAt) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
