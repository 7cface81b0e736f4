/**
 * The runtime: `startAgent` turns a definition into a running agent (config, logger, LLM, one
 * consumer group per stream read, HTTP health and metrics, heartbeats) and returns a handle;
 * `runAgent` is the process entry point around it (exit codes, signals: see process-lifecycle.ts).
 * Several agents may share one process (the supervisor's host): each still has its own bus
 * connections, groups, config, logger and readiness, and shares only the process's HTTP server,
 * logger destination and process metrics (`shared`). The agent's code cannot tell the difference.
 *
 * Start order: config → bus → the agent's `start` (its setup: stores opened, clients connected,
 * outside producers started) → consumer groups ready and reading → HTTP → heartbeat. Stop order is
 * the reverse: heartbeat withdrawn, subscriptions drained (handlers finished, acks flushed), the
 * agent's cleanup, the bus closed. So a handler never runs before `start` made what it uses, nor
 * after the cleanup closed it (setup-value.ts), and an agent is never advertised as running before
 * it can work, nor after it has stopped working. An agent that stops working inside a live process (a read loop
 * that no longer turns, a handler stuck far past its lease: see liveness.ts) has its heartbeat
 * withheld until it works again (presence.ts), so the registry, sentinel, atlas and herald see it gone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ConfigError,
  createBus,
  createBusMetrics,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  errorMessage,
  HiveError,
  startHeartbeat,
  type Bus,
  type Handler,
  type Heartbeat,
  type HeartbeatOptions,
  type Logger,
  type PublishOptions,
  type Subscription,
} from '@hive/bus';
import { streamShards, xinfoGroups } from '@hive/bus/admin';
import { catalogue as hiveCatalogue, type Catalogue, type StreamName } from '@hive/contracts';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { z } from 'zod';
import { byChatId, DEFAULT_COVER_LINGER_MS, type AgentSkill, type AgentDefinition, type IntentDeclaration, type AnyAgentDefinition, type Publish, type StartContext, type StreamOptions } from './define-agent.js';
import { parseEnv, type Env, type HiveEnv } from './env.js';
import { DEFAULT_PROBE_TIMEOUT_MS, startHttpHost, type AgentHttpServer, type HttpHost, type Readiness } from './http-server.js';
import { withTimeout } from './with-timeout.js';
import { assessLiveness, livenessLimits, type Liveness, type LivenessOptions, type RunningHandler } from './liveness.js';
import { agentModels, createLlm, createLlmMetrics, watchAgentModels, type AgentModelStatus } from './llm/index.js';
import type { Llm } from './llm/port.js';
import { runUntilStopped } from './process-lifecycle.js';
import { startPresence, type Presence } from './presence.js';
import { acceptOf, agentHandler, coveringShards, intentsHandedOn, shardsOfIntents } from './agent-handler.js';
import { createRedactingLogger } from './redacting-logger.js';
import { idleScavenge, type IdleScavenge } from './idle-scavenge.js';

/**
 * What the agents of one process share: one HTTP server (each agent under /agents/<name>), one
 * logger destination (each agent logs through a child bound to its name and instance, at its own
 * HIVE_LOG_LEVEL). Made by whoever runs several agents in one process; an agent started without it
 * makes its own server and logger.
 */
export interface SharedServices {
  readonly http: HttpHost;
  /** The process's logger; `child(bindings, { level })` as pino's. */
  readonly log: Logger & { child(bindings: Record<string, unknown>, options?: { level?: string }): Logger };
}

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
  /** The process's HTTP server and logger, when the agent shares its process with others. */
  shared?: SharedServices;
  /** When an agent counts as stopped inside a live process (see liveness.ts). */
  liveness?: LivenessOptions;
  /** Told of the agent's work (each delivery handled, each publish). @defaultValue the process's (idle-scavenge.ts) */
  idleScavenge?: Pick<IdleScavenge, 'touch'>;
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
  /** The agent's own metrics (every series labelled agent="<name>"). */
  readonly registry: Registry;
  /** Publish as this agent, outside any handler (a new conversation unless options.corr says otherwise). */
  readonly publish: Publish<W>;
  /** The same check /readyz makes. */
  readiness(): Promise<Readiness>;
  /** The same check /healthz makes: are its read loops turning and its handlers finishing? */
  liveness(): Liveness;
  /** The longest stop() should take (handlers' shutdown timeout plus closing); a process exits after it regardless. */
  readonly stopTimeoutMs: number;
  /** Graceful stop: the agent's cleanup, heartbeat removed, handlers finished and acked, connections closed. Idempotent. */
  stop(): Promise<void>;
}

