/**
 * Where Redis is, from one URL, for both drivers:
 *   redis://[user:password@]host:port[/db]             one Redis (rediss:// for TLS)
 *   redis+cluster://[user:password@]h1:p1,h2:p2        Redis Cluster: any reachable nodes; the rest is discovered
 *   redis+sentinel://[user:password@]h1:p1,h2:p2/name  the master `name` as the Sentinels at h1, h2, … report it
 * (`rediss+cluster://`, `rediss+sentinel://` with TLS). The credentials are the data nodes' (the ACL user);
 * the Sentinels themselves are reached without auth. A URL that is none of these is a ConfigError that
 * says what is wrong, with any password hidden.
 */
import { ConfigError } from '../errors.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

interface Auth {
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

export type RedisTopology =
  | ({ readonly kind: 'single'; readonly url: string } & Auth)
  | ({ readonly kind: 'cluster'; readonly nodes: readonly HostPort[] } & Auth)
  | ({ readonly kind: 'sentinel'; readonly sentinels: readonly HostPort[]; readonly name: string; readonly db: number } & Auth);

const SCHEME = /^(rediss?)(?:\+(cluster|sentinel))?:\/\/(.*)$/;

/** The URL with any password replaced by "***", for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?(?:\+(?:cluster|sentinel))?:\/\/[^:@/]*:)[^@]*@/, '$1***@');
}

function hostPorts(list: string, shown: string): HostPort[] {
  if (list === '') throw new ConfigError(`Redis URL "${shown}" names no host: give host:port[,host:port…]`, { url: shown });
  return list.split(',').map((item) => {
    const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(item);
    const port = Number(m?.[2] ?? '6379');
    if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConfigError(`Redis URL "${shown}": "${item}" is not host:port (a port is 1-65535)`, { url: shown, node: item });
    }
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/** Parse a Redis URL into where to connect (see the file comment); ConfigError naming what is wrong. */
export function parseRedisUrl(url: string): RedisTopology {
  const shown = redactUrl(url);
  const m = SCHEME.exec(url);
  if (!m) {
    throw new ConfigError(`Redis URL "${shown}" must start with redis://, rediss://, redis+cluster:// or redis+sentinel://`, { url: shown });
  }
  const tls = m[1] === 'rediss';
  const mode = m[2];
  if (mode === undefined) return { kind: 'single', url, tls };
  const rest = m[3]!;
  const at = rest.lastIndexOf('@');
  const creds = at >= 0 ? rest.slice(0, at) : '';
  const [hosts = '', ...path] = (at >= 0 ? rest.slice(at + 1) : rest).split('/');
  const colon = creds.indexOf(':');
  const username = decodeURIComponent(colon >= 0 ? creds.slice(0, colon) : creds);
  const password = colon >= 0 ? decodeURIComponent(creds.slice(colon + 1)) : undefined;
  const auth: Auth = { tls, ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}) };
  if (hosts.includes('?')) throw new ConfigError(`Redis URL "${shown}": query options are not supported`, { url: shown });
  const nodes = hostPorts(hosts, shown);
  if (mode === 'cluster') {
    if (path.some((p) => p !== '')) {
      throw new ConfigError(`Redis URL "${shown}": a cluster has only database 0, so no path after the hosts`, { url: shown });
    }
    return { kind: 'cluster', nodes, ...auth };
  }
  const [name = '', db = '0', ...extra] = path;
  if (name === '') throw new ConfigError(`Redis URL "${shown}" names no master: redis+sentinel://host:port[,host:port…]/<master name>[/db]`, { url: shown });
  if (!/^\d+$/.test(db) || extra.length > 0) throw new ConfigError(`Redis URL "${shown}": after the master name only a database number may follow`, { url: shown });
  return { kind: 'sentinel', sentinels: nodes, name: decodeURIComponent(name), db: Number(db), ...auth };
}

/** The ACL user a Redis URL names, "" for the default user (a URL with a password only, or none). */
export function redisUrlUser(url: string): string {
  const m = /^[a-z+]+:\/\/([^:@/]*)(?::[^@]*)?@/.exec(url);
  return decodeURIComponent(m?.[1] ?? '');
}
