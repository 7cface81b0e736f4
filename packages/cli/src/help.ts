/** Help text, rendered from the verb specs in verbs.ts. */
import type { OptionSpecs } from './args.js';
import { GLOBAL_OPTIONS, VERBS, type VerbSpec } from './verbs.js';

const EXIT_CODES = [
  ['0', 'ok'],
  ['1', 'the operation failed, or what it names was not found (stream, group, dead letter, message)'],
  ['2', 'bad usage: unknown verb or flag, missing or malformed argument, invalid JSON or payload'],
  ['3', 'Redis unreachable, refused the connection, or went away (nothing was done, or less than asked)'],
  ['130', 'interrupted by Ctrl-C or SIGTERM (tail --follow exits 0 instead)'],
] as const;

const ENVIRONMENT = [
  ['REDIS_URL', 'Redis URL when --redis is not given; without either, the Redis of the npm start network running from this checkout (its record, .data/redis.json), else redis://127.0.0.1:6379, and hive says which on stderr'],
  ['HIVE_DATA_DIR', 'where npm start keeps its data and its Redis record (default <repo>/.data)'],
  ['HIVE_PREFIX', 'key prefix when --prefix is not given'],
  ['HIVE_DRIVER', 'Redis client when --driver is not given'],
  ['HIVE_DEBUG=1', 'print the stack of an unexpected error'],
] as const;

function columns(rows: readonly (readonly [string, string])[], indent = 2): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${' '.repeat(indent)}${a.padEnd(width)}  ${b}`).join('\n');
}

function flagRows(options: OptionSpecs): [string, string][] {
  return Object.entries(options).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.value ? ` ${s.value}` : ''}`;
    return [flag, s.description + (s.multiple ? ' (repeatable)' : '')];
  });
}

/** `hive --help`. */
export function overallHelp(): string {
  const verbs = VERBS.map((v): [string, string] => [v.name, v.summary]);
  verbs.push(['help', 'help for a verb: hive help <verb> (same as hive <verb> --help)']);
  return [
    'hive: operate a Hive message bus on Redis Streams',
    '',
    'Usage:',
    '  hive <verb> [arguments] [flags]',
    '  hive <verb> --help',
    '',
    'Verbs:',
    columns(verbs),
    '',
    'Global flags (every verb):',
    columns([...flagRows(GLOBAL_OPTIONS), ['    --version', 'print the version of hive']]),
    '',
    'Environment:',
    columns(ENVIRONMENT),
    '',
    'Exit codes:',
    columns(EXIT_CODES),
    '',
    'Examples:',
    '  hive streams',
    '  hive tail wa.inbound --follow',
    '  hive dlq list',
    '  hive trace 01HZY3K4M5N6P7Q8R9S0T1V2W3',
    '  REDIS_URL=rediss://ops:secret@bus.example.com:6380 hive agents --json',
    '',
  ].join('\n');
}

/** `hive <verb> --help`. */
export function verbHelp(v: VerbSpec): string {
  const lines = [`hive ${v.name}: ${v.summary}`, '', 'Usage:', ...v.usage.map((u) => `  hive ${u}`)];
  if (v.description?.length) lines.push('', ...v.description);
  if (Object.keys(v.options).length) lines.push('', 'Flags:', columns(flagRows(v.options)));
  lines.push('', 'Global flags:', columns(flagRows(GLOBAL_OPTIONS)));
  lines.push('', 'Exit codes:', columns(EXIT_CODES));
  lines.push('', 'Examples:', ...v.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

/** The short usage hint printed under a usage error. */
export function usageHint(v: VerbSpec | undefined): string {
  if (!v) return 'usage: hive <verb> [arguments] [flags]\nrun "hive --help" for the verbs and flags\n';
  return `usage: ${v.usage.map((u) => `hive ${u}`).join('\n       ')}\nrun "hive ${v.name} --help" for details\n`;
}
