/**
 * An agent is a definition: what it reads (one handler per message type), what it writes, its own
 * configuration, its offline LLM rules. Everything else (Redis, consumer groups, health, metrics,
 * heartbeats, shutdown) is the runtime's, in run-agent.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  assertName,
  ConfigError,
  type Bus,
  type HandlerContext,
  type IdempotencyOptions,
  type Logger,
  type Message,
  type PublishOptions,
  type PublishResult,
  type RetryPolicy,
} from '@hive/bus';
import { INTENT_NAME, type MessageType, type Payload, type PayloadInput, type StreamName } from '@hive/contracts';
import type { z } from 'zod';
import type { OfflineRules } from './llm/offline.js';
import type { Llm } from './llm/port.js';

/** How long a `seesEveryIntent` agent lets other agents' intents wait before its handler gets them. */
export const DEFAULT_COVER_LINGER_MS = 100;

/** Something an agent can do, advertised in its registry record (atlas's help menu lists them). */
export interface AgentSkill {
  name: string;
  description: string;
  examples?: string[];
}

/**
 * A deterministic rule that recognises an intent offline (no model, or the model failed), as data so
 * that it travels in the registry record: iris tries the rules of every running agent's intents.
 */
export interface OfflineIntentRule {
  /**
   * A regular expression (source text, matched case-insensitively against the message in lower
   * case, courtesy such as "please" stripped). Its named groups become entities:
   * `"^weather(?: in (?<place>.+))?$"` gives `{ place: "berlin" }`.
   */
  readonly pattern: string;
  /** How sure a match is, 0..1. @defaultValue 0.8 */
  readonly confidence?: number;
}

/**
 * An intent the agent serves: iris routes messages with it to intent.classified, where the agent
 * picks it up. The name is the contract's intent name; description and examples go into iris's
 * model prompt and atlas's help.
 */
export interface IntentDeclaration {
  /** Lower case, a letter first (`INTENT_NAME` in @hive/contracts), e.g. "weather". */
  readonly name: string;
  readonly description: string;
  /** Messages that mean it, for the model prompt and help. */
  readonly examples: readonly string[];
  /** How iris recognises it without a model; without one, only the model (or iris's built-in rules) routes to it. */
  readonly offline?: OfflineIntentRule;
}

/** A message to publish, typed by its contract: the payload must fit (stream, type). */
export type Outgoing<S extends StreamName = StreamName> = {
  [K in S]: { [T in MessageType<K>]: PublishOptions & { stream: K; type: T; data: PayloadInput<K, T> } }[MessageType<K>];
}[S];

/**
 * The answer to a request, made by `ctx.reply`: published to the requester's reply stream (not to
 * `stream`, which names the contract it is checked against: the request's own stream).
 */
export type OutgoingReply<S extends StreamName = StreamName> = Outgoing<S> & { readonly toReplyStream: string };

/**
 * What a handler may return: messages published (with corr and cause filled in) before the input is
 * acked; to streams in `writes`, or a reply (`ctx.reply`) to the request on input stream S.
 */
export type HandlerReturn<W extends StreamName, S extends StreamName = never> =
  | void
  | undefined
  | Outgoing<W>
  | OutgoingReply<S>
  | readonly (Outgoing<W> | OutgoingReply<S>)[];

/** Typed publishing, limited to the streams the agent declares in `writes`. */
export type Publish<W extends StreamName> = <S extends W, T extends MessageType<S>>(
  stream: S,
  type: T,
  data: PayloadInput<S, T>,
  options?: PublishOptions,
) => Promise<PublishResult>;

/** What every piece of agent code gets: identity, config, logger, LLM, publishing. */
export interface AgentScope<Config, W extends StreamName> {
  readonly agent: string;
  readonly instance: string;
  readonly config: Config;
  readonly llm: Llm;
  readonly log: Logger;
  /** The agent's bus: its driver and key builder reach the agent's own Redis state (`bus.keys.data(...)`). */
  readonly bus: Bus;
  /** Publish now. In a handler: correlated with the input (corr, cause) and published before its ack. */
  readonly publish: Publish<W>;
}

/** A handler's context: the bus's delivery context (signal, deliveryCount, extendLease, a logger bound to corr) plus the agent's scope. */
export interface AgentContext<Config, W extends StreamName> extends HandlerContext, AgentScope<Config, W> {
  readonly log: Logger;
  /** Answer the request being handled; typed by the input stream in AgentHandlerContext. Without that stream named, it takes nothing. */
  readonly reply: (type: never, data: never, options?: PublishOptions) => unknown;
}

