/**
 * What the connected Redis can do, detected once per driver from `INFO server` and cached. The bus
 * runs on Redis 6.2+ and never requires more; newer commands are used only where the server has them.
 */
import type { RedisDriver } from './drivers/driver.js';
import { errorMessage } from './errors.js';

/** A server version as [major, minor, patch]. */
export type RedisVersion = readonly [number, number, number];

export interface Capabilities {
  /** `redis_version` from INFO server; undefined when INFO was refused (e.g. an ACL user without it). */
  readonly version: RedisVersion | undefined;
  /** `XTRIM … ACKED` (Redis 8.2+): trim only entries every group has read and acked. */
  readonly xtrimAcked: boolean;
  /** Why detection fell back to the conservative defaults, if it did. */
  readonly detectionError?: string;
}

/** Capabilities assumed when the version is unknown: the Redis 6.2 baseline. */
export const BASELINE_CAPABILITIES: Capabilities = { version: undefined, xtrimAcked: false };

/** The `redis_version` of an INFO reply, or undefined when it has none. */
export function parseRedisVersion(info: string): RedisVersion | undefined {
  const m = /^redis_version:(\d+)\.(\d+)(?:\.(\d+))?/m.exec(info);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** True when `v` is at least `min`. */
export function versionAtLeast(v: RedisVersion, min: RedisVersion): boolean {
  for (let i = 0; i < 3; i++) {
    if (v[i]! !== min[i]!) return v[i]! > min[i]!;
  }
  return true;
}

/** What a server of this version supports. */
export function capabilitiesFor(version: RedisVersion | undefined): Capabilities {
  if (!version) return BASELINE_CAPABILITIES;
  return { version, xtrimAcked: versionAtLeast(version, [8, 2, 0]) };
}

const cache = new WeakMap<RedisDriver, Promise<Capabilities>>();

/**
 * The capabilities of the server behind `driver`, asked once and cached for the driver's lifetime.
 * Never rejects: a server that refuses INFO gets the baseline (and the reason in `detectionError`).
 */
export function detectCapabilities(driver: RedisDriver): Promise<Capabilities> {
  let p = cache.get(driver);
  if (!p) {
    p = driver.call(['INFO', 'server']).then(
      (reply) => capabilitiesFor(parseRedisVersion(String(reply))),
      (err: unknown) => {
        // Not cached: a transient failure (Redis still starting) should not pin the baseline forever.
        cache.delete(driver);
        return { ...BASELINE_CAPABILITIES, detectionError: errorMessage(err) };
      },
    );
    cache.set(driver, p);
  }
  return p;
}
