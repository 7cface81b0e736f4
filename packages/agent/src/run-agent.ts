/**
 * The runtime: `startAgent` turns a definition into a running agent (config, logger, LLM, one
 * consumer group per stream read, HTTP health and metrics, heartbeats) and returns a handle;
 * `runAgent` is the process entry point around it (exit codes, SIGTERM/SIGINT).
 *
 * Start order: config → bus → consumer groups ready → HTTP → heartbeat → the agent's `start`.
 * Stop order is the reverse, so that an agent is never advertised as running before it can work,
 * nor after it has stopped working.
 */
import { createHash } from 'node:crypto';
import {
  ConfigError,
  createBus,
  createBusMetrics,
  createLogger,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  errorMessage,
  HiveError,
  reply as replyTo,
  startHeartbeat,
  UnrecoverableError,
  xinfoGroups,
  type Bus,
  type Handler,
  type HeartbeatOptions,
  type Logger,
  type Message,
  type OutgoingMessage,
  type PublishOptions,
  type Subscription,
} from '@hive/bus';
import { catalogue as hiveCatalogue, type Catalogue, type StreamName } from '@hive/contracts';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { z } from 'zod';
import { byChatId, type AgentContext, type AgentDefinition, type AnyAgentDefinition, type Publish, type StartContext, type StreamOptions } from './define-agent.js';
import { parseEnv, type Env, type HiveEnv } from './env.js';
import { DEFAULT_PROBE_TIMEOUT_MS, startHttpServer, withTimeout, type AgentHttpServer, type Readiness } from './http-server.js';
import { agentModels, createLlm, createLlmMetrics, watchAgentModels } from './llm/index.js';
import type { Llm } from './llm/port.js';

export interface StartAgentOptions {
  /** Where configuration comes from. @defaultValue process.env */
  env?: Env;
  /** @defaultValue a pino logger to stderr at HIVE_LOG_LEVEL, bound to agent and instance */
  logger?: Logger;
  /** Use this LLM instead of the one chosen from the environment. */
  llm?: Llm;
  /** @defaultValue the Hive catalogue */
  contracts?: Catalogue;
  heartbeat?: Pick<HeartbeatOptions, 'intervalMs' | 'ttlMs'>;
  /** How long /readyz and /metrics wait for Redis. @defaultValue 1000 */
  probeTimeoutMs?: number;
  /** Consumer settings applied to every stream before the definition's own (tests use short timings). */
  streamDefaults?: StreamOptions;
}

export interface AgentHandle<Config = unknown, W extends StreamName = StreamName> {
  readonly name: string;
  readonly instance: string;
  /** The HTTP server's address (health, readiness, metrics). */
  readonly url: string;
  readonly bus: Bus;
  readonly llm: Llm;
  readonly config: Config;
  /** The shared configuration (Redis, HTTP, OpenAI), parsed. */
  readonly env: HiveEnv;
  readonly log: Logger;
  readonly registry: Registry;
  /** Publish as this agent, outside any handler (a new conversation unless options.corr says otherwise). */
  readonly publish: Publish<W>;
  /** The same check /readyz makes. */
  readiness(): Promise<Readiness>;
  /** Graceful stop: the agent's cleanup, heartbeat removed, handlers finished and acked, connections closed. Idempotent. */
  stop(): Promise<void>;
}

/** How long removing the registry record may take at shutdown before we go on without it. */
const HEARTBEAT_STOP_TIMEOUT_MS = 2_000;
/** Slack on top of the handlers' shutdown timeout before the bus is closed hard. */
const CLOSE_SLACK_MS = 5_000;

/**
 * A follow-up's message id, derived from the input's id: a redelivered input republishes its
 * follow-ups under the same ids, so idempotent readers see one message, not two.
 */
export function followUpId(inputId: string, agent: string, index: number): string {
  return createHash('sha256').update(`${inputId}\u0000${agent}\u0000${index}`).digest('base64url').slice(0, 26);
}

/** Every stream and type the definition uses that the catalogue lacks, one line each. */
function unknownContracts(def: AnyAgentDefinition, contracts: Catalogue): string[] {
  const out: string[] = [];
  for (const [stream, handlers] of Object.entries(def.reads as Record<string, Record<string, unknown> | undefined>)) {
    if (!handlers) continue;
    const s = contracts.stream(stream);
    if (!s) {
      out.push(`reads stream "${stream}", which is not in the catalogue`);
      continue;
    }
    for (const type of Object.keys(handlers)) if (!s.messages[type]) out.push(`handles type "${type}", which stream "${stream}" does not carry`);
  }
  for (const stream of def.writes as readonly string[]) if (!contracts.stream(stream)) out.push(`writes stream "${stream}", which is not in the catalogue`);
  return out;
}

