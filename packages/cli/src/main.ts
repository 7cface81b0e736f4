/**
 * The `hive` command: parse the verb and flags, run the verb, and map every outcome to an exit code
 * (see errors.ts). `runCli` is the testable factory; `main` wires it to the process.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { locateVerb, parseVerbArgs, stringFlag } from './args.js';
import type { Catalogue } from '@hive/contracts';
import type { CommandContext, Output } from './command.js';
import { CliError, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, UsageError } from './errors.js';
import { overallHelp, usageHint, verbHelp } from './help.js';
import { everyOption, findVerb, GLOBAL_OPTIONS, VERBS } from './verbs.js';

export interface CliIO {
  stdout: Output;
  stderr: Output;
  /** Environment for REDIS_URL, HIVE_PREFIX, HIVE_DRIVER, HIVE_DEBUG. @defaultValue {} */
  env?: Readonly<Record<string, string | undefined>>;
  /** Source of publish's "-" payload. */
  stdin?: AsyncIterable<string | Buffer>;
  /** Abort to stop the running verb (tail --follow ends with exit 0). */
  signal?: AbortSignal;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
  /** The contracts the verbs consult (retention, how streams are split). @defaultValue @hive/contracts' catalogue */
  catalogue?: Catalogue;
}

/** Bus error codes that mean the input was wrong rather than the operation. */
const USAGE_CODES = new Set(['CONFIG_INVALID', 'UNKNOWN_TYPE', 'SCHEMA_INVALID', 'MESSAGE_TOO_LARGE']);

