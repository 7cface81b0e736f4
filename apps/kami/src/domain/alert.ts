/** How an ops.alert reads on the owner's phone: one glanceable line, details below. */
import type { Payload } from '@hive/contracts';

export type OpsAlert = Payload<'ops.alert', 'ops.alert'>;

const ICONS: Readonly<Record<OpsAlert['severity'], string>> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };

/** The WhatsApp text for an alert, firing or resolved. */
export function alertText(alert: OpsAlert): string {
  const head =
    alert.status === 'resolved'
      ? `✅ Resolved: ${alert.summary}`
      : `${ICONS[alert.severity]} ${alert.severity.toUpperCase()} · ${alert.subject}: ${alert.summary}`;
  const details = Object.entries(alert.details ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
  return [head, ...details, `(${alert.check}, ${alert.at})`].join('\n');
}
