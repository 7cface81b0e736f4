/**
 * Command-line parsing on `node:util` parseArgs, and the parsers for flag values (counts, durations,
 * stream positions). Every mistake becomes a UsageError whose one-line message names the flag.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder for the value in help, e.g. "URL". */
  readonly value?: string;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: OptionValues;
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

function toParseArgs(specs: OptionSpecs): ParseArgsOptions {
  const out: ParseArgsOptions = {};
  for (const [name, s] of Object.entries(specs)) {
    out[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
  }
  return out;
}

/**
 * Find the verb (the first positional) without knowing it yet: a lenient pass that knows every
 * flag of every verb, so that a flag's value placed before the verb is not taken for it.
 * Returns the verb, its index in argv, and the flags seen (for --help and --json before a verb).
 */
export function locateVerb(argv: readonly string[], everyOption: OptionSpecs): { verb: string | undefined; index: number; values: OptionValues } {
  const { tokens, values } = parseArgs({
    args: [...argv],
    options: toParseArgs(everyOption),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional');
  return first && first.kind === 'positional'
    ? { verb: first.value, index: first.index, values: values as OptionValues }
    : { verb: undefined, index: -1, values: values as OptionValues };
}

/** Parse a verb's arguments strictly: unknown flags, missing values and stray values are usage errors. */
export function parseVerbArgs(argv: readonly string[], options: OptionSpecs, verb: string): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: toParseArgs(options),
      strict: true,
      allowPositionals: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (err) {
    throw new UsageError(parseErrorMessage(err), verb);
  }
}

/** parseArgs's messages are long and quote oddly; say the same thing in one short line. */
function parseErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option "${flag}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing')
        ? `option "${flag}" needs a value`
        : `option "${flag}" takes no value`;
    default:
      return message.split('. ')[0] ?? message;
  }
}

/** The string value of a flag, or undefined. */
export function stringFlag(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable string flag. */
export function listFlag(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

export function boolFlag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** A positive integer flag value, or a UsageError naming the flag. */
export function positiveInt(flag: string, text: string, verb: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${text}"`, verb);
  return n;
}

/** A non-negative integer flag value (0 allowed). */
export function nonNegativeInt(flag: string, text: string, verb: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a non-negative integer, got "${text}"`, verb);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "10m", "2h", "1d", "1w", "1h30m" as milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(total);
}

/** A duration flag value, or a UsageError. */
export function durationFlag(flag: string, text: string, verb: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`${flag} must be a duration like 90s, 10m, 2h, 1d or 1w, got "${text}"`, verb);
  }
  return ms;
}

/**
 * A point in a stream: its very start, its end (only what arrives from now on), or an entry id.
 * `ms` is set for ids and times; `seq` only when an explicit entry id carried one.
 */
export type StreamPosition =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'at'; readonly ms: number; readonly seq: number | undefined };

const ENTRY_ID = /^(\d+)(?:-(\d+))?$/;

/**
 * Parse `--from`/`--to`: an entry id ("1700000000000-0" or just its ms), a duration ago ("10m",
 * "2h", "1d"), an ISO date ("2025-01-31", "2025-01-31T08:00:00Z"), "start" (also "0", "-") or
 * "end" (also "$", "now", "+").
 */
export function parsePosition(flag: string, text: string, nowMs: number, verb: string): StreamPosition {
  const t = text.trim();
  if (t === 'start' || t === '-' || t === '0' || t === '0-0') return { kind: 'start' };
  if (t === 'end' || t === '$' || t === '+' || t === 'now') return { kind: 'end' };
  const id = ENTRY_ID.exec(t);
  if (id) {
    const ms = Number(id[1]);
    const seq = id[2] === undefined ? undefined : Number(id[2]);
    if (Number.isSafeInteger(ms) && (seq === undefined || Number.isSafeInteger(seq))) return { kind: 'at', ms, seq };
  }
  const ago = parseDuration(t);
  if (ago !== undefined) return { kind: 'at', ms: Math.max(0, nowMs - ago), seq: undefined };
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return { kind: 'at', ms: Math.max(0, ms), seq: undefined };
  }
  throw new UsageError(
    `${flag} "${text}" is not an entry id (1700000000000-0), a time ago (10m, 2h, 1d), an ISO date (2025-01-31T08:00:00Z), "start" or "end"`,
    verb,
  );
}

/** The first entry id at or after a position, for XRANGE starts and group start ids. */
export function startId(p: StreamPosition): string {
  if (p.kind === 'start') return '0-0';
  if (p.kind === 'end') return '$';
  return `${p.ms}-${p.seq ?? 0}`;
}
