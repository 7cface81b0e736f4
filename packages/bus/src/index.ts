export { createBus, type Bus, type BusOptions } from './bus.js';
export {
  subscribe,
  DEFAULT_BLOCK_MS,
  DEFAULT_CLAIM_IDLE_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_DEAD_CONSUMER_MS,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  REDRIVE_POLL_MS,
  type Handler,
  type HandlerContext,
  type HandlerResult,
  type SubscribeOptions,
  type Subscription,
} from './consumer.js';
export type { ContractDecodeResult, ContractRegistry, MessageContract } from './contracts.js';
export * from './commands.js';
export {
  DEAD_LETTER_PREFIX,
  DEFAULT_DEAD_LETTER_MAX_LEN,
  deadLetterFields,
  deadLetterStreams,
  dropDeadLetters,
  getDeadLetter,
  listDeadLetters,
  parseDeadLetter,
  retryDeadLetters,
  writeDeadLetter,
  type DeadLetter,
  type DeadLetterAttempt,
  type DeadLetterInfo,
  type DeadLetterOutcome,
  type ListDeadLettersOptions,
} from './dead-letters.js';
export { createDriver, DEFAULT_DRIVER, DRIVER_KINDS, redactUrl } from './drivers/index.js';
export type { DriverKind, DriverOptions, PipelineResult, RedisArg, RedisDriver, Reply } from './drivers/index.js';
export { decodeEntry, encodeData, encodeFields, fieldsToObject, DEFAULT_MAX_MESSAGE_BYTES, type DecodeResult, type Message } from './envelope.js';
export * from './errors.js';
export { compareEntryIds, entryIdTime, newMessageId } from './ids.js';
export { assertName, createKeys, DEFAULT_PREFIX, type Keys } from './keys.js';
export { createLogger, silentLogger, type Logger } from './logger.js';
export type { BusObserver, HandleOutcome } from './observer.js';
export { prepareMessage, type OutgoingMessage, type PublishOptions, type PublishResult } from './publisher.js';
export { DEFAULT_RETRY_POLICY, retryDelayMs, retryPolicy, type RetryPolicy } from './retries.js';
export { runScript, SCRIPTS, type LuaScript } from './scripts.js';
export { createBusMetrics, type BusMetrics, type BusMetricsOptions } from './metrics.js';
export {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_HEARTBEAT_TTL_MS,
  listAgents,
  liveTopology,
  startHeartbeat,
  type AgentModelStatus,
  type AgentRecord,
  type AgentSkill,
  type Heartbeat,
  type HeartbeatOptions,
  type TopologyEdge,
} from './registry.js';
export {
  BASELINE_CAPABILITIES,
  capabilitiesFor,
  detectCapabilities,
  parseRedisVersion,
  versionAtLeast,
  type Capabilities,
  type RedisVersion,
} from './capabilities.js';
export {
  countEntries,
  groupRetention,
  nextEntryId,
  trimCommand,
  trimStream,
  type DroppedUnacked,
  type GroupRetention,
  type TrimOptions,
  type TrimResult,
} from './retention.js';
export {
  decodeWithContracts,
  entryIdBefore,
  positionToEntryId,
  replayIntoGroup,
  replayToHandler,
  type ReplayContext,
  type ReplayIntoGroupOptions,
  type ReplayIntoGroupResult,
  type ReplayPosition,
  type ReplayToHandlerOptions,
  type ReplayToHandlerResult,
} from './replay.js';
export {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_PUBLISH_WINDOW_MS,
  HandledMarks,
  handledMarksFor,
  type IdempotencyOptions,
  type IdempotentPublishOptions,
} from './idempotency.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  REPLY_READ_BLOCK_MS,
  REPLY_STREAM_MAX_LEN,
  REPLY_STREAM_NAME,
  REPLY_STREAM_TTL_MS,
  reply,
  Requester,
  type RequesterOptions,
  type RequestOptions,
} from './request-reply.js';