/** Start an agent; rejects with an EnvConfigError naming every bad variable, or a ConfigError when Redis is unreachable. */
export async function startAgent<C extends z.ZodType, W extends StreamName>(
  definition: AgentDefinition<C, W>,
  options: StartAgentOptions = {},
): Promise<AgentHandle<z.output<C>, W>> {
  const def = definition as AnyAgentDefinition;
  const contracts = options.contracts ?? hiveCatalogue;
  const { hive, config } = parseEnv(def.name, options.env ?? process.env, def.config);
  const problems = unknownContracts(def, contracts);
  if (problems.length > 0) throw new ConfigError(`agent "${def.name}" does not match the contracts:\n  ${problems.join('\n  ')}`, { problems });

  const instance = hive.HIVE_INSTANCE;
  const log = options.logger ?? createLogger({ agent: def.name, instance }, hive.HIVE_LOG_LEVEL);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const llm = options.llm ?? createLlm(hive, def.offlineLlm ?? {}, log, createLlmMetrics(registry, def.name), def.name);
  const reads = def.reads as Record<string, Record<string, Handler<unknown>> | undefined>;
  const streamsRead = Object.keys(reads).filter((s) => reads[s] !== undefined);
  const writes = new Set<string>(def.writes);

  const bus = await createBus({
    url: hive.REDIS_URL,
    driver: hive.HIVE_DRIVER,
    prefix: hive.HIVE_PREFIX,
    source: def.name,
    contracts,
    logger: log,
  });
  bus.observe(createBusMetrics({ registry, redis: { driver: bus.driver, keys: bus.keys, streams: () => streamsRead } }).observer);

  const publishAs =
    (onUndeclared: (stream: string) => Error, defaults: (options: PublishOptions) => PublishOptions) =>
    (stream: string, type: string, data: unknown, opts: PublishOptions = {}) => {
      if (!writes.has(stream)) return Promise.reject(onUndeclared(stream));
      return bus.publish(stream, type, data, defaults(opts));
    };
  const undeclared = (stream: string) => `agent "${def.name}" publishes to "${stream}", which is not in its writes`;
  const scope = {
    agent: def.name,
    instance,
    config,
    llm,
    log,
    bus,
    publish: publishAs((s) => new ConfigError(undeclared(s)), (o) => o) as Publish<W>,
  };

  const subscriptions: Subscription[] = [];
  const orderingKey = def.orderingKey === false ? undefined : (def.orderingKey ?? byChatId);
  let shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;
  for (const stream of streamsRead) {
    const handlers = reads[stream]!;
    const own: StreamOptions = { ...options.streamDefaults, ...(def.streamOptions as Record<string, StreamOptions> | undefined)?.[stream] };
    shutdownTimeoutMs = Math.max(shutdownTimeoutMs, own.shutdownTimeoutMs ?? 0);
    const handler: Handler = async (message: Message, hctx) => {
      const handle = handlers[message.type];
      if (!handle) return undefined;
      let n = 0;
      const nextId = () => followUpId(message.id, def.name, n++);
      const inReplyTo = (o: PublishOptions): PublishOptions => ({
        corr: message.corr,
        cause: message.id,
        ...(message.traceparent ? { traceparent: message.traceparent } : {}),
        id: nextId(),
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
      // spread copies only own properties: name each field so none is lost.
      const ctx: AgentContext<unknown, StreamName> = {
        stream: hctx.stream,
        group: hctx.group,
        consumer: hctx.consumer,
        entryId: hctx.entryId,
        deliveryCount: hctx.deliveryCount,
        signal: hctx.signal,
        extendLease: hctx.extendLease,
        ...scope,
        // One deadline for every model call of this delivery (llm/model-llm.ts).
        llm: scope.llm.forMessage?.(hctx.signal) ?? scope.llm,
        log: hctx.log,
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
          return { ...o, id: o.id ?? nextId() };
        }
        // A stream outside `writes` would also be outside the agent's Redis ACL: fail now, not in production.
        if (!writes.has(o.stream)) throw new UnrecoverableError(undeclared(o.stream));
        return { ...o, id: o.id ?? nextId() };
      });
    };
    subscriptions.push(
      bus.subscribe({
        ...own,
        stream,
        group: def.name,
        instance,
        handler,
        types: Object.keys(handlers),
        concurrency: own.concurrency ?? def.concurrency,
        idempotent: own.idempotent ?? def.idempotent ?? true,
        startAt: own.startAt ?? contracts.stream(stream)?.startAt ?? 'new',
        ...(orderingKey ? { orderingKey } : {}),
      }),
    );
  }

  let http: AgentHttpServer | undefined;
  let stopping = false;
  const probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const readiness = async (): Promise<Readiness> => {
    if (stopping) return { ready: false, redis: 'not checked: stopping', groups: {}, stopping: true };
    const groups: Record<string, boolean> = {};
    try {
      await withTimeout(
        (async () => {
          if (streamsRead.length === 0) await bus.driver.call(['PING']);
          await Promise.all(
            streamsRead.map(async (s) => {
              groups[s] = (await xinfoGroups(bus.driver, bus.keys.stream(s))).some((g) => g.name === def.name);
            }),
          );
        })(),
        probeTimeoutMs,
        'Redis',
      );
    } catch (err) {
      return { ready: false, redis: errorMessage(err), groups };
    }
    return { ready: Object.values(groups).every(Boolean), redis: 'ok', groups };
  };

  const startedAt = Date.now();
  const abort = new AbortController();
  let heartbeat: Awaited<ReturnType<typeof startHeartbeat>> | undefined;
  let cleanup: void | (() => void | Promise<void>);
  let unwatchModels: (() => void) | undefined;
  const startCtx: StartContext<unknown, StreamName> = { ...scope, bus, signal: abort.signal } as StartContext<unknown, StreamName>;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      log.info({}, 'stopping');
      unwatchModels?.();
      abort.abort(new HiveError('BUS_CLOSED', `agent ${def.name} is stopping`));
      if (cleanup) await Promise.resolve(cleanup()).catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'agent cleanup failed'));
      if (heartbeat) await withTimeout(heartbeat.stop(), HEARTBEAT_STOP_TIMEOUT_MS, 'removing the registry record').catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'could not remove the registry record; it expires by TTL'));
      await withTimeout(bus.close(), shutdownTimeoutMs + CLOSE_SLACK_MS, 'closing the bus').catch((err: unknown) => {
        log.warn({ err: errorMessage(err) }, 'bus did not close in time; disconnecting (unacked entries stay pending for other consumers)');
        bus.driver.disconnect();
      });
      await http?.close();
      log.info({}, 'stopped');
    })());

  try {
    await Promise.all(subscriptions.map((s) => s.ready));
    http = await startHttpServer({
      host: hive.HIVE_HTTP_HOST,
      port: hive.HIVE_HTTP_PORT,
      health: () => ({ agent: def.name, instance, version: def.version, uptimeMs: Date.now() - startedAt, stopping }),
      readiness,
      registry,
      probeTimeoutMs,
      routes: Object.fromEntries(Object.entries(def.routes ?? {}).map(([path, route]) => [path, (req, res) => route(req, res, startCtx as never)])),
      log,
    });
    heartbeat = await startHeartbeat(
      bus.driver,
      bus.keys,
      {
        name: def.name,
        instance,
        version: def.version,
        reads: streamsRead,
        writes: [...def.writes],
        description: def.description,
        skills: [...def.skills],
        httpUrl: http.url,
        models: agentModels(def.name),
      },
      { log, ...options.heartbeat },
    );
    // A breaker opening or closing reaches the registry now, not at the next beat.
    const beat = heartbeat;
    unwatchModels = watchAgentModels(def.name, (models) => void beat.update({ models }).catch(() => undefined));
    cleanup = await def.start?.(startCtx as never);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  log.info({ reads: streamsRead, writes: [...writes], httpUrl: http.url, llm: llm.kind }, 'agent started');

  return {
    name: def.name,
    instance,
    url: http.url,
    bus,
    llm,
    config: config as z.output<C>,
    env: hive,
    log,
    registry,
    publish: scope.publish,
    readiness,
    stop,
  };
}