/** How long removing the registry record may take at shutdown before we go on without it. */
const HEARTBEAT_STOP_TIMEOUT_MS = 2_000;
/** Slack on top of the handlers' shutdown timeout before the bus is closed hard. */
const CLOSE_SLACK_MS = 5_000;

/** A stream's consumer settings: the caller's defaults, then the definition's own. */
function streamOptionsFor(def: AnyAgentDefinition, options: StartAgentOptions, stream: string): StreamOptions {
  return { ...options.streamDefaults, ...(def.streamOptions as Record<string, StreamOptions> | undefined)?.[stream] };
}

/** The longest the agent's handlers may take to finish at a stop: the longest of its streams'. */
function shutdownTimeoutOf(def: AnyAgentDefinition, options: StartAgentOptions): number {
  let ms = DEFAULT_SHUTDOWN_TIMEOUT_MS;
  for (const [stream, handlers] of Object.entries(def.reads as Record<string, unknown>)) if (handlers !== undefined) ms = Math.max(ms, streamOptionsFor(def, options, stream).shutdownTimeoutMs ?? 0);
  return ms;
}

/** The longest a whole stop may take: the handlers, closing, the registry record, and a second of slack. */
const stopBudgetOf = (shutdownTimeoutMs: number) => shutdownTimeoutMs + CLOSE_SLACK_MS + HEARTBEAT_STOP_TIMEOUT_MS + 1_000;

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
  const bindings = { agent: def.name, instance };
  const log = options.logger ?? options.shared?.log.child(bindings, { level: hive.HIVE_LOG_LEVEL }) ?? createRedactingLogger(bindings, hive.HIVE_LOG_LEVEL);
  // The agent's own series, labelled with its name: in a shared process, /metrics serves every
  // agent's registry side by side, and two agents publishing to one stream must stay two series.
  const registry = new Registry();
  registry.setDefaultLabels({ agent: def.name });
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
    streams: [...streamsRead, ...writes], // none still in the layout before hash tags (`hive migrate`)
  });
  /** The physical streams the agent's group reads of `stream`: its shards, or those of its intents (shardsOfIntents). */
  const shardsReadOf = (stream: string): string[] => {
    const all = streamShards(contracts, stream);
    return shardsOfIntents(def, stream, contracts)?.map((i) => all[i]!) ?? all;
  };
  // Lag and pending per physical stream: a partitioned stream's per shard (the series name the shard).
  const streamsReadKeys = streamsRead.flatMap(shardsReadOf);
  bus.observe(createBusMetrics({ registry, redis: { driver: bus.driver, keys: bus.keys, streams: () => streamsReadKeys } }).observer);
  // Deliveries and publishes are the process's work: its young generation is collected in the quiet after them (idle-scavenge.ts).
  const scavenge = options.idleScavenge ?? idleScavenge();
  bus.observe({ handled: () => scavenge.touch(), published: () => scavenge.touch() });

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
  const concurrencyOf: number[] = [];
  /** Handlers running now, for the liveness check (one entry per delivery; no timer per message). */
  const running = new Set<RunningHandler>();
  const orderingKey = def.orderingKey === false ? undefined : (def.orderingKey ?? byChatId);
  const streamOptionsOf = (stream: string): StreamOptions => streamOptionsFor(def, options, stream);
  const shutdownTimeoutMs = shutdownTimeoutOf(def, options);
  /** Called once `start` has run: from here on handlers run. */
  const subscribe = () => {
    for (const stream of streamsRead) {
      const handlers = reads[stream]!;
      const own = streamOptionsOf(stream);
      const handler = agentHandler({ def, stream, handlers, scope, contracts, writes, running, publishAs, undeclared });
      const accept = acceptOf(def, stream);
      const shards = shardsOfIntents(def, stream, contracts);
      const subscribeTo = (only: { shards?: number[]; lingerMs?: number }) => {
        concurrencyOf.push(own.concurrency ?? def.concurrency ?? 1);
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
            ...(accept ? { accept } : {}),
            ...only,
          }),
        );
      };
      // An agent covering for others (seesEveryIntent) reads their intents' shards lingering, its own at once.
      const covering = coveringShards(def, stream, contracts);
      if (covering) {
        subscribeTo({ shards: covering.own });
        subscribeTo({ shards: covering.others, lingerMs: def.coverLingerMs ?? DEFAULT_COVER_LINGER_MS });
      } else subscribeTo(shards ? { shards } : {});
    }
  };

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
              // A partitioned stream is read shard by shard: its group must be on every shard it reads.
              const shards = await Promise.all(shardsReadOf(s).map(async (shard) => (await xinfoGroups(bus.driver, bus.keys.stream(shard))).some((g) => g.name === def.name)));
              groups[s] = shards.every(Boolean);
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
  const limits = livenessLimits(
    streamsRead.map((stream) => ({ stream, ...streamOptionsOf(stream) })),
    options.liveness,
  );
  const liveness = (): Liveness =>
    assessLiveness({
      now: Date.now(),
      subscriptions: subscriptions.map((s, i) => ({ stream: s.stream, reading: s.reading, loopTurnedAt: s.loopTurnedAt, inFlight: s.inFlight, concurrency: concurrencyOf[i]! })),
      running,
      limits,
    });
  /** The runtime's own fields in the record, beside the bus's. */
  let presence: Presence<Heartbeat<{ description: string; skills: AgentSkill[]; intents: IntentDeclaration[]; models: AgentModelStatus[]; handles: Record<string, string[]>; handlesIntents: Record<string, string[]> }>> | undefined;
  let cleanup: void | (() => void | Promise<void>);
  let unwatchModels: (() => void) | undefined;
  const startCtx: StartContext<unknown, StreamName> = { ...scope, bus, signal: abort.signal } as StartContext<unknown, StreamName>;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      log.info({}, 'stopping');
      unwatchModels?.();
      await presence?.end(HEARTBEAT_STOP_TIMEOUT_MS);
      // Handlers finish (or are handed back) before the cleanup closes what they use.
      await withTimeout(Promise.all(subscriptions.map((s) => s.stop())), shutdownTimeoutMs + CLOSE_SLACK_MS, 'stopping the subscriptions').catch((err: unknown) =>
        log.warn({ err: errorMessage(err) }, 'subscriptions did not stop in time; cleaning up anyway (unacked entries stay pending for other consumers)'),
      );
      abort.abort(new HiveError('BUS_CLOSED', `agent ${def.name} is stopping`));
      if (cleanup) await Promise.resolve(cleanup()).catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'agent cleanup failed'));
      await withTimeout(bus.close(), CLOSE_SLACK_MS, 'closing the bus').catch((err: unknown) => {
        log.warn({ err: errorMessage(err) }, 'bus did not close in time; disconnecting');
        bus.driver.disconnect();
      });
      await http?.close();
      // A server made for this agent alone goes with it; a shared one only loses the agent's mount.
      if (!options.shared) await ownHttp?.close();
      log.info({}, 'stopped');
    })());

  let ownHttp: HttpHost | undefined;
  let url = '';
  const record = () => ({
    name: def.name,
    instance,
    version: def.version,
    reads: streamsRead,
    handles: Object.fromEntries(streamsRead.map((s) => [s, Object.keys(reads[s]!)])), // types it handles: others are acked unmarked (sentinel)
    // intents handed to the handler, on a stream read only for some: the others are acked unmarked too (sentinel)
    handlesIntents: Object.fromEntries(
      streamsRead.flatMap((s) => {
        const intents = intentsHandedOn(def, s);
        return intents ? [[s, intents]] : [];
      }),
    ),
    writes: [...def.writes],
    description: def.description,
    skills: [...def.skills],
    intents: [...(def.intents ?? [])],
    httpUrl: url,
    models: agentModels(def.name),
  });
  try {
    cleanup = await def.start?.(startCtx as never);
    subscribe();
    await Promise.all(subscriptions.map((s) => s.ready));
    const endpoints = {
      health: () => {
        const l = liveness();
        return { live: l.live, agent: def.name, instance, version: def.version, uptimeMs: Date.now() - startedAt, stopping, ...(l.live ? {} : { problems: l.problems }) };
      },
      readiness,
      registry,
      routes: Object.fromEntries(Object.entries(def.routes ?? {}).map(([path, route]) => [path, (req: IncomingMessage, res: ServerResponse) => route(req, res, startCtx as never)])),
    };
    if (options.shared) {
      http = options.shared.http.mount(def.name, endpoints);
      url = http.url;
    } else {
      // A process of its own: its server's root is the agent's, with the process metrics beside its own.
      const processRegistry = new Registry();
      collectDefaultMetrics({ register: processRegistry });
      ownHttp = await startHttpHost({ host: hive.HIVE_HTTP_HOST, port: hive.HIVE_HTTP_PORT, log, processRegistry, probeTimeoutMs });
      http = ownHttp.mount(def.name, endpoints);
      url = ownHttp.url;
    }
    presence = await startPresence({
      beat: () => startHeartbeat(bus.driver, bus.keys, record(), { log, partitions: contracts, ...options.heartbeat }),
      liveness,
      redisAnswers: () => withTimeout(bus.driver.call(['PING']), probeTimeoutMs, 'Redis').then(() => true, () => false),
      checkEveryMs: limits.checkEveryMs,
      log,
    });
    if (stopping) await presence.end(HEARTBEAT_STOP_TIMEOUT_MS);
    // A breaker opening or closing reaches the registry now, not at the next beat (whichever heartbeat is current).
    unwatchModels = watchAgentModels(def.name, (models) => void presence?.current()?.update({ models }).catch(() => undefined));
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  log.info({ reads: streamsRead, writes: [...writes], httpUrl: url, llm: llm.kind }, 'agent started');

  return {
    name: def.name,
    instance,
    url,
    bus,
    llm,
    config: config as z.output<C>,
    env: hive,
    log,
    registry,
    publish: scope.publish,
    readiness,
    liveness,
    stopTimeoutMs: stopBudgetOf(shutdownTimeoutMs),
    stop,
  };
}

