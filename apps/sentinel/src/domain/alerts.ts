/**
 * Deduplication: an alert fires once when its condition appears and resolves once when it clears.
 * The alerts in force are kept (in Redis, by the caller) with whether the owner was told yet, so a
 * restarted sentinel neither repeats an alert nor forgets to resolve one; a notice that failed to
 * go out is sent again on the next poll under the same message id (published idempotently).
 */
import { createHash } from 'node:crypto';
import type { Condition } from './checks.js';

/** An alert in force, as stored between polls. */
export interface StoredAlert extends Condition {
  /** When it started firing (ISO). */
  readonly since: string;
  /** Whether the firing notice has gone out. */
  readonly notified: boolean;
}

export interface Plan {
  /** Firing notices to send (new alerts, and earlier ones whose notice did not go out). */
  readonly fire: readonly StoredAlert[];
  /** Alerts whose condition has cleared: a resolved notice each (only if their firing one went out), then forget them. */
  readonly resolve: readonly StoredAlert[];
}

/** What to send, given the alerts in force and the conditions that hold now. */
export function plan(stored: ReadonlyMap<string, StoredAlert>, conditions: readonly Condition[], now: Date): Plan {
  const fire: StoredAlert[] = [];
  const holding = new Set<string>();
  for (const c of conditions) {
    if (holding.has(c.alertId)) continue;
    holding.add(c.alertId);
    const s = stored.get(c.alertId);
    if (!s) fire.push({ ...c, since: now.toISOString(), notified: false });
    else if (!s.notified) fire.push(s);
  }
  const resolve = [...stored.values()].filter((s) => !holding.has(s.alertId));
  return { fire, resolve };
}

/** The message id of an alert's notice: the same for every attempt, so a repeat publish is a no-op. */
export function noticeId(alert: Pick<StoredAlert, 'alertId' | 'since'>, status: 'firing' | 'resolved'): string {
  return `alert_${createHash('sha256').update(`${alert.alertId}\u0000${alert.since}\u0000${status}`).digest('base64url').slice(0, 24)}`;
}

/** The contract's alert id: the condition's id, kept to the 128 characters a record id may have. */
export function contractAlertId(alertId: string): string {
  if (alertId.length <= 128) return alertId;
  return `${alertId.slice(0, 100)}~${createHash('sha256').update(alertId).digest('base64url').slice(0, 27)}`;
}

/** The ops.alert payload announcing an alert. */
export function firingPayload(a: StoredAlert, at: Date) {
  return {
    alertId: contractAlertId(a.alertId),
    status: 'firing' as const,
    severity: a.severity,
    check: a.check,
    subject: a.subject,
    summary: a.summary,
    details: { ...a.details, since: a.since },
    at: at.toISOString(),
  };
}

/** The ops.alert payload announcing that an alert's cause has cleared (`summary` overrides the condition's recovery line). */
export function resolvedPayload(a: StoredAlert, at: Date, summary: string = a.recovery) {
  const lastedS = Math.max(0, Math.round((at.getTime() - Date.parse(a.since)) / 1000));
  return {
    alertId: contractAlertId(a.alertId),
    status: 'resolved' as const,
    severity: 'info' as const,
    check: a.check,
    subject: a.subject,
    summary,
    details: { since: a.since, lastedSeconds: lastedS },
    at: at.toISOString(),
  };
}
