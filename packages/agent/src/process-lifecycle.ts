/**
 * How a process that runs agents (one, or the host's many) ends: once, gracefully, within a bound.
 *
 * - SIGTERM, SIGINT or SIGHUP starts one graceful stop; the process exits 0 when it finishes, 1
 *   when it fails or overruns `budgetMs`. A repeated signal does not cut the stop short (Ctrl-C
 *   in a terminal and a supervisor's SIGTERM often arrive together): it is noted, and the bound
 *   still holds.
 * - A process started by Hive's supervisor has an IPC channel to it; when that closes (the
 *   supervisor died, even by SIGKILL), the process stops the same way instead of living on orphaned;
 *   also when it closed while the process was still starting, before these handlers were installed.
 * - With `exitOnUncaught`, an uncaught exception or unhandled rejection is logged and the process
 *   exits 70 at once: its state is unknown, and the supervisor (or systemd, or Docker) restarts it;
 *   whatever it had not acked is still pending and is handled again (the consumer names are stable).
 */
import { errorMessage, type Logger } from '@hive/bus';

export interface RunUntilStoppedOptions {
  /** For the lines written to stderr. */
  name: string;
  /** Or a function, read when there is something to log (a process whose logger is made as it starts). */
  log: Logger | (() => Logger);
  stop: () => Promise<void>;
  /** The longest the stop may take before the process exits 1 anyway (read when the stop begins). */
  budgetMs: number | (() => number);
  /** @defaultValue false (Node's own: print the stack, exit 1) */
  exitOnUncaught?: boolean;
}

/** The exit code after an uncaught error (EX_SOFTWARE). */
export const EXIT_UNCAUGHT = 70;

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Install the handlers; returns `shutdown(reason)`, the same path the signals take. */
export function runUntilStopped(opts: RunUntilStoppedOptions): (reason: string) => void {
  let stopping = false;
  let deadline = 0;
  const log = (): Logger => (typeof opts.log === 'function' ? opts.log() : opts.log);
  const shutdown = (reason: string) => {
    if (stopping) {
      log().info({ reason, leftMs: Math.max(0, deadline - Date.now()) }, 'already stopping');
      return;
    }
    stopping = true;
    const budgetMs = typeof opts.budgetMs === 'function' ? opts.budgetMs() : opts.budgetMs;
    deadline = Date.now() + budgetMs;
    log().info({ reason, budgetMs }, 'shutting down');
    setTimeout(() => {
      process.stderr.write(`${opts.name}: shutdown took longer than ${budgetMs} ms; exiting\n`);
      process.exit(1);
    }, budgetMs).unref();
    opts.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${opts.name}: shutdown failed: ${errorMessage(err)}\n`);
        process.exit(1);
      },
    );
  };
  for (const s of SIGNALS) process.on(s, () => shutdown(s));
  if (process.channel) {
    // The channel must not keep the process alive by itself, and its end means the supervisor is gone.
    process.channel.unref();
    process.once('disconnect', () => shutdown('the supervisor exited'));
  } else if (typeof process.send === 'function' && !process.connected) {
    // Started with a channel that has closed already: the supervisor died while this process was
    // still starting (its 'disconnect' came before anyone listened). It will not come again.
    setImmediate(() => shutdown('the supervisor exited while this process started'));
  }
  if (opts.exitOnUncaught) {
    const fatal = (kind: string) => (err: unknown) => {
      log().error({ err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, `${kind}: exiting to be restarted`);
      process.stderr.write(`${opts.name}: ${kind}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(EXIT_UNCAUGHT);
    };
    process.on('uncaughtException', fatal('uncaught exception'));
    process.on('unhandledRejection', fatal('unhandled rejection'));
  }
  return shutdown;
}