/** Run one `hive` command line; resolves with the exit code and never throws. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const env = io.env ?? {};
  const signal = io.signal ?? new AbortController().signal;
  const located = locateVerb(argv, everyOption());
  const json = located.values.json === true;
  let verb = located.verb;
  try {
    if (verb === undefined) {
      if (located.values.version === true) {
        io.stdout.write(`${version()}\n`);
        return EXIT_OK;
      }
      if (located.values.help === true) {
        io.stdout.write(overallHelp());
        return EXIT_OK;
      }
      throw new UsageError('no verb given');
    }
    if (verb === 'help') {
      const rest = argv.filter((_, i) => i !== located.index && !argv[i]!.startsWith('-'));
      const topic = rest[0];
      if (topic === undefined) {
        io.stdout.write(overallHelp());
        return EXIT_OK;
      }
      const spec = findVerb(topic);
      if (!spec) throw unknownVerb(topic);
      io.stdout.write(verbHelp(spec));
      return EXIT_OK;
    }
    const spec = findVerb(verb);
    if (!spec) {
      const bad = verb;
      verb = undefined;
      throw unknownVerb(bad);
    }
    if (located.values.help === true) {
      io.stdout.write(verbHelp(spec));
      return EXIT_OK;
    }
    const args = parseVerbArgs(
      argv.filter((_, i) => i !== located.index),
      { ...GLOBAL_OPTIONS, ...spec.options },
      spec.name,
    );

    // Loading the verb loads the Redis clients: only now, so help and usage errors stay fast.
    const [command, { openSession }, { locateRedis }] = await Promise.all([spec.load(), import('./connection.js'), import('./locate-redis.js')]);
    const where = locateRedis(stringFlag(args.values, 'redis'), env);
    // Which Redis, when the user did not name one: stderr, so --json's stdout stays one document.
    if (where.note && command.usesRedis !== false) io.stderr.write(`${where.note}\n`);
    const session = openSession({
      url: where.url,
      prefix: stringFlag(args.values, 'prefix') ?? env.HIVE_PREFIX,
      driver: stringFlag(args.values, 'driver') ?? nonEmpty(env.HIVE_DRIVER),
      verb: spec.name,
      signal,
    });
    const print = (text: string) => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    const ctx: CommandContext = {
      verb: spec.name,
      args,
      json,
      keys: session.keys,
      url: session.url,
      signal,
      env,
      now: io.now ?? Date.now,
      ...(io.catalogue ? { catalogue: io.catalogue } : {}),
      readStdin: () => readAll(io.stdin),
      redis: () => session.redis(),
      print,
      printJson: (value) => print(JSON.stringify(value, null, 2)),
      printJsonLine: (value) => print(JSON.stringify(value)),
      note: (text) => {
        if (!json) io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
      },
    };
    try {
      return (await command.run(ctx)) ?? EXIT_OK;
    } finally {
      await session.close();
    }
  } catch (err) {
    if (signal.aborted && !(err instanceof CliError && err.exitCode === EXIT_USAGE)) {
      report(io, json, verb, { exitCode: EXIT_INTERRUPTED, code: 'INTERRUPTED', message: 'interrupted' });
      return EXIT_INTERRUPTED;
    }
    const failure = await classify(err);
    report(io, json, verb, failure);
    // The usage hint helps with a mistyped command line, not with a payload the contract rejects.
    if (failure.code === 'USAGE' && !json) io.stderr.write(usageHint(verb === undefined ? undefined : findVerb(verb)));
    if (failure.stack && env.HIVE_DEBUG === '1') io.stderr.write(`${failure.stack}\n`);
    return failure.exitCode;
  }
}

interface Failure {
  exitCode: number;
  code: string;
  message: string;
  stack?: string | undefined;
}

function unknownVerb(name: string): UsageError {
  const near = VERBS.map((v) => v.name).find((v) => v.startsWith(name) || editDistance(v, name) <= 2);
  return new UsageError(`unknown verb "${name}"${near ? `; did you mean "${near}"?` : ''}`);
}

/** Map any thrown value to an exit code and a one-line message. */
async function classify(err: unknown): Promise<Failure> {
  if (err instanceof CliError) return { exitCode: err.exitCode, code: err.code, message: err.message };
  const message = oneLine(err instanceof Error ? err.message : String(err));
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  const { isConnectionError } = await import('./connection.js');
  if (isConnectionError(err)) return { exitCode: EXIT_UNREACHABLE, code: 'REDIS_UNREACHABLE', message: `lost the connection to Redis: ${message}` };
  if (code && USAGE_CODES.has(code)) return { exitCode: EXIT_USAGE, code, message };
  if (code === 'NOT_FOUND') return { exitCode: EXIT_FAILED, code, message };
  if (code && /^[A-Z_]+$/.test(code)) return { exitCode: EXIT_FAILED, code, message };
  // A Redis error reply (WRONGTYPE, NOGROUP, NOPERM, …) or a bug: say it in one line; the stack only with HIVE_DEBUG=1.
  const reply = /^([A-Z]{3,})\b/.exec(message)?.[1];
  return { exitCode: EXIT_FAILED, code: reply ? `REDIS_${reply}` : 'FAILED', message, stack: err instanceof Error ? err.stack : undefined };
}

function report(io: CliIO, json: boolean, verb: string | undefined, f: Failure): void {
  if (json) io.stderr.write(`${JSON.stringify({ error: { code: f.code, message: f.message, exitCode: f.exitCode } })}\n`);
  else io.stderr.write(`hive${verb ? ` ${verb}` : ''}: ${f.message}\n`);
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
const nonEmpty = (s: string | undefined) => (s === undefined || s === '' ? undefined : s);

async function readAll(stdin: AsyncIterable<string | Buffer> | undefined): Promise<string> {
  if (!stdin) return '';
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Run `hive` as this process: argv, stdio, signals, exit code. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, stop);
  // `hive tail | head` closes our stdout early: that is a normal way to stop reading.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
  });
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdin: process.stdin,
    signal: controller.signal,
  });
  // Flush what was written, then exit without waiting for idle handles (stdin, timers).
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

const entry = process.argv[1];
if (entry && realpathSafe(entry) === fileURLToPath(import.meta.url)) await main();

function realpathSafe(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
