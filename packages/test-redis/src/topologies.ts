/**
 * The two ways past one Redis, on loopback for tests: a Redis Cluster (N masters, slots split by
 * `redis-cli --cluster create`) and a Sentinel group (a master, its replicas, and Sentinels that
 * promote a replica when the master dies). Every process is a `startRedis` server, stopped by PID.
 * Commands go through `redis-cli`, so this package still needs no client library.
 */
import { execFile } from 'node:child_process';
import { freePort, startRedis, type RedisServer, type StartRedisOptions } from './server.js';

const CLI = process.env.REDIS_CLI_BIN ?? 'redis-cli';

/** Run `redis-cli -p <port> <args…>` on 127.0.0.1 and return its stdout (raw output, no formatting). */
export function redisCli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(CLI, ['-h', '127.0.0.1', '-p', String(port), '--raw', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')} on port ${port} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

async function until(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface StartClusterOptions {
  /** Masters; the 16,384 slots are split between them. @defaultValue 3 */
  masters?: number;
  /** Options for every node (AOF, extra args). */
  node?: StartRedisOptions;
}

export interface RedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…`, for the bus's drivers. */
  readonly url: string;
  readonly nodes: readonly RedisServer[];
  stop(): Promise<void>;
}

/** Start a Redis Cluster of `masters` masters (no replicas) on loopback, and wait until every node says the cluster is ok. */
export async function startCluster(opts: StartClusterOptions = {}): Promise<RedisCluster> {
  const n = opts.masters ?? 3;
  const node = opts.node ?? {};
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < n; i++) {
      // The cluster bus port is the client port + 10000 unless set: above 55535 that is no port at all
      // (redis-server exits 1), and below it may be taken. So a free one of its own (cluster-port, 7.0+).
      const busPort = await freePort();
      nodes.push(await startRedis({ ...node, args: ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', ...(node.args ?? [])] }));
    }
    await redisCli(nodes[0]!.port, '--cluster', 'create', ...nodes.map((s) => `127.0.0.1:${s.port}`), '--cluster-yes');
    for (const s of nodes) {
      await until(async () => (await redisCli(s.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), 30_000, `cluster node ${s.port} to report cluster_state:ok`);
    }
  } catch (err) {
    await Promise.all(nodes.map((s) => s.stop()));
    throw err;
  }
  return {
    url: `redis+cluster://${nodes.map((s) => `127.0.0.1:${s.port}`).join(',')}`,
    nodes,
    stop: async () => void (await Promise.all(nodes.map((s) => s.stop()))),
  };
}

export interface StartSentinelOptions {
  /** Replicas of the master. @defaultValue 1 */
  replicas?: number;
  /** Sentinels watching it (quorum: a majority). @defaultValue 3 */
  sentinels?: number;
  /** The master's name in Sentinel. @defaultValue "mymaster" */
  masterName?: string;
  /** How long the master may be silent before a Sentinel thinks it down. @defaultValue 1000 */
  downAfterMs?: number;
  /** Options for the master and replicas (AOF, extra args). */
  node?: StartRedisOptions;
}

export interface RedisSentinelGroup {
  /** `redis+sentinel://127.0.0.1:s1,…/<masterName>`, for the bus's drivers. */
  readonly url: string;
  readonly masterName: string;
  /** The first master, then its replicas; after a failover the master is whichever the Sentinels name. */
  readonly servers: readonly RedisServer[];
  readonly sentinels: readonly RedisServer[];
  /** The port of the master the Sentinels name now. */
  masterPort(): Promise<number>;
  /** Wait until the Sentinels name a master other than the one on `oldPort`, and it accepts writes. */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/** Start a master, its replicas and Sentinels on loopback; resolves once every Sentinel sees every replica. */
export async function startSentinel(opts: StartSentinelOptions = {}): Promise<RedisSentinelGroup> {
  const name = opts.masterName ?? 'mymaster';
  const node = opts.node ?? {};
  const nSentinels = opts.sentinels ?? 3;
  const quorum = Math.floor(nSentinels / 2) + 1;
  const servers: RedisServer[] = [];
  const sentinels: RedisServer[] = [];
  const stopAll = async () => {
    // Sentinels first, so none promotes a replica while the servers go down.
    await Promise.all(sentinels.map((s) => s.stop()));
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    const master = await startRedis(node);
    servers.push(master);
    for (let i = 0; i < (opts.replicas ?? 1); i++) {
      servers.push(await startRedis({ ...node, args: ['--replicaof', '127.0.0.1', String(master.port), ...(node.args ?? [])] }));
    }
    for (const r of servers.slice(1)) {
      await until(async () => (await redisCli(r.port, 'INFO', 'replication')).includes('master_link_status:up'), 30_000, `replica ${r.port} in sync`);
    }
    for (let i = 0; i < nSentinels; i++) {
      sentinels.push(
        await startRedis({
          sentinelConfig: [
            `sentinel monitor ${name} 127.0.0.1 ${master.port} ${quorum}`,
            `sentinel down-after-milliseconds ${name} ${opts.downAfterMs ?? 1_000}`,
            `sentinel failover-timeout ${name} 10000`,
            `sentinel parallel-syncs ${name} 1`,
            '',
          ].join('\n'),
        }),
      );
    }
    for (const s of sentinels) {
      await until(async () => {
        const info = await redisCli(s.port, 'INFO', 'sentinel');
        return new RegExp(`name=${name},status=ok,.*slaves=${servers.length - 1},sentinels=${nSentinels}`).test(info);
      }, 30_000, `sentinel ${s.port} to see the master, ${servers.length - 1} replica(s) and ${nSentinels} sentinels`);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const masterPort = async () => {
    const [, port] = (await redisCli(sentinels[0]!.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)).trim().split('\n');
    return Number(port);
  };
  return {
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${name}`,
    masterName: name,
    servers,
    sentinels,
    masterPort,
    async waitForFailover(oldPort, timeoutMs = 30_000) {
      let now = oldPort;
      await until(async () => {
        now = await masterPort();
        return now !== oldPort && (await redisCli(now, 'ROLE')).startsWith('master');
      }, timeoutMs, `the Sentinels to promote a replica in place of ${oldPort}`);
      return now;
    },
    stop: stopAll,
  };
}
