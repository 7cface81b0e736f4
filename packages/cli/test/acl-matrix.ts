/**
 * The adversarial matrix: for each agent's generated Redis user, the kinds of operation it must not
 * get away with, and whether Redis refuses each (NOPERM) or sentinel detects it (an ops.alert). The
 * data here drives acl-matrix.test.ts and the table in infra/acl/README.md (the test checks that
 * table against `matrixTable`, so the two cannot drift).
 *
 * `granted` marks the few cells a role needs (ROLES in src/acl/rules.ts), each with its reason: they
 * are not refused, and the table counts them apart.
 */
import type { Keys } from '@hive/bus';
import { catalogue } from '@hive/contracts';
import type { AclUserSpec } from '../src/acl/rules.js';

export type Outcome = 'refused' | 'detected' | 'granted';

export interface Cell {
  readonly outcome: Outcome;
  /** For `granted`: the role that needs it. */
  readonly why?: string;
}

/** What a detected operation does, and the alert that must follow. */
export interface Tamper {
  /** The stream and the victim group (an agent's group, set up by admin). */
  readonly stream: string;
  readonly group: string;
  /** `ack`, `claim`, `delconsumer` and `readas` need a pending entry in the group (and one it has not read); the trims, unread ones. */
  readonly setup: 'pending' | 'unread';
  /** The commands, as the agent's user; placeholders (`fill`): __KEY__, __GROUP__, __ENTRY__ (pending), __CONSUMER__ (its consumer), __NEXT__ (not yet read), __MIMIC__. */
  readonly commands: readonly (readonly (string | number)[])[];
  /** The alert id sentinel must raise. */
  readonly alertId: string;
}

export interface Kind {
  readonly id: string;
  readonly label: string;
  cell(u: AclUserSpec): Cell;
  /** The command a refused cell runs (it must fail with NOPERM). */
  refused?(x: Ctx): (string | number)[];
  /** What a detected cell does. */
  tamper?(x: Ctx): Tamper;
}

/** What a kind needs to build its commands for one user. */
export interface Ctx {
  readonly u: AclUserSpec;
  readonly k: Keys;
  /** Every stream of the topology, sorted. */
  readonly streams: readonly string[];
  /** Agents by name, sorted. */
  readonly agents: readonly AclUserSpec[];
}

const refused: Cell = { outcome: 'refused' };
const detected: Cell = { outcome: 'detected' };
const janitor = (u: AclUserSpec) => u.role?.janitor === true;
const observer = (u: AclUserSpec) => u.role?.observer === true;
/**
 * A stream the user reads (the first one written to: a shard of a partitioned stream, never its
 * unsplit name, which its readers may only drain and nothing appends to), or wa.inbound for one
 * that reads none (sentinel).
 */
const readStream = (x: Ctx) => x.u.reads?.find((s) => catalogue.partitioning(s) === undefined) ?? 'wa.inbound';
const notWritten = (x: Ctx) => x.streams.find((s) => !x.u.writes?.includes(s))!;
const notRead = (x: Ctx) => x.streams.find((s) => !x.u.reads?.includes(s))!;
/** Another agent, and a third one. */
const other = (x: Ctx, n = 0) => x.agents.filter((a) => a.name !== x.u.name)[n]!.name;
/** The stream it writes that the fewest others write (its own, where it has one). */
export function writtenStream(u: AclUserSpec, agents: readonly AclUserSpec[]): string | undefined {
  const writers = (s: string) => agents.filter((a) => a.writes?.includes(s)).length;
  return [...(u.writes ?? [])].sort((a, b) => writers(a) - writers(b) || a.localeCompare(b))[0];
}

/** A victim group's name: `v<kind>-<agent>`, registered as an agent so sentinel watches it as one. */
export const victim = (kind: string, u: AclUserSpec) => `v${kind}-${u.name}`;

/** A command template with its placeholders filled in (unknown ones are left as they are). */
export function fill(command: readonly (string | number)[], values: Readonly<Record<string, string>>): (string | number)[] {
  return command.map((a) => (typeof a === 'string' && a in values ? values[a]! : a));
}

const inGroup = (kind: string, label: string, commands: Tamper['commands'], alert: 'acked_by_other' | 'foreign_consumer'): Kind => ({
  id: kind,
  label,
  cell: (u) => (u.reads && u.reads.length > 0 ? detected : refused),
  // An agent that reads nothing (sentinel): Redis refuses the first command on any stream.
  refused: (x) => fill(commands[0]!, { __KEY__: x.k.stream(readStream(x)), __GROUP__: 'kami', __ENTRY__: '0-1', __CONSUMER__: 'kami@h#1', __MIMIC__: 'kami@h#2', __NEXT__: '0-2' }),
  tamper: (x) => {
    const stream = readStream(x);
    const group = victim(kind, x.u);
    return { stream, group, setup: 'pending', commands, alertId: `${alert}:${stream}:${group}` };
  },
});

