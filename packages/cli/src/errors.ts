/**
 * The CLI's exit codes and the errors that carry them. Scripts rely on these codes, so they are
 * part of the interface: documented in `hive --help` and the README, and never reused for anything else.
 */

/** The command did what was asked. */
export const EXIT_OK = 0;
/** The operation failed or what it names does not exist (stream, group, dead letter, message). */
export const EXIT_FAILED = 1;
/** Bad usage: unknown verb or flag, missing or malformed argument, invalid JSON or payload. */
export const EXIT_USAGE = 2;
/** Redis could not be reached (or the connection was lost): nothing was done. */
export const EXIT_UNREACHABLE = 3;
/** Interrupted by SIGINT/SIGTERM before it finished (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** An error the CLI reports as one line and maps to an exit code; never printed with a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  /** Stable machine-readable code, printed in `--json` error documents. */
  readonly code: string;
  constructor(exitCode: number, code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = code;
  }
}

/** A bad verb, flag or argument; `verb` says whose usage to hint at. */
export class UsageError extends CliError {
  readonly verb: string | undefined;
  constructor(message: string, verb?: string, code = 'USAGE') {
    super(EXIT_USAGE, code, message);
    this.verb = verb;
  }
}

/** Something named on the command line does not exist. */
export class NotFoundError extends CliError {
  constructor(message: string) {
    super(EXIT_FAILED, 'NOT_FOUND', message);
  }
}

/** The operation ran and did not succeed (e.g. a trim refused, a retry of nothing). */
export class OperationError extends CliError {
  constructor(message: string, code = 'FAILED') {
    super(EXIT_FAILED, code, message);
  }
}

/** Redis is unreachable, refused us, or went away mid-command. */
export class UnreachableError extends CliError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(EXIT_UNREACHABLE, 'REDIS_UNREACHABLE', message, options);
  }
}
