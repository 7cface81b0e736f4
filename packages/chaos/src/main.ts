/**
 * `npm run chaos`: the 13 agents (one process each, under npm start's supervisor) on their own
 * Redis with AOF, a seeded stream of user messages and a seeded schedule of faults, then the checks
 * (see run.ts). Progress and the per-fault-class table on stderr; the last line on stdout is one
 * JSON object. Exits 1 when anything was lost or applied twice outside AOF everysec.
 *
 *   npm run chaos                                   the default run (see DEFAULTS)
 *   npm run chaos -- --short                        the short run `npm test` runs
 *   npm run chaos -- --seed 7 --messages 3000 --rate 10 --rounds 2 --aof everysec --keep
 */
import { parseArgs } from 'node:util';
import { FAULT_CLASSES, FAULT_DESCRIPTIONS, type FaultClass } from './faults.js';
import { DEFAULTS, SHORT, SHORT_CLASSES } from './defaults.js';
import { interruptChaos, runChaos, type ClassRow } from './run.js';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean' },
    duration: { type: 'string' },
    messages: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    chats: { type: 'string' },
    rounds: { type: 'string' },
    faults: { type: 'string' },
    aof: { type: 'string' },
    keep: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stderr.write(
    [
      'npm run chaos -- [--short] [--seed 1] [--messages N | --duration S] [--rate MSG/S] [--chats N] [--rounds N]',
      '                 [--faults class,class] [--aof always|everysec] [--keep]',
      `defaults: ${DEFAULTS.messages} messages at ${DEFAULTS.rate}/s over ${DEFAULTS.chats} chats, every class ${DEFAULTS.rounds} times; --short: ${SHORT.messages} at ${SHORT.rate}/s, ${SHORT_CLASSES.join(', ')} once`,
      'fault classes:',
      ...FAULT_CLASSES.map((c) => `  ${c.padEnd(20)} ${FAULT_DESCRIPTIONS[c]}`),
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const num = (name: string, v: string | undefined, d: number, min = 1) => {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`--${name} must be a number >= ${min}, got "${v}"\n`);
    process.exit(2);
  }
  return n;
};
const aof = values.aof ?? 'always';
if (aof !== 'always' && aof !== 'everysec') {
  process.stderr.write(`--aof must be "always" or "everysec", got "${aof}"\n`);
  process.exit(2);
}
const short = values.short ?? false;
const asked = values.faults?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = asked?.filter((c) => !FAULT_CLASSES.includes(c as FaultClass)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`--faults: unknown class ${unknown.join(', ')} (classes: ${FAULT_CLASSES.join(', ')})\n`);
  process.exit(2);
}
const rate = num('rate', values.rate, short ? SHORT.rate : DEFAULTS.rate, 0.1);
const messages = values.duration !== undefined && values.messages === undefined ? Math.round(num('duration', values.duration, 0) * rate) : Math.round(num('messages', values.messages, short ? SHORT.messages : DEFAULTS.messages));

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`chaos: ${sig}: stopping the network…\n`);
    void interruptChaos().finally(() => process.exit(130));
  });
}

const result = await runChaos({
  seed: num('seed', values.seed, DEFAULTS.seed, 0),
  messages,
  rate,
  chats: Math.round(num('chats', values.chats, short ? SHORT.chats : DEFAULTS.chats)),
  rounds: Math.round(num('rounds', values.rounds, short ? SHORT.rounds : DEFAULTS.rounds)),
  classes: (asked as FaultClass[] | undefined) ?? (short ? SHORT_CLASSES : FAULT_CLASSES),
  aof,
  sqliteFsMiB: DEFAULTS.sqliteFsMiB,
  drainMs: short ? SHORT.drainMs : DEFAULTS.drainMs,
  keep: values.keep ?? false,
  progress: (line) => process.stderr.write(`${line}\n`),
});

function table(rows: readonly ClassRow[]): string {
  const head = '| fault class | injected | messages in flight | lost | duplicated | all in-flight answered after (max) | network whole again after (max) |';
  const sep = '|---|---|---|---|---|---|---|';
  const s = (x: number | null) => (x === null ? '-' : `${x} s`);
  return [head, sep, ...rows.map((r) => `| ${r.cls} | ${r.injected} | ${r.inFlight} | ${r.lost} | ${r.duplicated} | ${s(r.maxRecoverS)} | ${s(r.maxUpS)} |`)].join('\n');
}

process.stderr.write(`\nper fault class:\n${table(result.table)}\n\nfaults as injected:\n${result.faults.map((f) => `  ${new Date(f.startedAt).toISOString()} ${f.cls}: ${f.detail}`).join('\n')}\n`);
if (result.problems.length > 0) process.stderr.write(`\nFAILED:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
if (values.keep) process.stderr.write(`log and data kept: ${result.logFile}\n`);
process.stdout.write(`${JSON.stringify(result.json)}\n`);
process.exit(result.ok ? 0 : 1);
