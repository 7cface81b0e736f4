/**
 * `hive dlq list|show|retry|drop`: operate the dead letters. A retry goes back to the group that
 * failed the message and to no other (the bus moves it to that group's redrive stream); a drop
 * deletes it. Ids are dead-letter entry ids, as `list` prints them; each group has its own dead
 * letters, so `--group` names the group when two hold the same id.
 */
import {
  deadLetterKeys,
  deadLetterStreams,
  dropDeadLetters,
  getDeadLetter,
  listDeadLetters,
  retryDeadLetters,
  xrevrange,
  parseDeadLetter,
  type DeadLetter,
  type DeadLetterOutcome,
} from '@hive/bus/admin';
import { envelopeFields, HiveError, type RedisDriver } from '@hive/bus';
import { boolFlag, positiveInt, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { NotFoundError, OperationError, UsageError } from '../errors.js';
import { compactJson, formatAgo, formatTime, plural, table } from '../format.js';
import { checkName } from './shared.js';

export const DEFAULT_DLQ_COUNT = 100;
const ENTRY_ID = /^\d+-\d+$/;
const PAGE = 1_000;
/** Longest error shown in a list row; `show` prints it whole. */
const ERROR_WIDTH = 80;

const SUBVERBS = ['list', 'show', 'retry', 'drop'] as const;

export const command: Command = {
  async run(ctx) {
    const [sub, ...rest] = ctx.args.positionals;
    if (sub === undefined) throw new UsageError(`missing what to do: ${SUBVERBS.join(', ')}`, ctx.verb);
    if (ctx.args.values.all !== undefined && sub !== 'retry' && sub !== 'drop') throw new UsageError('--all goes with retry or drop', ctx.verb);
    if (ctx.args.values.count !== undefined && sub !== 'list') throw new UsageError('--count goes with list', ctx.verb);
    const groupText = stringFlag(ctx.args.values, 'group');
    const group = groupText === undefined ? undefined : checkName(ctx, 'group', groupText);
    if (group !== undefined && sub === 'list' && rest[0] === undefined) throw new UsageError('--group goes with a stream', ctx.verb);
    switch (sub) {
      case 'list':
        if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`, ctx.verb);
        return rest[0] === undefined ? listStreams(ctx) : listOne(ctx, checkName(ctx, 'stream', rest[0]), group);
      case 'show': {
        if (rest.length !== 2) throw new UsageError(rest.length < 2 ? `missing <${rest.length === 0 ? 'stream' : 'dead-letter-id'}>` : `unexpected argument "${rest[2]}"`, ctx.verb);
        return show(ctx, checkName(ctx, 'stream', rest[0]!), checkId(ctx, rest[1]!), group);
      }
      case 'retry':
      case 'drop': {
        if (rest.length === 0) throw new UsageError('missing <stream>', ctx.verb);
        const stream = checkName(ctx, 'stream', rest[0]!);
        const ids = rest.slice(1).map((id) => checkId(ctx, id));
        const all = boolFlag(ctx.args.values, 'all');
        if (all && ids.length > 0) throw new UsageError('give dead-letter ids or --all, not both', ctx.verb);
        if (!all && ids.length === 0) throw new UsageError('missing <dead-letter-id>... (or --all)', ctx.verb);
        return act(ctx, sub, stream, ids, all, group);
      }
      default:
        throw new UsageError(`unknown dlq action "${sub}": use ${SUBVERBS.join(', ')}`, ctx.verb);
    }
  },
};

function checkId(ctx: CommandContext, id: string): string {
  if (!ENTRY_ID.test(id)) throw new UsageError(`"${id}" is not a dead-letter id (an entry id like 1700000000000-0, as "hive dlq list <stream>" prints)`, ctx.verb);
  return id;
}

/** A dead letter as --json prints it: the bus's shape, with the original fields as an object. */
function deadLetterJson(d: DeadLetter) {
  return { ...d, original: envelopeFields(d.original) };
}

async function listStreams(ctx: CommandContext): Promise<void> {
  const redis = await ctx.redis();
  const streams = await deadLetterStreams(redis, ctx.keys);
  const rows = [];
  for (const s of streams) {
    const [oldest] = await listDeadLetters(redis, ctx.keys, s.stream, { count: 1 });
    let newest: DeadLetter | undefined;
    for (const key of await deadLetterKeys(redis, ctx.keys, s.stream)) {
      const [e] = await xrevrange(redis, key, '+', '-', 1);
      const d = e ? parseDeadLetter(e) : undefined;
      if (d && (!newest || d.at > newest.at)) newest = d;
    }
    rows.push({ stream: s.stream, count: s.count, oldestAt: oldest?.at ?? null, newestAt: newest?.at ?? null });
  }
  if (ctx.json) return void ctx.printJson(rows);
  if (rows.length === 0) return void ctx.note(`no dead letters under prefix "${ctx.keys.prefix}"`);
  const now = ctx.now();
  ctx.print(
    table(
      ['stream', 'dead letters', 'oldest', 'newest'],
      rows.map((r) => [r.stream, r.count, formatAgo(r.oldestAt ?? undefined, now), formatAgo(r.newestAt ?? undefined, now)]),
      { align: ['left', 'right'] },
    ),
  );
}

async function listOne(ctx: CommandContext, stream: string, group: string | undefined): Promise<void> {
  const countText = stringFlag(ctx.args.values, 'count');
  const count = countText === undefined ? DEFAULT_DLQ_COUNT : positiveInt('--count', countText, ctx.verb);
  const redis = await ctx.redis();
  const list = await listDeadLetters(redis, ctx.keys, stream, { count, ...(group ? { group } : {}) });
  let total = 0;
  for (const key of await deadLetterKeys(redis, ctx.keys, stream, group)) total += Number(await redis.call(['XLEN', key]));
  if (ctx.json) return void ctx.printJson(list.map(deadLetterJson));
  if (list.length === 0) return void ctx.note(`no dead letters for stream "${stream}"`);
  const now = ctx.now();
  ctx.print(
    table(
      ['id', 'dead-lettered', 'group', 'type', 'message id', 'deliveries', 'retries', 'reason', 'error'],
      list.map((d) => [
        d.id,
        formatAgo(d.at, now),
        d.group,
        d.message?.type ?? '(not a hive message)',
        d.message?.id ?? '-',
        d.deliveryCount,
        d.retries,
        d.reason,
        shorten(d.error),
      ]),
      { align: ['left', 'left', 'left', 'left', 'left', 'right', 'right'] },
    ),
  );
  if (total > list.length) ctx.note(`${list.length} of ${total} shown (oldest first); see --count`);
}

async function show(ctx: CommandContext, stream: string, id: string, group: string | undefined): Promise<void> {
  const redis = await ctx.redis();
  const d = await oneGroup(ctx, () => getDeadLetter(redis, ctx.keys, stream, id, group));
  if (!d) throw new NotFoundError(`no dead letter ${id} for stream "${stream}"`);
  if (ctx.json) return void ctx.printJson(deadLetterJson(d));
  const now = ctx.now();
  const rows: [string, string][] = [
    ['stream', `${d.stream} (entry ${d.entryId})`],
    ['group', `${d.group} (consumer ${d.consumer})`],
    ['reason', d.reason],
    ['error', d.error],
    ...(d.field ? [['field', d.field] as [string, string]] : []),
    ['deliveries', String(d.deliveryCount)],
    ['dead-lettered', `${formatTime(d.at)} (${formatAgo(d.at, now)})`],
    ['retries', String(d.retries)],
  ];
  const lines = [`dead letter ${d.id} of ${stream}`, ...pairs(rows)];
  if (d.message) {
    const m = d.message;
    lines.push('', 'message', ...pairs([
      ['type', `${m.type} v${m.v}`],
      ['id', m.id],
      ['src', m.src],
      ['ts', formatTime(m.ts)],
      ['corr', m.corr],
      ['cause', m.cause || '-'],
      ...(m.traceparent ? [['traceparent', m.traceparent] as [string, string]] : []),
    ]));
    lines.push('  data', ...JSON.stringify(m.data, null, 2).split('\n').map((l) => `    ${l}`));
  } else {
    lines.push('', `original entry (not a hive message: ${d.decodeError?.message ?? 'unreadable'})`, `  ${compactJson(envelopeFields(d.original))}`);
  }
  if (d.history.length > 0) {
    lines.push('', 'earlier attempts');
    d.history.forEach((h, i) => lines.push(`  ${i + 1}. ${formatTime(h.at)}  ${h.group}  after ${h.deliveryCount}: ${h.reason}: ${h.error}`));
  }
  ctx.print(lines.join('\n'));
}

async function act(ctx: CommandContext, action: 'retry' | 'drop', stream: string, ids: string[], all: boolean, group: string | undefined): Promise<number | void> {
  const redis = await ctx.redis();
  // --all: each group's own (two groups may hold the same id); named ids: as asked, in the given group or the one holding each.
  const batches = all ? await allIds(redis, ctx, stream, group) : new Map([[group, ids]]);
  const targets = [...batches.values()].flat();
  const outcomes: DeadLetterOutcome[] = [];
  for (const [g, batch] of batches) {
    if (batch.length === 0) continue;
    outcomes.push(...(await oneGroup(ctx, () => (action === 'retry' ? retryDeadLetters(redis, ctx.keys, stream, batch, g) : dropDeadLetters(redis, ctx.keys, stream, batch, g)))));
  }
  const missing = outcomes.filter((o) => o.status === 'missing');
  const done = outcomes.length - missing.length;
  if (ctx.json) ctx.printJson({ stream, action, done, missing: missing.length, outcomes });
  else {
    if (targets.length === 0) ctx.note(`no dead letters for stream "${stream}"`);
    for (const o of outcomes) {
      if (o.status === 'retried') ctx.print(`retried ${o.id}: back to group "${o.group}" only (redrive entry ${o.redriveEntryId})`);
      else if (o.status === 'dropped') ctx.print(`dropped ${o.id}`);
    }
  }
  // Some ids were not there (a typo, or someone else got there first): the script must know.
  if (missing.length > 0) {
    const what = `${plural(missing.length, 'dead letter')} not found on "${stream}" (already ${action === 'retry' ? 'retried' : 'dropped'}, or never there): ${missing.map((m) => m.id).join(', ')}`;
    if (ctx.json) return 1;
    throw new OperationError(done > 0 ? `${what}; the other ${done} done` : what, 'NOT_FOUND');
  }
}

/** Every dead letter's id of `stream` (or of one group), by group. */
async function allIds(redis: RedisDriver, ctx: CommandContext, stream: string, group: string | undefined): Promise<Map<string | undefined, string[]>> {
  const byGroup = new Map<string | undefined, string[]>();
  let start = '-';
  for (;;) {
    const page = await listDeadLetters(redis, ctx.keys, stream, { count: PAGE, start, ...(group ? { group } : {}) });
    for (const d of page) (byGroup.get(d.group) ?? byGroup.set(d.group, []).get(d.group)!).push(d.id);
    if (page.length < PAGE) return byGroup;
    start = `(${page.at(-1)!.id}`;
  }
}

/** An id two groups hold, asked for without --group: a usage error naming the groups. */
async function oneGroup<T>(ctx: CommandContext, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof HiveError && err.code === 'DEAD_LETTER_AMBIGUOUS') throw new UsageError(`${err.message} (--group NAME)`, ctx.verb);
    throw err;
  }
}

function pairs(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}

function shorten(s: string): string {
  const line = s.replace(/\s+/g, ' ');
  return line.length > ERROR_WIDTH ? `${line.slice(0, ERROR_WIDTH - 1)}…` : line;
}
