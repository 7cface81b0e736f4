/**
 * An agent definition for `hive dev`: the same handlers under the name `<name>-dev`, so it has a
 * consumer group of its own on every stream it reads: it sees each message the real agent's group
 * sees and takes none from it. It publishes nothing: what a handler returns or publishes (and what
 * its `start` publishes) is logged as "would publish", so a second copy of an agent never answers the
 * owner twice or feeds the network duplicates. Its own files go where HIVE_DATA_DIR says; state it
 * keys by its literal name in Redis is the real agent's (say so when developing such an agent).
 */
import type { Logger, PublishResult } from '@hive/bus';
import type { AnyAgentDefinition } from './define-agent.js';

export interface DevAgentOptions {
  /** @defaultValue "-dev" */
  readonly suffix?: string;
  /** Where its groups start when created (an entry id: `--replay`); default each stream's contract. */
  readonly startAt?: string;
}

const WOULD = 'would publish (hive dev publishes nothing)';

function dryPublish(log: Pick<Logger, 'info'>) {
  return async (stream: string, type: string, data: unknown): Promise<PublishResult> => {
    log.info({ stream, type, data }, WOULD);
    return { id: 'hive-dev', entryId: '0-0' } as PublishResult;
  };
}

type AnyHandler = (message: unknown, ctx: { log: Logger; publish: unknown }) => unknown;
type AnyOutgoing = { stream?: string; type?: string; data?: unknown; toReplyStream?: string };

/** The dev copy of `def` (see the module comment). */
export function devAgent(def: AnyAgentDefinition, opts: DevAgentOptions = {}): AnyAgentDefinition {
  const reads: Record<string, Record<string, AnyHandler>> = {};
  for (const [stream, handlers] of Object.entries(def.reads as Record<string, Record<string, AnyHandler> | undefined>)) {
    if (!handlers) continue;
    reads[stream] = {};
    for (const [type, handle] of Object.entries(handlers)) {
      reads[stream][type] = async (message, ctx) => {
        const result = (await handle(message, { ...ctx, publish: dryPublish(ctx.log) })) as AnyOutgoing | readonly AnyOutgoing[] | undefined;
        const out = result == null ? [] : Array.isArray(result) ? result : [result];
        for (const o of out as AnyOutgoing[]) ctx.log.info({ stream: o.toReplyStream ?? o.stream, type: o.type, data: o.data }, WOULD);
        return undefined;
      };
    }
  }
  const streamOptions = opts.startAt
    ? Object.fromEntries(Object.keys(reads).map((s) => [s, { ...(def.streamOptions as Record<string, object> | undefined)?.[s], startAt: opts.startAt }]))
    : def.streamOptions;
  const start = def.start;
  return {
    ...def,
    name: `${def.name}${opts.suffix ?? '-dev'}`,
    reads: reads as AnyAgentDefinition['reads'],
    ...(streamOptions ? { streamOptions } : {}),
    ...(start ? { start: (ctx: Parameters<NonNullable<AnyAgentDefinition['start']>>[0]) => start({ ...ctx, publish: dryPublish(ctx.log) as never }) } : {}),
  };
}
