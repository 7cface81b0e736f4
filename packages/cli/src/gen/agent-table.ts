/**
 * The README's agent table, generated from topology.json (who reads and writes what, which intents)
 * and each agent app's package.json (`hive.job`: the job in a few words). It sits between two
 * markers in the README; `hive gen` rewrites what is between them and a test fails when it is stale.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TABLE_START = '<!-- hive gen: agent table (from topology.json and apps/*/package.json "hive.job"); do not edit by hand -->';
export const TABLE_END = '<!-- /hive gen: agent table -->';

export interface TableTopology {
  readonly streams: readonly { readonly stream: string }[];
  readonly agents: readonly { readonly name: string; readonly reads: readonly string[]; readonly writes: readonly string[]; readonly intents?: readonly string[] }[];
}

export interface AppFacts {
  /** The job in a few words (`hive.job`), else the package description. */
  readonly job: string;
  /** What to show under "reads" when it reads no stream (`hive.readsNote`), e.g. "bus metadata". */
  readonly readsNote?: string;
}

/** Each agent app's facts for the table, by name, from `<root>/apps/<name>/package.json`. */
export function appFacts(root: string): Record<string, AppFacts> {
  const apps = join(root, 'apps');
  const out: Record<string, AppFacts> = {};
  if (!existsSync(apps)) return out;
  for (const name of readdirSync(apps)) {
    const file = join(apps, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { description?: string; hive?: { agent?: boolean; job?: string; readsNote?: string } };
    if (pkg.hive?.agent !== true) continue;
    out[name] = { job: pkg.hive.job ?? pkg.description ?? '', ...(pkg.hive.readsNote ? { readsNote: pkg.hive.readsNote } : {}) };
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.join(', '));

/** The table, one row per agent in name order. */
export function agentTable(topology: TableTopology, facts: Readonly<Record<string, AppFacts>>): string {
  const every = topology.streams.map((s) => s.stream);
  const rows = ['| agent | job | reads | writes | intents it serves |', '|---|---|---|---|---|'];
  for (const a of [...topology.agents].sort((x, y) => x.name.localeCompare(y.name))) {
    const f = facts[a.name];
    const readsAll = every.length > 0 && every.every((s) => a.reads.includes(s));
    const reads = readsAll ? 'every stream' : a.reads.length === 0 && f?.readsNote ? f.readsNote : list(a.reads);
    rows.push(`| [${a.name}](apps/${a.name}) | ${cell(f?.job ?? '')} | ${cell(reads)} | ${cell(list(a.writes))} | ${cell(list(a.intents ?? []))} |`);
  }
  return rows.join('\n');
}

/** `readme` with the table between the markers replaced; throws when the markers are missing. */
export function withAgentTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no agent table markers (${TABLE_START} … ${TABLE_END})`);
  return `${readme.slice(0, start)}${TABLE_START}\n${table}\n${readme.slice(end)}`;
}
