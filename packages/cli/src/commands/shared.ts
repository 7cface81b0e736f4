/** Pieces several verbs share: positional arguments, stream lookup, entry rendering. */
import { assertName, decodeEntry, envelopeFields, type Keys, type Message, type RedisDriver } from '@hive/bus';
import { entryIdTime, xinfoStream, type StreamEntry, type StreamInfo } from '@hive/bus/admin';
import type { CommandContext } from '../command.js';
import { NotFoundError, UsageError } from '../errors.js';
import { compactJson, formatTime } from '../format.js';

/** Exactly the named positionals (optional ones at the end marked with "?"), or a usage error. */
export function positionals(ctx: CommandContext, names: readonly string[]): Record<string, string | undefined> {
  const given = ctx.args.positionals;
  const required = names.filter((n) => !n.endsWith('?'));
  if (given.length < required.length) throw new UsageError(`missing <${required[given.length]}>`, ctx.verb);
  if (given.length > names.length) throw new UsageError(`unexpected argument "${given[names.length]}"`, ctx.verb);
  const out: Record<string, string | undefined> = {};
  names.forEach((n, i) => (out[n.replace(/\?$/, '')] = given[i]));
  return out;
}

/** A stream, group or agent name as the bus accepts it, else a usage error. */
export function checkName(ctx: CommandContext, kind: string, name: string): string {
  try {
    assertName(kind, name);
  } catch (err) {
    throw new UsageError((err as Error).message, ctx.verb);
  }
  return name;
}

/** The verb's one positional argument: a stream name the bus accepts, else a usage error. */
export function streamArg(ctx: CommandContext): string {
  return checkName(ctx, 'stream', positionals(ctx, ['stream']).stream!);
}

/** XINFO STREAM of an existing stream, or a NotFoundError that names the key looked at. */
export async function requireStream(redis: RedisDriver, keys: Keys, stream: string): Promise<StreamInfo> {
  return (await requireShards(redis, keys, stream, [stream]))[0]!;
}

/**
 * The info of each of `stream`'s physical streams (its shards, or itself; null for one that does
 * not exist); NotFoundError when none exists, unless `required` is false.
 */
export async function requireShards(redis: RedisDriver, keys: Keys, stream: string, shards: readonly string[], required = true): Promise<(StreamInfo | null)[]> {
  const infos = await Promise.all(shards.map((s) => xinfoStream(redis, keys.stream(s))));
  if (required && infos.every((i) => !i)) throw new NotFoundError(`stream "${stream}" not found (no stream at key ${shards.map((s) => keys.stream(s)).join(', ')})`);
  return infos;
}

/** One entry as printed by tail, replay and dlq: the message's fields, or why it is not a message. */
export type EntryView = ({ entryId: string } & Message) | { entryId: string; invalid: { code: string; message: string }; fields: Record<string, string> };

export function entryView(e: StreamEntry): EntryView {
  const d = decodeEntry(e.fields);
  if (d.ok) return { entryId: e.id, ...d.message };
  return { entryId: e.id, invalid: { code: d.error.code, message: d.error.message }, fields: envelopeFields(e.fields) };
}

/** One line per entry: `<entry id>  <time>  <type>  src=… id=… [corr=…] [cause=…]  <data>`. */
export function entryLine(v: EntryView): string {
  const time = formatTime(entryIdTime(v.entryId));
  if ('invalid' in v) {
    const fields = Object.keys(v.fields).length > 0 ? `  ${compactJson(v.fields)}` : '';
    return `${v.entryId}  ${time}  (not a hive message: ${v.invalid.message})${fields}`;
  }
  const ids = [`src=${v.src}`, `id=${v.id}`];
  if (v.corr !== v.id) ids.push(`corr=${v.corr}`);
  if (v.cause) ids.push(`cause=${v.cause}`);
  return `${v.entryId}  ${time}  ${v.type}  ${ids.join(' ')}  ${compactJson(v.data)}`;
}
