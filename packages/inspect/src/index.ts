/** What an operator reads, shared by the `hive` CLI and the console. */
export { summarizeStreams, type StreamSummary, type SummarizeOptions } from './stream-summary.js';
export type { GroupState, Hop } from './hop.js';
export { traceConversation, ulidTime, ULID_SLACK_MS, type Trace, type TraceOptions } from './trace.js';
export {
  ftsQuery,
  historyDbPath,
  historyQuery,
  HISTORY_SCHEMA_VERSION,
  normalizeChat,
  openHistory,
  searchHistory,
  toHistoryRecord,
  type HistoryFilter,
  type HistoryRecord,
  type HistoryRow,
} from './history.js';
export { HistoryError, type HistoryErrorCode } from './errors.js';
