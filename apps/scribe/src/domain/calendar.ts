/** Scribe's list periods as day ranges; the calendar itself (days in HIVE_TZ) is @hive/agent's. */
import { addDays, mondayOf } from '@hive/agent';

/** The inclusive range of days a list period covers ("week": Monday to today); none for no period. */
export function periodRange(period: 'today' | 'yesterday' | 'week' | undefined, today: string): { from?: string; to?: string } {
  if (period === 'today') return { from: today, to: today };
  if (period === 'yesterday') {
    const y = addDays(today, -1);
    return { from: y, to: y };
  }
  if (period === 'week') return { from: mondayOf(today), to: today };
  return {};
}
