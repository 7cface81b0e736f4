/**
 * sentinel's memory, in Redis under its own keys so that a restart (or a second instance) carries
 * on where it left: the alerts in force, and every agent ever seen with its last heartbeat.
 *
 *   <prefix>data:{sentinel}:alerts   HASH alertId → StoredAlert JSON
 *   <prefix>data:{sentinel}:known    HASH agent name → last seen (ms)
 */
import type { Bus } from '@hive/agent';
import type { StoredAlert } from './domain/alerts.js';

export interface AlertState {
  alerts(): Promise<Map<string, StoredAlert>>;
  save(alert: StoredAlert): Promise<void>;
  forget(alertId: string): Promise<void>;
  known(): Promise<Map<string, number>>;
  saveKnown(known: ReadonlyMap<string, number>): Promise<void>;
}

/** The state on the bus's driver. */
export function createAlertState(bus: Pick<Bus, 'driver' | 'keys'>, agent = 'sentinel'): AlertState {
  const alertsKey = bus.keys.data(agent, 'alerts');
  const knownKey = bus.keys.data(agent, 'known');
  const { driver } = bus;
  const pairs = (r: unknown): [string, string][] => {
    const a = Array.isArray(r) ? r.map(String) : [];
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
    return out;
  };
  return {
    async alerts() {
      const out = new Map<string, StoredAlert>();
      for (const [id, json] of pairs(await driver.call(['HGETALL', alertsKey]))) {
        try {
          out.set(id, JSON.parse(json) as StoredAlert);
        } catch {
          // A corrupt entry would otherwise block its alert forever: drop it, the condition re-fires if it still holds.
          await driver.call(['HDEL', alertsKey, id]);
        }
      }
      return out;
    },
    async save(alert) {
      await driver.call(['HSET', alertsKey, alert.alertId, JSON.stringify(alert)]);
    },
    async forget(alertId) {
      await driver.call(['HDEL', alertsKey, alertId]);
    },
    async known() {
      const out = new Map<string, number>();
      for (const [name, ms] of pairs(await driver.call(['HGETALL', knownKey]))) {
        const n = Number(ms);
        if (Number.isFinite(n)) out.set(name, n);
      }
      return out;
    },
    async saveKnown(known) {
      if (known.size === 0) return;
      await driver.call(['HSET', knownKey, ...[...known].flatMap(([k, v]) => [k, String(v)])]);
    },
  };
}
