/**
 * What a verb's implementation gets: its parsed arguments, where to write, and a Redis connection
 * opened on first use (so that argument mistakes are reported before anything connects).
 */
import type { Keys, RedisDriver } from '@hive/bus';
import type { Catalogue } from '@hive/contracts';
import type { ParsedArgs } from './args.js';

/** Where the CLI writes; `process.stdout`/`process.stderr` or a test's buffers. */
export interface Output {
  write(chunk: string): unknown;
}

export interface CommandContext {
  readonly verb: string;
  readonly args: ParsedArgs;
  /** --json: print one JSON document (or JSON lines when following). */
  readonly json: boolean;
  readonly keys: Keys;
  /** The redacted Redis URL, for messages. */
  readonly url: string;
  /** Aborted on SIGINT/SIGTERM: stop following and exit. */
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of stdin (publish's "-" payload). */
  readStdin(): Promise<string>;
  /** Connect (once) and return the driver. */
  redis(): Promise<RedisDriver>;
  /** Current time in ms; tests may pin it. */
  now(): number;
  /** The contracts to consult instead of @hive/contracts' catalogue (tests); see contractsOf (catalogue.ts). */
  readonly catalogue?: Catalogue;
  /** Write a line (or several) to stdout. */
  print(text: string): void;
  /** Print a value as one pretty JSON document on stdout. */
  printJson(value: unknown): void;
  /** Print a value as one JSON line on stdout (for streams of documents). */
  printJsonLine(value: unknown): void;
  /** A note for people on stderr (progress, hints); suppressed with --json. */
  note(text: string): void;
}

/** A verb's implementation: returns the exit code, or throws a CliError / HiveError that main maps to one. */
export interface Command {
  run(ctx: CommandContext): Promise<number | void>;
  /** False for verbs that never connect (generators, scaffolding): no note on which Redis. @defaultValue true */
  readonly usesRedis?: boolean;
}
