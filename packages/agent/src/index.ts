export {
  byChatId,
  defineAgent,
  type AgentContext,
  type AgentDefinition,
  type AgentHandler,
  type AgentHandlerContext,
  type AgentSkill,
  type IntentDeclaration,
  type OfflineIntentRule,
  type AgentMessage,
  type AgentScope,
  type AnyAgentDefinition,
  type HandlerReturn,
  type Outgoing,
  type OutgoingReply,
  type Publish,
  type Reads,
  type Reply,
  type Route,
  type StartContext,
  type StreamOptions,
} from './define-agent.js';
export {
  addDays,
  assertTimeZone,
  dayIn,
  dayNumber,
  InvalidTimeZoneError,
  isTimeZone,
  mondayOf,
  offsetMinutes,
  shortDate,
  startOfDay,
  wallClock,
  weekdayName,
  weekdayOf,
  type WallClock,
} from './calendar.js';
export { CURRENCY_SIGNS, CURRENCY_WORDS, currencyNamed } from './currencies.js';
export { envInt, hiveEnvSchema, hiveTimeZone, LOG_LEVELS, parseEnv, type Env, type HiveEnv } from './env.js';
export { AgentNotStartedError, EnvConfigError, LlmError, ModelUnavailableError, type AgentErrorCode, type EnvProblem, type ModelUnavailableReason } from './errors.js';
export {
  DEFAULT_PROBE_TIMEOUT_MS,
  startHttpHost,
  type AgentEndpoints,
  type AgentHealth,
  type AgentHttpServer,
  type HttpHost,
  type HttpHostOptions,
  type ProcessStatus,
  type Readiness,
} from './http-server.js';
export { assessLiveness, livenessLimits, type Liveness, type LivenessLimits, type LivenessOptions, type LoopState, type RunningHandler } from './liveness.js';
export * from './llm/index.js';
export { CENSORED, createRedactingLogger, redactValue, sanitizeText, sanitizeUrl } from './redacting-logger.js';
export { EXIT_UNCAUGHT, runUntilStopped, type RunUntilStoppedOptions } from './process-lifecycle.js';
export { entityNumber, entityText, type Entities } from './entities.js';
export { NUMBER_WORDS, wordsPattern } from './number-words.js';
export { derivedId } from './derived-id.js';
export { withTimeout } from './with-timeout.js';
export { deferredOnce, READ_AHEAD_DELAY_MS, type DeferredOnce } from './deferred-once.js';
export { durableWal, syncWal, type DurableWal, type DurableWalOptions, type WalDatabase } from './durable-wal.js';
export { jsonReply, stringReplies } from './store-replies.js';
export { summaryReply, summaryRequestFor, type SummaryContext, type SummaryRequest } from './summary-request.js';
export { setupValue, type SetupValue, type StoreDeps } from './setup-value.js';
export { chatReply, type ClassifiedMessage } from './chat-reply.js';
export { followUpId } from './agent-handler.js';
export { runAgent, startAgent, type AgentHandle, type SharedServices, type StartAgentOptions } from './run-agent.js';
export { devAgent, type DevAgentOptions } from './dev-agent.js';

// What the apps need of the bus, re-exported so that an app imports @hive/agent only (eslint.config.js
// holds them to it). A deliberate list, not `export *`: add a name when an app needs it. The bus's
// driver `Reply` is `RedisReply` here, since an agent's `Reply` is its answer to a chat.
export {
  assertName,
  backoffMs,
  ConfigError,
  createDriver,
  createKeys,
  decodeEntry,
  DEFAULT_DRIVER,
  DEFAULT_HEARTBEAT_TTL_MS,
  DEFAULT_PREFIX,
  envelopeFields,
  errorMessage,
  fieldsToObject,
  HiveError,
  loadScript,
  redactUrl,
  runScript,
  TimeoutError,
  UnrecoverableError,
  type Bus,
  type DriverKind,
  type Keys,
  type Logger,
  type Message,
  type PublishOptions,
  type PublishResult,
  type RedisDriver,
  type Reply as RedisReply,
} from '@hive/bus';
// The registry (atlas, herald and iris list the live agents).
export { listAgents } from '@hive/bus/admin';
