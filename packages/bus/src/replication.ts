/**
 * Publishing that must not be lost at a failover (`publish(…, { replicate: true })`). Redis
 * replicates asynchronously: an XADD acknowledged by the master and not yet on a replica is gone
 * when Sentinel promotes that replica. With `replicate`, the publish resolves only once `replicas`
 * replicas hold the write (WAIT), or, on Redis 7.2+ with `aof`, once they have also written it to
 * their append-only files (WAITAOF); otherwise it rejects with a NotReplicatedError, the entry
 * written on the master but unconfirmed: publish again (with `idempotent` so that it is appended once).
 * WAIT holds the bus's shared connection until the replicas answer (or the timeout): it costs a
 * replication round trip per publish (BENCHMARKS.md). Not on Redis Cluster: WAIT has no key, so it
 * cannot be routed to the master that took the write.
 */
import { detectCapabilities, versionAtLeast } from './capabilities.js';
import { parseRedisUrl } from './drivers/url.js';
import { ConfigError, HiveError, isRedisError } from './errors.js';
import type { PublisherContext, ReplicateOptions } from './outgoing.js';

/** Replicas that must confirm a write. @defaultValue 1 */
export const DEFAULT_REPLICAS = 1;
/** How long a publish waits for them, ms. @defaultValue 1000 */
export const DEFAULT_REPLICATION_TIMEOUT_MS = 1_000;

/** A published entry that fewer replicas than asked confirmed in time: a failover now could lose it. */
export class NotReplicatedError extends HiveError<'NOT_REPLICATED'> {
  constructor(stream: string, entryId: string, acked: number, replicas: number, timeoutMs: number) {
    super(
      'NOT_REPLICATED',
      `entry ${entryId} on "${stream}" was written on the master but confirmed by ${acked} of ${replicas} replica(s) within ${timeoutMs} ms: publish it again (idempotent, so it is appended once)`,
      { details: { stream, entryId, acked, replicas, timeoutMs } },
    );
  }
}

/** The replicate option as numbers, or undefined when off; ConfigError for bad values or a cluster URL. */
export function replicateOptions(ctx: PublisherContext, option: boolean | ReplicateOptions | undefined): Required<ReplicateOptions> | undefined {
  if (!option) return undefined;
  const o = option === true ? {} : option;
  const r = { replicas: o.replicas ?? DEFAULT_REPLICAS, timeoutMs: o.timeoutMs ?? DEFAULT_REPLICATION_TIMEOUT_MS, aof: o.aof ?? false };
  if (!Number.isSafeInteger(r.replicas) || r.replicas < 1) throw new ConfigError(`replicate.replicas must be an integer >= 1, got ${r.replicas}`);
  if (!Number.isSafeInteger(r.timeoutMs) || r.timeoutMs < 1) throw new ConfigError(`replicate.timeoutMs must be a positive integer of ms, got ${r.timeoutMs}`);
  if (parseRedisUrl(ctx.driver.options.url).kind === 'cluster') {
    throw new ConfigError('replicate is not supported on Redis Cluster (WAIT cannot be routed to the master of the write): use Sentinel for streams that must not be lost');
  }
  return r;
}

/** Wait until the write before it is on `replicas` replicas; NotReplicatedError when fewer confirm in time. */
export async function confirmReplicated(ctx: PublisherContext, stream: string, entryId: string, o: Required<ReplicateOptions>): Promise<void> {
  let acked: number;
  const caps = await detectCapabilities(ctx.driver);
  if (o.aof && caps.version && versionAtLeast(caps.version, [7, 2, 0])) {
    // WAITAOF numlocal numreplicas timeout → [local, replicas]; numlocal 1 needs the master's own AOF on.
    const r = await ctx.driver.call(['WAITAOF', 1, o.replicas, o.timeoutMs]).catch((err: unknown) => {
      if (isRedisError(err, 'ERR WAITAOF cannot be used')) return ctx.driver.call(['WAITAOF', 0, o.replicas, o.timeoutMs]);
      throw err;
    });
    acked = Number((r as unknown[])[1]);
  } else {
    acked = Number(await ctx.driver.call(['WAIT', o.replicas, o.timeoutMs]));
  }
  if (acked < o.replicas) throw new NotReplicatedError(stream, entryId, acked, o.replicas, o.timeoutMs);
}