/** `ctx.reply` of a handler of input stream S. */
export type Reply<S extends StreamName> = <T extends MessageType<S>>(type: T, data: PayloadInput<S, T>, options?: PublishOptions) => OutgoingReply<S>;

/**
 * The context a handler of input stream S gets (it passes as an AgentContext): `reply` typed by S.
 * (A separate type, not a parameter of AgentContext: `reply` makes S invariant, and a handler's
 * context must pass where helpers take any stream's.)
 */
export interface AgentHandlerContext<Config, W extends StreamName, S extends StreamName> extends AgentContext<Config, W> {
  /**
   * Answer the request being handled: a reply of a type on the input stream S, its payload typed by
   * that contract. Return it from the handler; it is published to the requester's reply stream, so
   * S need not be in `writes`. Throws an UnrecoverableError when the input is not a request (no `replyTo`).
   */
  readonly reply: Reply<S>;
}

/** A received message of type T on stream S, in the current version's shape. */
export type AgentMessage<S extends StreamName, T extends MessageType<S>> = Message<Payload<S, T>> & { readonly type: T };

export type AgentHandler<S extends StreamName, T extends MessageType<S>, Config, W extends StreamName> = (
  message: AgentMessage<S, T>,
  ctx: AgentHandlerContext<Config, W, S>,
) => HandlerReturn<W, S> | Promise<HandlerReturn<W, S>>;

/** One handler per message type the agent consumes, per stream. */
export type Reads<Config, W extends StreamName> = {
  [S in StreamName]?: { [T in MessageType<S>]?: AgentHandler<S, T, Config, W> };
};

/** Per-stream consumer settings; see the bus's SubscribeOptions for each. */
export interface StreamOptions {
  /** @defaultValue the agent's `concurrency` */
  concurrency?: number;
  /** Where the group starts when created. @defaultValue the stream contract's `startAt` */
  startAt?: 'new' | 'all' | string;
  maxDeliveries?: number;
  claimIdleMs?: number;
  retry?: Partial<RetryPolicy>;
  blockMs?: number;
  /**
   * How long a read's entries wait before they are handled, for a group that need not act at once
   * (archivist): they are handled together with what arrived meanwhile, after the other agents'
   * work on them (@hive/bus `lingerMs`). @defaultValue 0
   */
  lingerMs?: number;
  shutdownTimeoutMs?: number;
  /** Longest one handler call may run before it counts as failed (retried); `false` for no limit. @defaultValue 300000 */
  handlerTimeoutMs?: number | false;
  /** Handle a message id once per group, even when delivered twice. @defaultValue the agent's `idempotent` */
  idempotent?: boolean | IdempotencyOptions;
}

/** What `start` gets: the agent's scope, the bus, and a signal aborted when the agent stops. */
export interface StartContext<Config, W extends StreamName> extends AgentScope<Config, W> {
  readonly bus: Bus;
  readonly signal: AbortSignal;
}

/** An extra HTTP route on the agent's server (e.g. kami's simulator); exact path match, any method. */
export type Route<Config, W extends StreamName> = (req: IncomingMessage, res: ServerResponse, ctx: StartContext<Config, W>) => void | Promise<void>;

/** Orders by the payload's `chatId` when it has one: one WhatsApp chat's messages are handled in order. */
export function byChatId(message: Message): string | undefined {
  const data = message.data as { chatId?: unknown } | null;
  return typeof data?.chatId === 'string' ? data.chatId : undefined;
}

