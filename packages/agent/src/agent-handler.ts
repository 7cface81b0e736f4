/**
 * One stream's handler as the runtime hands it to the bus: picks the definition's handler by type,
 * counts it as running (for liveness), and gives it the agent's context: publish within `writes`
 * with follow-up ids derived from the input's, and reply on the requester's reply stream within the
 * request stream's contract. What a handler returns is checked the same way before it is published.
 */
import { reply as replyTo, shardOf, UnrecoverableError, type Bus, type Handler, type Logger, type Message, type OutgoingMessage, type PublishOptions, type PublishResult } from '@hive/bus';
import type { Catalogue, StreamName } from '@hive/contracts';
import type { AgentContext, AnyAgentDefinition, Publish } from './define-agent.js';
import { derivedId } from './derived-id.js';
import type { Llm } from './llm/port.js';
import type { RunningHandler } from './liveness.js';

/**
 * A follow-up's message id, derived from the input's id: a redelivered input republishes its
 * follow-ups under the same ids, so idempotent readers see one message, not two.
 */
export function followUpId(inputId: string, agent: string, index: number): string {
  return derivedId('', [inputId, agent, String(index)], 26);
}

/**
 * What the agent's group on `stream` hands its handler, when not everything: on intent.classified,
 * the intents it declares (unless `seesEveryIntent`). The bus acks the rest as skipped, before the
 * idempotency check and mark.
 */
export function acceptOf(def: AnyAgentDefinition, stream: string): ((message: Message) => boolean) | undefined {
  const intents = intentsHandedOn(def, stream);
  if (!intents) return undefined;
  const served = new Set(intents);
  return (message) => served.has((message.data as { intent?: unknown } | null)?.intent as string);
}

/**
 * The intents the agent's handler is handed on `stream`, when not all (acceptOf): its registry
 * record says so (`handlesIntents`), so that sentinel counts the others as skipped, not as acked by
 * someone else.
 */
export function intentsHandedOn(def: AnyAgentDefinition, stream: string): string[] | undefined {
  if (stream !== 'intent.classified' || def.seesEveryIntent || !def.intents?.length) return undefined;
  return def.intents.map((i) => i.name);
}

/**
 * The shards of `stream` the agent's group reads, when not all: on a stream split by the intent
 * (intent.classified's contract: `partitions.key` "intent"), an agent handed only its own intents
 * reads only the shards they land on (`shardOf`, as the publisher picks them), so the bus does not
 * wake it for the others. Undefined: every shard (an unsplit stream, or an agent that sees every intent).
 */
export function shardsOfIntents(def: AnyAgentDefinition, stream: string, contracts: Pick<Catalogue, 'partitioning'>): number[] | undefined {
  const intents = intentsHandedOn(def, stream);
  return intents && intentShards(intents, stream, contracts)?.landOn;
}

/**
 * On a stream split by the intent, for an agent that sees every intent (atlas): the shards its own
 * intents land on, read at once, and the others, where it only covers for the agents whose intents
 * they are, read lingering (`coverLingerMs`). Undefined when there is no such split (an agent that
 * does not see every intent, declares no intent, or an unsplit stream), or every shard is its own.
 */
export function coveringShards(def: AnyAgentDefinition, stream: string, contracts: Pick<Catalogue, 'partitioning'>): { own: number[]; others: number[] } | undefined {
  if (stream !== 'intent.classified' || !def.seesEveryIntent || !def.intents?.length) return undefined;
  const split = intentShards(def.intents.map((i) => i.name), stream, contracts);
  if (!split) return undefined;
  const others = Array.from({ length: split.shards }, (_, i) => i).filter((i) => !split.landOn.includes(i));
  return others.length === 0 ? undefined : { own: split.landOn, others };
}

/** The shards `intents` land on (sorted) when `stream` is split by the intent, and how many it has; else undefined. */
function intentShards(intents: readonly string[], stream: string, contracts: Pick<Catalogue, 'partitioning'>): { landOn: number[]; shards: number } | undefined {
  const split = contracts.partitioning(stream);
  if (!split || split.shards <= 1 || split.key !== 'intent') return undefined;
  return { landOn: [...new Set(intents.map((i) => shardOf(i, split.shards)))].sort((a, b) => a - b), shards: split.shards };
}

/** What every handler of the agent shares (the publish is replaced per delivery). */
export interface AgentScopeValues {
  readonly agent: string;
  readonly instance: string;
  readonly config: unknown;
  readonly llm: Llm;
  readonly log: Logger;
  readonly bus: Bus;
  readonly publish: Publish<StreamName>;
}

/** Publish to a declared stream with options defaulted; an undeclared stream is refused with onUndeclared's error. */
export type PublishAs = (
  onUndeclared: (stream: string) => Error,
  defaults: (options: PublishOptions) => PublishOptions,
) => (stream: string, type: string, data: unknown, opts?: PublishOptions) => Promise<PublishResult>;

