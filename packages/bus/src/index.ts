/**
 * `@hive/bus`, the data plane: connect, publish, subscribe, request/reply, the envelope, errors and
 * types, plus what an agent's own storage needs (driver, keys, the Lua script kit). Operating the
 * bus (dead letters, replay, trims, the registry, groups and pending entries) is `@hive/bus/admin`.
 */
export { backoffMs } from './backoff.js';
export { createBus, type Bus, type BusOptions } from './bus.js';
export {
  DEFAULT_BLOCK_MS,
  DEFAULT_CLAIM_IDLE_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_DEAD_CONSUMER_MS,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type Handler,
  type HandlerContext,
  type HandlerResult,
  type IdempotencyOptions,
  type SubscribeOptions,
  type Subscription,
} from './subscribe-options.js';
export type { ContractDecodeResult, ContractRegistry, MessageContract, Partitioning } from './contracts.js';
export { createDriver, DEFAULT_DRIVER, DRIVER_KINDS, installedDriver, redactUrl, redisUrlUser } from './drivers/index.js';
export type { DriverKind, DriverOptions, PipelineResult, RedisArg, RedisDriver, Reply } from './drivers/index.js';
export { decodeEntry, encodeData, encodeFields, envelopeFields, fieldsToObject, HEADER_FIELD, DEFAULT_MAX_MESSAGE_BYTES, UNIQUE_FOR_MS, type DecodeResult, type Message } from './envelope.js';
export {
  ClosedError,
  ConfigError,
  DecodeError,
  DriverMissingError,
  errorMessage,
  HandlerTimeoutError,
  HiveError,
  isOutOfMemory,
  LegacyKeysError,
  RedisOutOfMemoryError,
  TimeoutError,
  UnrecoverableError,
  ValidationError,
  type HiveErrorCode,
} from './errors.js';
export { newMessageId } from './ids.js';
export { assertName, createKeys, DEFAULT_PREFIX, legacyKeyPatterns, legacyKeyTarget, legacyStreamKey, shardOf, shardStream, shardStreams, type Keys } from './keys.js';
export { createLogger, silentLogger, stderrDestination, type Logger } from './logger.js';
export { logicalStream, streamShards, type StreamPartitions } from './partitions.js';
export type { BusObserver, HandleOutcome } from './observer.js';
export type { IdempotentPublishOptions, OutgoingMessage, PublishOptions, PublishResult, ReplicateOptions } from './outgoing.js';
export { DEFAULT_PUBLISH_WINDOW_MS } from './outgoing.js';
export { DEFAULT_REPLICAS, DEFAULT_REPLICATION_TIMEOUT_MS, NotReplicatedError } from './replication.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retries.js';
export { loadScript, runScript, type LuaScript } from './scripts.js';
export { createBusMetrics, type BusMetrics, type BusMetricsOptions } from './metrics.js';
export { DEFAULT_HEARTBEAT_MS, DEFAULT_HEARTBEAT_TTL_MS, startHeartbeat, type Heartbeat, type HeartbeatOptions, type HeartbeatRecord } from './registry.js';
export { DEFAULT_REQUEST_TIMEOUT_MS, reply, type RequestOptions } from './request-reply.js';
