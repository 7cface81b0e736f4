/**
 * The calendar (days in HIVE_TZ) is @hive/agent's. This re-export stays only for
 * handlers/summary-request.ts, which imports addDays from here; point that import at '@hive/agent'
 * and delete this file.
 */
export { addDays } from '@hive/agent';