/**
 * The process entry point (an app's `src/index.ts` is one call): start, or print why not and exit 1;
 * on SIGTERM/SIGINT stop gracefully and exit 0 (1 if stopping fails or overruns; a second signal exits at once).
 */
export async function runAgent<C extends z.ZodType, W extends StreamName>(
  definition: AgentDefinition<C, W>,
  options: StartAgentOptions = {},
): Promise<AgentHandle<z.output<C>, W>> {
  let handle: AgentHandle<z.output<C>, W>;
  try {
    handle = await startAgent(definition, options);
  } catch (err) {
    // Configuration and connection problems are the operator's to fix: the message says what, a stack would only bury it.
    const text = err instanceof HiveError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`${definition.name}: ${text}\n`);
    process.exit(1);
  }
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`${definition.name}: second ${signal}; exiting without finishing the shutdown\n`);
      process.exit(1);
    }
    signalled = true;
    handle.log.info({ signal }, 'shutting down');
    const budget = Math.max(DEFAULT_SHUTDOWN_TIMEOUT_MS, options.streamDefaults?.shutdownTimeoutMs ?? 0) + CLOSE_SLACK_MS + HEARTBEAT_STOP_TIMEOUT_MS + 1_000;
    setTimeout(() => {
      process.stderr.write(`${definition.name}: shutdown took longer than ${budget} ms; exiting\n`);
      process.exit(1);
    }, budget).unref();
    handle.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${definition.name}: shutdown failed: ${errorMessage(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return handle;
}