/**
 * The process entry point (an app's `src/index.ts` is one call): start, or print why not and exit 1;
 * then run until SIGTERM/SIGINT (or the parent supervisor's exit) and stop gracefully, once, within
 * a bound: exit 0, or 1 if stopping fails or overruns (process-lifecycle.ts).
 */
export async function runAgent<C extends z.ZodType, W extends StreamName>(
  definition: AgentDefinition<C, W>,
  options: StartAgentOptions = {},
): Promise<AgentHandle<z.output<C>, W>> {
  let handle: AgentHandle<z.output<C>, W> | undefined;
  let startupLog: Logger | undefined;
  const starting = startAgent(definition, options);
  // The signal handlers first: the agent is in the registry (running) a moment before startAgent
  // returns, and a SIGTERM in between must stop it gracefully, not end the process with Node's
  // default action (its buffered log lines lost, its stop never logged). A stop asked for while
  // it starts waits for the start, then stops what started; a start that fails exits 1 below.
  runUntilStopped({
    name: definition.name,
    log: () => handle?.log ?? (startupLog ??= createRedactingLogger({ agent: definition.name })),
    stop: async () => (await starting.catch(() => undefined))?.stop(),
    budgetMs: () => handle?.stopTimeoutMs ?? stopBudgetOf(shutdownTimeoutOf(definition as AnyAgentDefinition, options)),
  });
  try {
    handle = await starting;
  } catch (err) {
    // Configuration and connection problems are the operator's to fix: the message says what, a stack would only bury it.
    const text = err instanceof HiveError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`${definition.name}: ${text}\n`);
    process.exit(1);
  }
  return handle;
}
