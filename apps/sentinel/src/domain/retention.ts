/**
 * The retention check: a consumer group that holds a stream back from its retention. The janitor
 * trims every stream to its contract's window but never past the oldest entry some group has not
 * acked; a group that stopped acking (an agent removed from the network, or stuck) keeps everything
 * after that entry in Redis, and memory grows until someone acts. This says which group, how far
 * beyond the window, and what to do.
 */
import { entryIdTime } from '@hive/bus/admin';
import { formatRetention } from '@hive/contracts';
import type { Condition } from './checks.js';

/** One stream's trim, as the janitor saw it. */
export interface TrimOutcome {
  readonly stream: string;
  /** The stream's key (for the command the owner can run). */
  readonly key: string;
  /** The retention applied (scaled, in the soak). */
  readonly retention: { readonly maxAgeMs?: number | undefined; readonly maxLen?: number | undefined };
  /** Entries left after the trim. */
  readonly lengthAfter: number;
  /** The group whose oldest un-acked entry stopped the trim short, if one did. */
  readonly heldBackBy: { readonly group: string; readonly entryId: string; readonly reason: 'pending' | 'undelivered' } | null;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7_200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3_600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/**
 * A condition per group that holds its stream back beyond the retention by more than `grace`
 * (a share of the window or length: 0.25 lets a group run a quarter of the window late before it
 * counts), in stream order.
 */
export function heldBackConditions(outcomes: readonly TrimOutcome[], now: number, grace: number): Condition[] {
  const out: Condition[] = [];
  for (const o of outcomes) {
    const h = o.heldBackBy;
    if (!h) continue;
    const { maxAgeMs, maxLen } = o.retention;
    const ageMs = now - entryIdTime(h.entryId);
    const overAge = maxAgeMs !== undefined && ageMs > maxAgeMs * (1 + grace);
    const overLen = maxLen !== undefined && o.lengthAfter > maxLen * (1 + grace);
    if (!overAge && !overLen) continue;
    const state = h.reason === 'pending' ? 'delivered but never acked' : 'never read';
    const beyond = overLen
      ? `Redis keeps ${o.lengthAfter} entries of ${o.stream} (its retention: ${formatRetention(o.retention)})`
      : `entries of ${o.stream} older than its retention (${formatRetention(o.retention)}) stay in Redis`;
    out.push({
      alertId: `retention:${o.stream}:${h.group}`,
      check: 'other',
      severity: 'warning',
      subject: `${o.stream}/${h.group}`,
      summary:
        `${h.group} holds ${o.stream} back from trimming: its oldest unacked entry (${h.entryId}, ${ago(ageMs)} old) was ${state}, so ${beyond} and memory grows. ` +
        `If ${h.group} was removed from the network, delete its group: redis-cli XGROUP DESTROY ${o.key} ${h.group}. ` +
        `If it is stuck, restart it (hive pending ${o.stream} ${h.group} shows what it holds).`,
      recovery: `${h.group} no longer holds ${o.stream} back; it is trimmed to its retention again`,
      details: {
        problem: 'retention',
        stream: o.stream,
        group: h.group,
        entryId: h.entryId,
        reason: h.reason,
        ageSeconds: Math.round(ageMs / 1000),
        length: o.lengthAfter,
        ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
        ...(maxLen !== undefined ? { maxLen } : {}),
      },
    });
  }
  return out;
}
