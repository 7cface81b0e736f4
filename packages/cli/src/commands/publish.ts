/** `hive publish <stream> <type> <json>`: publish one message, validated against its contract. */
import { DEFAULT_MAX_MESSAGE_BYTES, type ContractRegistry, type OutgoingMessage, type RedisDriver } from '@hive/bus';
import { prepareMessage, xadd } from '@hive/bus/admin';
import { boolFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import { OperationError, UsageError } from '../errors.js';
import { checkName, positionals } from './shared.js';

export const DEFAULT_SOURCE = 'cli';
const TOKEN = /^[^\s]{1,256}$/;
/** Export names under which @hive/contracts may offer its ContractRegistry, most likely first. */
const CATALOGUE_EXPORTS = ['catalogue', 'catalog', 'contracts', 'registry', 'contractRegistry'];

export const command: Command = {
  async run(ctx) {
    const { stream, type, payload } = positionals(ctx, ['stream', 'type', 'payload']);
    checkName(ctx, 'stream', stream!);
    const source = checkName(ctx, 'source', stringFlag(ctx.args.values, 'src') ?? DEFAULT_SOURCE);
    const message: OutgoingMessage = { stream: stream!, type: type!, data: parseJson(payload === '-' ? await ctx.readStdin() : payload!, ctx.verb), src: source };
    for (const flag of ['id', 'corr', 'cause'] as const) {
      const v = stringFlag(ctx.args.values, flag);
      if (v === undefined) continue;
      if (!TOKEN.test(v)) throw new UsageError(`--${flag} must be 1-256 characters without whitespace`, ctx.verb);
      message[flag] = v;
    }

    const contracts = boolFlag(ctx.args.values, 'unchecked') ? undefined : await loadCatalogue();
    if (!contracts && !boolFlag(ctx.args.values, 'unchecked')) {
      ctx.note('note: @hive/contracts exports no contract catalogue yet; publishing without validation');
    }
    if (contracts) {
      const unknown = explainUnknownType(contracts, message.stream, message.type);
      if (unknown) throw new UsageError(unknown, ctx.verb, 'UNKNOWN_TYPE');
    }
    // Validate and encode before connecting: a bad payload is reported the same with or without Redis.
    // prepareMessage only validates and encodes; it never uses the driver.
    const prepared = prepareMessage(
      { driver: undefined as unknown as RedisDriver, keys: ctx.keys, contracts, source, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, observers: [] },
      message,
    );
    const redis = await ctx.redis();
    const entryId = await xadd(redis, prepared.key, prepared.fields, prepared.add);
    const result = { stream, type, id: prepared.id, entryId, validated: contracts !== undefined };
    if (ctx.json) return void ctx.printJson(result);
    ctx.print(`published ${type} to ${stream}: entry ${entryId}, message id ${prepared.id}${result.validated ? '' : ' (not validated)'}`);
  },
};

function parseJson(text: string, verb: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`payload is not valid JSON: ${(err as Error).message}`, verb, 'INVALID_JSON');
  }
}

/** Why (stream, type) is not in the catalogue, naming what is, when the catalogue can list its entries. */
function explainUnknownType(registry: ContractRegistry, stream: string, type: string): string | undefined {
  if (registry.find(stream, type)) return undefined;
  const list = (registry as { entries?: unknown }).entries;
  if (typeof list !== 'function') return undefined; // the bus's own message will do
  const entries = (list.call(registry) as { stream: string; type: string }[]) ?? [];
  const types = entries.filter((e) => e.stream === stream).map((e) => e.type);
  if (types.length > 0) return `type "${type}" is not a message of stream "${stream}"; its types: ${types.join(', ')}`;
  const owner = entries.find((e) => e.type === type);
  return `stream "${stream}" is not in the contracts catalogue${owner ? `; type "${type}" belongs to stream "${owner.stream}"` : ''} (--unchecked publishes anyway)`;
}

/** The ContractRegistry that @hive/contracts exports, if it exports one. */
export async function loadCatalogue(): Promise<ContractRegistry | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import('@hive/contracts')) as Record<string, unknown>;
  } catch (err) {
    throw new OperationError(`cannot load @hive/contracts to validate the payload (${(err as Error).message}); use --unchecked to publish anyway`);
  }
  const isRegistry = (v: unknown): v is ContractRegistry =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { find?: unknown }).find === 'function';
  for (const name of CATALOGUE_EXPORTS) if (isRegistry(mod[name])) return mod[name];
  return Object.values(mod).find(isRegistry);
}
