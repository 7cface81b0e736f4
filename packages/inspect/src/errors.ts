import { HiveError } from '@hive/bus';

/** Why archivist's history cannot be read; `code` tells the cases apart without parsing the message. */
export type HistoryErrorCode = 'HISTORY_MISSING' | 'NOT_HISTORY' | 'SCHEMA_MISMATCH' | 'HISTORY_UNREADABLE';

/** The history database is missing, is something else, has another layout, or cannot be read. */
export class HistoryError extends HiveError<HistoryErrorCode> {}