/** Every kind, in the table's order. */
export const KINDS: readonly Kind[] = [
  { id: 'write', label: 'append to a stream it does not write', cell: () => refused, refused: (x) => ['XADD', x.k.stream(notWritten(x)), '*', 'type', 'intruder'] },
  {
    id: 'write-script',
    label: 'append from a Lua script to a stream it does not write',
    cell: () => refused,
    refused: (x) => ['EVAL', "return redis.call('XADD', KEYS[1], '*', 'type', 'intruder')", 1, x.k.stream(notWritten(x))],
  },
  {
    id: 'maxlen0',
    label: '`XADD … MAXLEN 0`: empty a stream it writes',
    cell: (u) => ((u.writes?.length ?? 0) > 0 ? detected : refused),
    refused: (x) => ['XADD', x.k.stream(x.streams[0]!), 'MAXLEN', 0, '*', 'type', 'intruder'],
    tamper: (x) => {
      const stream = writtenStream(x.u, x.agents)!;
      const group = victim('trim', x.u);
      return { stream, group, setup: 'unread', commands: [['XADD', '__KEY__', 'MAXLEN', 0, '*', 'type', 'intruder']], alertId: `entries_lost:${stream}:${group}` };
    },
  },
  {
    id: 'xtrim',
    label: '`XTRIM` a stream past entries a group has not read',
    cell: (u) => (janitor(u) ? detected : refused),
    refused: (x) => ['XTRIM', x.k.stream(readStream(x)), 'MAXLEN', 0],
    tamper: (x) => {
      const stream = 'wa.inbound';
      const group = victim('xtrim', x.u);
      return { stream, group, setup: 'unread', commands: [['XTRIM', '__KEY__', 'MAXLEN', 0]], alertId: `entries_lost:${stream}:${group}` };
    },
  },
  { id: 'xdel', label: '`XDEL` an entry of a stream', cell: () => refused, refused: (x) => ['XDEL', x.k.stream(readStream(x)), '0-1'] },
  inGroup('ack', "`XACK` entries in another agent's group", [['XACK', '__KEY__', '__GROUP__', '__ENTRY__']], 'acked_by_other'),
  inGroup('claim', "`XCLAIM` entries in another agent's group", [['XCLAIM', '__KEY__', '__GROUP__', 'intruder', 0, '__ENTRY__']], 'foreign_consumer'),
  inGroup('delconsumer', "`XGROUP DELCONSUMER` in another agent's group (drops its pending entries)", [['XGROUP', 'DELCONSUMER', '__KEY__', '__GROUP__', '__CONSUMER__']], 'acked_by_other'),
  inGroup(
    'readas',
    "read as another agent's group under a look-alike consumer, ack, delete the consumer",
    [
      ['XREADGROUP', 'GROUP', '__GROUP__', '__MIMIC__', 'COUNT', 10, 'STREAMS', '__KEY__', '>'],
      ['XACK', '__KEY__', '__GROUP__', '__NEXT__'],
      ['XGROUP', 'DELCONSUMER', '__KEY__', '__GROUP__', '__MIMIC__'],
    ],
    'acked_by_other',
  ),
  { id: 'create-group', label: 'create a group on a stream it does not read', cell: () => refused, refused: (x) => ['XGROUP', 'CREATE', x.k.stream(notRead(x)), x.u.name, '$', 'MKSTREAM'] },
  { id: 'consume', label: 'consume a stream it does not read', cell: () => refused, refused: (x) => ['XREADGROUP', 'GROUP', x.u.name, 'c', 'COUNT', 1, 'STREAMS', x.k.stream(notRead(x)), '>'] },
  {
    id: 'read-payloads',
    label: 'read entries (payloads) of a stream it does not consume, by id',
    cell: (u) => (janitor(u) ? { outcome: 'granted', why: "the janitor's safe trim plans with XINFO STREAM and XRANGE, and the tampering check's script looks up entries' message ids: sentinel keeps only ids and counts, but Redis cannot hold it to that (open work: trims and checks that never fetch an entry)" } : refused),
    refused: (x) => ['XRANGE', x.k.stream(notRead(x)), '-', '+', 'COUNT', 1],
  },
  { id: 'scan', label: '`SCAN` key names', cell: () => refused, refused: () => ['SCAN', '0'] },
  { id: 'keys', label: '`KEYS`', cell: () => refused, refused: () => ['KEYS', '*'] },
  { id: 'config-set', label: '`CONFIG SET`', cell: () => refused, refused: () => ['CONFIG', 'SET', 'appendonly', 'no'] },
  {
    id: 'config-get',
    label: '`CONFIG GET`',
    cell: (u) => (observer(u) ? { outcome: 'granted', why: "sentinel's persistence check reads `save` and `appendonly`" } : refused),
    refused: () => ['CONFIG', 'GET', 'maxmemory'],
  },
  { id: 'flushall', label: '`FLUSHALL`', cell: () => refused, refused: () => ['FLUSHALL'] },
  { id: 'flushdb', label: '`FLUSHDB`', cell: () => refused, refused: () => ['FLUSHDB'] },
  { id: 'script-flush', label: '`SCRIPT FLUSH`', cell: () => refused, refused: () => ['SCRIPT', 'FLUSH'] },
  { id: 'function', label: '`FUNCTION LOAD`', cell: () => refused, refused: () => ['FUNCTION', 'LOAD', "#!lua name=intruder\nredis.register_function('intruder', function() return 1 end)"] },
  { id: 'eval-foreign', label: "`EVAL` writing another agent's key", cell: () => refused, refused: (x) => ['EVAL', "return redis.call('SET', KEYS[1], 'x')", 1, x.k.data(other(x), 'intruder')] },
  { id: 'forge-reply', label: "forge a reply on another responder's reply stream", cell: () => refused, refused: (x) => ['XADD', x.k.replies(other(x), other(x, 1), 'i1'), '*', 'type', 'intruder'] },
  { id: 'read-replies', label: "read another agent's replies", cell: () => refused, refused: (x) => ['XREAD', 'STREAMS', x.k.replies(other(x), x.u.name, 'i1'), '0'] },
  { id: 'forge-dead-letter', label: "forge another group's dead letter", cell: () => refused, refused: (x) => ['XADD', x.k.deadLetters(readStream(x), other(x)), '*', 'dl.reason', 'intruder'] },
  { id: 'drop-dead-letter', label: "drop another group's dead letters", cell: () => refused, refused: (x) => ['XTRIM', x.k.deadLetters(readStream(x), other(x)), 'MAXLEN', 0] },
  { id: 'forge-marks', label: "forge another group's handled marks", cell: () => refused, refused: (x) => ['ZADD', x.k.seen(readStream(x), other(x)), 1, 'intruder'] },
  { id: 'read-state', label: "read another agent's state", cell: () => refused, refused: (x) => ['GET', x.k.data(other(x), 'x')] },
  { id: 'forge-heartbeat', label: "forge another agent's registry record", cell: () => refused, refused: (x) => ['SET', x.k.agent(other(x), 'i1'), '{}'] },
  { id: 'debug', label: '`DEBUG`', cell: () => refused, refused: () => ['DEBUG', 'SLEEP', '0'] },
  { id: 'shutdown', label: '`SHUTDOWN`', cell: () => refused, refused: () => ['SHUTDOWN', 'NOSAVE'] },
  { id: 'monitor', label: '`MONITOR`', cell: () => refused, refused: () => ['MONITOR'] },
  { id: 'acl', label: '`ACL SETUSER`', cell: () => refused, refused: () => ['ACL', 'SETUSER', 'intruder', 'on', '>x', '+@all', '~*'] },
  { id: 'publish', label: '`PUBLISH` (pub/sub)', cell: () => refused, refused: () => ['PUBLISH', 'hive', 'intruder'] },
  { id: 'bgrewriteaof', label: '`BGREWRITEAOF`', cell: () => refused, refused: () => ['BGREWRITEAOF'] },
];

