/**
 * `npm run soak`: the 13 agents through 90 simulated days of the seed's load (see run.ts), then a
 * memory-over-time table on stderr and, as the last line on stdout, one JSON object.
 *
 *   npm run soak                                   90 days, the defaults below
 *   npm run soak -- --days 10 --messages 200      a shorter look
 *   npm run soak -- --out soak.json               also the whole report (every day's row) as JSON
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSoak, type DayRow } from './run.js';

/** Defaults sized to finish in under 10 minutes on a shared 2-core machine. */
export const DEFAULTS = { days: 90, messages: 200, dayMs: 5_000, chats: 20, seed: 1, real: 50_000 } as const;

const { values } = parseArgs({
  options: {
    days: { type: 'string' },
    messages: { type: 'string' },
    'day-ms': { type: 'string' },
    chats: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stderr.write(
    `npm run soak -- [--days ${DEFAULTS.days}] [--messages ${DEFAULTS.messages} (user messages a simulated day)] [--day-ms ${DEFAULTS.dayMs}] [--chats ${DEFAULTS.chats}] [--seed 1] [--out FILE] [--keep]\n`,
  );
  process.exit(0);
}
const int = (name: string, v: string | undefined, d: number) => {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a positive whole number, got "${v}"\n`);
    process.exit(2);
  }
  return n;
};

const mb = (b: number) => (b / (1024 * 1024)).toFixed(2);

function table(rows: readonly DayRow[]): string {
  const classes = ['streams', 'handled marks', 'publish ids', "agents' own state", 'hermes (BullMQ)'];
  const last = rows[rows.length - 1]?.day;
  const pick = rows.filter((r) => r.day <= 3 || r.day % 10 === 0 || r.day === last);
  const head = `| day | used_memory MB | ${classes.map((c) => `${c} MB`).join(' | ')} | stream entries | keys | blobs MB | archive MB | load late by |`;
  const sep = `|${'---|'.repeat(classes.length + 7)}`;
  const lines = pick.map(
    (r) =>
      `| ${r.day === 0 ? '0 (warm-up)' : r.day} | ${mb(r.usedMemory)} | ${classes.map((c) => mb(r.byClass[c] ?? 0)).join(' | ')} | ${r.streamEntries} | ${r.keys} | ${mb(r.blobs.bytes)} | ${mb(r.archive.bytes)} | ${(r.behindMs / 1000).toFixed(1)} s |`,
  );
  return [head, sep, ...lines].join('\n');
}

const result = await runSoak({
  days: int('days', values.days, DEFAULTS.days),
  userMessagesPerDay: int('messages', values.messages, DEFAULTS.messages),
  dayMs: int('day-ms', values['day-ms'], DEFAULTS.dayMs),
  chats: int('chats', values.chats, DEFAULTS.chats),
  seed: int('seed', values.seed, DEFAULTS.seed),
  realBusMessagesPerDay: DEFAULTS.real,
  keep: values.keep ?? false,
  progress: (line) => process.stderr.write(`${line}\n`),
});

process.stderr.write(`\nmemory over time (end of each simulated day):\n${table(result.rows)}\n\n`);
process.stderr.write(
  `key families at the end (bytes per item: stream entries, set or hash members, keys):\n${result.end.families
    .slice(0, 16)
    .map((f) => {
      const items = result.endItems.get(f.family) ?? 0;
      return `  ${f.family}: ${mb(f.bytes)} MB in ${f.keys} keys, ${items} items, ${items ? Math.round(f.bytes / items) : '-'} B/item`;
    })
    .join('\n')}\n`,
);
if (result.topWarnings.length > 0) process.stderr.write(`warnings and errors, most frequent:\n${result.topWarnings.map(([m, n]) => `  ${n}× ${m}`).join('\n')}\n`);
if (values.keep) process.stderr.write(`log and data kept: ${result.logFile}\n`);
if (values.out) {
  const endFamilies = result.end.families.map((f) => ({ ...f, items: result.endItems.get(f.family) ?? 0 }));
  writeFileSync(values.out, `${JSON.stringify({ ...result.json, rows: result.rows, samples: result.samples, endFamilies }, null, 2)}\n`);
}
process.stdout.write(`${JSON.stringify(result.json)}\n`);
const ok = result.json.lost === 0 && result.json.unackedTrimmed === 0;
process.exit(ok ? 0 : 1);