export interface AgentHandlerOptions {
  readonly def: AnyAgentDefinition;
  readonly stream: string;
  readonly handlers: Record<string, Handler<unknown>>;
  readonly scope: AgentScopeValues;
  readonly contracts: Catalogue;
  readonly writes: ReadonlySet<string>;
  readonly running: Set<RunningHandler>;
  readonly publishAs: PublishAs;
  readonly undeclared: (stream: string) => string;
}

export function agentHandler({ def, stream, handlers, scope, contracts, writes, running, publishAs, undeclared }: AgentHandlerOptions): Handler {
  const handler: Handler = async (message: Message, hctx) => {
    const handle = handlers[message.type];
    if (!handle) return undefined;
    const run: RunningHandler = { stream, type: message.type, id: message.id, since: Date.now() };
    running.add(run);
    try {
      return await handleOne(handle, message, hctx);
    } finally {
      running.delete(run);
    }
  };
  const handleOne = async (handle: Handler<unknown>, message: Message, hctx: Parameters<Handler>[1]) => {
    let n = 0;
    const nextId = () => followUpId(message.id, def.name, n++);
    // An id derived here is as unique as the input's, on the input's first delivery (the bus's
    // `followUpsUniqueForMs`); an id the handler chose promises nothing.
    const derived = (): Pick<PublishOptions, 'id' | 'uniqueForMs'> => {
      const uniqueForMs = hctx.followUpsUniqueForMs;
      return uniqueForMs === undefined ? { id: nextId() } : { id: nextId(), uniqueForMs };
    };
    const inReplyTo = (o: PublishOptions): PublishOptions => ({
      corr: message.corr,
      cause: message.id,
      ...(message.traceparent ? { traceparent: message.traceparent } : {}),
      ...(o.id === undefined ? derived() : {}),
      ...o,
    });
    const notInContract = (type: string) =>
      `agent "${def.name}" replies "${type}" to a request on "${stream}", whose contract has no such type`;
    // A reply goes to the requester's reply stream, not to `stream`: `writes` does not apply, the stream's contract does.
    const reply = (type: string, data: unknown, opts: PublishOptions = {}): OutgoingMessage => {
      if (!message.replyTo) {
        throw new UnrecoverableError(
          `agent "${def.name}" called ctx.reply while handling ${message.type} (${message.id}) on "${stream}", which is not a request: it has no replyTo to answer`,
        );
      }
      if (!contracts.stream(stream)?.messages[type]) throw new UnrecoverableError(notInContract(type));
      return replyTo(message, type, data, { ...(message.traceparent ? { traceparent: message.traceparent } : {}), ...opts, stream });
    };
    // The bus's context exposes its fields as getters (one object per delivery, no closures), and a
    // spread copies only own properties: name each field so none is lost. The signal (an
    // AbortController), the logger (a pino child, its bindings redacted) and the per-message model
    // port are made on first use: most handlers touch none of them, and each costs per message.
    // They are own enumerable getters, so a handler's `{ ...ctx }` still copies them.
    let llm: AgentContext<unknown, StreamName>['llm'] | undefined;
    const ctx: AgentContext<unknown, StreamName> = {
      stream: hctx.stream,
      group: hctx.group,
      consumer: hctx.consumer,
      entryId: hctx.entryId,
      entryFields: hctx.entryFields,
      deliveryCount: hctx.deliveryCount,
      get signal() {
        return hctx.signal;
      },
      extendLease: hctx.extendLease,
      get followUpsUniqueForMs() {
        return hctx.followUpsUniqueForMs;
      },
      ...scope,
      // One deadline for every model call of this delivery (llm/model-llm.ts).
      get llm() {
        return (llm ??= scope.llm.forMessage?.(hctx.signal) ?? scope.llm);
      },
      get log() {
        return hctx.log;
      },
      publish: publishAs((s) => new UnrecoverableError(undeclared(s)), inReplyTo) as Publish<StreamName>,
      reply: reply as never,
    };
    const result = (await handle(message, ctx as never)) as OutgoingMessage | readonly OutgoingMessage[] | undefined | void;
    if (result === undefined || result === null) return undefined;
    const out = Array.isArray(result) ? (result as readonly OutgoingMessage[]) : [result as OutgoingMessage];
    return out.map((o) => {
      if (o.toReplyStream !== undefined && o.toReplyStream === message.replyTo && o.stream === stream) {
        // The answer to this request (ctx.reply): checked against the request stream's contract.
        if (!contracts.stream(stream)?.messages[o.type]) throw new UnrecoverableError(notInContract(o.type));
        return o.id === undefined ? { ...o, ...derived() } : o;
      }
      // A stream outside `writes` would also be outside the agent's Redis ACL: fail now, not in production.
      if (!writes.has(o.stream)) throw new UnrecoverableError(undeclared(o.stream));
      return o.id === undefined ? { ...o, ...derived() } : o;
    });
  };
  return handler;
}
