/**
 * `@hive/bus/admin`, the admin plane (the CLI, the console, watchdogs): dead letters (list, show,
 * drop, retry), replay, safe trims, the registry of running agents, and the Redis commands that
 * inspect streams, groups and pending entries. Publishing and consuming are `@hive/bus`.
 */
export {
  deadLetterKeys,
  deadLetterStreams,
  dropDeadLetters,
  getDeadLetter,
  listDeadLetters,
  parseDeadLetter,
  retryDeadLetters,
  type DeadLetter,
  type DeadLetterOutcome,
  type ListDeadLettersOptions,
} from './dead-letter-admin.js';
export { deadLetterFields, ORIGINAL_FIELD, parseOriginal, type DeadLetterAttempt, type DeadLetterInfo } from './dead-letters.js';
export { replayIntoGroup, replayToHandler, type ReplayIntoGroupOptions, type ReplayIntoGroupResult, type ReplayPosition, type ReplayToHandlerOptions, type ReplayToHandlerResult } from './replay.js';
export { nextEntryId, trimStream, type DroppedUnacked, type GroupRetention, type TrimOptions, type TrimResult } from './retention.js';
export { migrateKeys, type KeyRename, type MigrateKeysResult } from './migrate-keys.js';
export { indexedAgents, indexedStreams, listAgents, liveTopology, type AgentRecord, type TopologyEdge } from './registry.js';
// A partitioned stream's shards, for the readers given its name (also in @hive/bus).
export { logicalStream, streamShards, type StreamPartitions } from './partitions.js';
export {
  parseStreamReads,
  scanKeys,
  xack,
  xadd,
  xinfoConsumers,
  xinfoGroups,
  xinfoStream,
  xpending,
  xpendingSummary,
  xrange,
  xreadgroup,
  xrevrange,
  type ConsumerInfo,
  type GroupInfo,
  type PendingEntry,
  type PendingQuery,
  type PendingSummary,
  type StreamEntry,
  type StreamInfo,
} from './commands.js';
export { compareEntryIds, entryIdTime } from './ids.js';
export { prepareMessage } from './outgoing.js';