export interface AgentDefinition<C extends z.ZodType = z.ZodType, W extends StreamName = StreamName> {
  /** Agent name: its consumer group on every stream it reads, its `src`, its registry entry. */
  readonly name: string;
  readonly version: string;
  /** One sentence for the registry, the console and atlas's help. */
  readonly description: string;
  /** What it can do for the owner, as atlas lists it. */
  readonly skills: readonly AgentSkill[];
  /**
   * The intents it serves on intent.classified, advertised in its registry record: iris routes by
   * the intents of the agents that are running. @defaultValue none
   */
  readonly intents?: readonly IntentDeclaration[];
  /**
   * On intent.classified, an agent that declares `intents` gets only those: every other intent is
   * acked by the bus before its handler, its idempotency check and mark (nine groups read the
   * stream; each message is one agent's). `true` hands the handler every intent (atlas answers for
   * agents that are down): the shards its own intents land on are read at once, the others, where it
   * only covers for another agent, lingering `coverLingerMs`. @defaultValue false
   */
  readonly seesEveryIntent?: boolean;
  /**
   * With `seesEveryIntent`: how long another agent's intent waits before this agent's handler gets it
   * (the bus's `lingerMs`). Covering for an agent that is down can wait that long; meanwhile the
   * agent whose intent it is answers without this one's work in the way (in one process, one event
   * loop runs both). @defaultValue DEFAULT_COVER_LINGER_MS (100)
   */
  readonly coverLingerMs?: number;
  // NoInfer: `writes` alone decides W; a handler returning another stream must be an error, not a widening.
  readonly reads: Reads<z.output<C>, NoInfer<W>>;
  readonly writes: readonly W[];
  /** The agent's own environment variables, as a zod object keyed by variable name. */
  readonly config?: C;
  /** Handlers running at once per stream read. @defaultValue 1 */
  readonly concurrency?: number;
  /** Per-key ordering at concurrency > 1; `false` for none. @defaultValue byChatId */
  readonly orderingKey?: ((message: Message) => string | undefined) | false;
  readonly streamOptions?: { readonly [S in StreamName]?: StreamOptions };
  /**
   * Skip a message id this agent already handled (bus handled-marks, 24 h). With follow-up ids
   * derived from input ids, a redelivery anywhere upstream is not handled twice downstream.
   * @defaultValue true
   */
  readonly idempotent?: boolean | IdempotencyOptions;
  /** The deterministic rules the LLM port uses offline and as fallback. */
  readonly offlineLlm?: OfflineRules;
  /**
   * The agent's setup, run before any subscription reads: open stores and databases, connect
   * clients, start what produces from outside the bus (kami's WhatsApp client, hermes's timers,
   * sentinel's checks). May return a cleanup, run at shutdown once every handler has finished.
   * Hand what it makes to the handlers with `setupValue`.
   */
  readonly start?: (ctx: StartContext<z.output<C>, NoInfer<W>>) => void | (() => void | Promise<void>) | Promise<void | (() => void | Promise<void>)>;
  readonly routes?: Readonly<Record<string, Route<z.output<C>, NoInfer<W>>>>;
}

/** Any agent definition, whatever its config and writes (what the runtime and tooling accept). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAgentDefinition = AgentDefinition<any, any>;

/** Declare an agent; checks its names now, so a typo fails at import rather than at start. */
export function defineAgent<const W extends StreamName = never, C extends z.ZodType = z.ZodObject<Record<never, z.ZodType>>>(definition: AgentDefinition<C, W>): AgentDefinition<C, W> {
  assertName('agent', definition.name);
  for (const [stream, handlers] of Object.entries(definition.reads)) {
    if (handlers && Object.keys(handlers).length === 0) throw new ConfigError(`agent "${definition.name}" reads stream "${stream}" but handles no message type on it`);
  }
  for (const intent of definition.intents ?? []) checkIntent(definition.name, intent);
  if (new Set((definition.intents ?? []).map((i) => i.name)).size !== (definition.intents ?? []).length) throw new ConfigError(`agent "${definition.name}" declares an intent twice`);
  if (new Set(definition.writes).size !== definition.writes.length) throw new ConfigError(`agent "${definition.name}" lists a stream twice in writes`);
  for (const path of Object.keys(definition.routes ?? {})) {
    if (!path.startsWith('/') || ['/healthz', '/readyz', '/metrics'].includes(path)) {
      throw new ConfigError(`agent "${definition.name}" route "${path}" must start with "/" and not shadow /healthz, /readyz or /metrics`);
    }
  }
  return definition;
}

/** A declared intent must be routable: a valid name, something to show, a rule that compiles. */
function checkIntent(agent: string, intent: IntentDeclaration): void {
  const at = `agent "${agent}" intent "${intent.name}"`;
  if (!INTENT_NAME.test(intent.name) || intent.name === 'unknown') throw new ConfigError(`${at}: an intent name is lower case, starts with a letter, at most 40 characters, and not "unknown"`);
  if (intent.description.trim() === '') throw new ConfigError(`${at} needs a description`);
  if (intent.offline) {
    try {
      new RegExp(intent.offline.pattern, 'i');
    } catch (err) {
      throw new ConfigError(`${at}: offline pattern does not compile: ${(err as Error).message}`);
    }
    const c = intent.offline.confidence;
    if (c !== undefined && !(c >= 0 && c <= 1)) throw new ConfigError(`${at}: offline confidence must be between 0 and 1`);
  }
}
