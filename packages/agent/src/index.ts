export {
  byChatId,
  defineAgent,
  type AgentContext,
  type AgentDefinition,
  type AgentHandler,
  type AgentHandlerContext,
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
export { hiveEnvSchema, LOG_LEVELS, parseEnv, type Env, type HiveEnv } from './env.js';
export { EnvConfigError, LlmError, ModelUnavailableError, type EnvProblem, type ModelUnavailableReason } from './errors.js';
export { DEFAULT_PROBE_TIMEOUT_MS, type Readiness } from './http-server.js';
export * from './llm/index.js';
export { followUpId, runAgent, startAgent, type AgentHandle, type StartAgentOptions } from './run-agent.js';