/** The README's table: a row per kind, a column per agent; R refused, D detected, G granted to a role; then the totals. */
export function matrixTable(agents: readonly AclUserSpec[]): string {
  const mark = { refused: 'R', detected: 'D', granted: 'G' } as const;
  const counts = { refused: 0, detected: 0, granted: 0 };
  const rows = KINDS.map((kind) => {
    const cells = agents.map((u) => {
      const c = kind.cell(u);
      counts[c.outcome] += 1;
      return mark[c.outcome];
    });
    return `| ${kind.label} | ${cells.join(' | ')} |`;
  });
  const granted = [...new Map(KINDS.flatMap((kind) => agents.map((u) => [kind, u, kind.cell(u)] as const)).filter(([, , c]) => c.outcome === 'granted').map(([kind, u, c]) => [`${u.name}: ${kind.label}`, c.why!])).entries()];
  return [
    `| operation (${KINDS.length} kinds) | ${agents.map((u) => u.name).join(' | ')} |`,
    `|---|${agents.map(() => ':-:').join('|')}|`,
    ...rows,
    '',
    `**refused ${counts.refused}, detected ${counts.detected}, open 0** (granted to a role: ${counts.granted}). R: Redis refuses it (NOPERM); D: sentinel raises an \`ops.alert\` within a poll; G: the role needs it:`,
    ...granted.map(([what, why]) => `- ${what}: ${why}`),
  ].join('\n');
}

/** What Redis answered a command of an agent's user: its error message (NOPERM …), or "allowed". */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  return 'allowed';
}
