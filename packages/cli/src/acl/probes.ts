/**
 * `hive acl --check`: what the live Redis's users must and must not do, asked with ACL DRYRUN
 * (nothing runs), compared with the users the topology generates (rules.ts).
 */
import { createKeys, DEFAULT_PREFIX, type RedisDriver } from '@hive/bus';
import { passwordVar, sha256, type AclUserSpec } from './rules.js';

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

// ---------------------------------------------------------------------------------------- check

/** One expectation `--check` asks the live Redis about with ACL DRYRUN. */
export interface AclProbe {
  readonly user: string;
  readonly command: readonly string[];
  readonly allowed: boolean;
  readonly what: string;
}

/** Never allowed to any agent, or to admin. */
const FORBIDDEN: readonly (readonly string[])[] = [
  ['FLUSHALL'],
  ['FLUSHDB'],
  ['KEYS', '*'],
  ['CONFIG', 'SET', 'appendonly', 'no'],
  ['SHUTDOWN'],
  ['DEBUG', 'SLEEP', '0'],
  ['ACL', 'SETUSER', 'intruder', 'on', '>x', '+@all', '~*'],
  ['MONITOR'],
  ['SCRIPT', 'FLUSH'],
  ['CLUSTER', 'SETSLOT', '0', 'STABLE'],
];

/** What the live ACL must do for these users: each agent's streams in and out, its own state, and the forbidden commands. */
export function aclProbes(users: readonly AclUserSpec[], prefix: string = DEFAULT_PREFIX): AclProbe[] {
  const k = createKeys(prefix);
  const streams = sorted(users.flatMap((u) => [...(u.reads ?? []), ...(u.writes ?? [])]));
  const out: AclProbe[] = [];
  for (const u of users) {
    if (u.kind === 'default') {
      out.push({ user: u.name, command: ['PING'], allowed: true, what: 'PING' });
      out.push({ user: u.name, command: ['GET', k.agent('x', '0')], allowed: false, what: 'any key' });
      continue;
    }
    for (const f of FORBIDDEN) out.push({ user: u.name, command: f, allowed: false, what: f.slice(0, 2).join(' ') });
    if (u.kind === 'admin') {
      out.push({ user: u.name, command: ['SCAN', '0', 'MATCH', k.streamPattern()], allowed: true, what: 'SCAN' });
      for (const s of streams) out.push({ user: u.name, command: ['XRANGE', k.stream(s), '-', '+', 'COUNT', '1'], allowed: true, what: `read ${s}` });
      continue;
    }
    if (u.kind === 'backup') {
      out.push({ user: u.name, command: ['BGREWRITEAOF'], allowed: true, what: 'BGREWRITEAOF' });
      if (streams[0]) out.push({ user: u.name, command: ['XRANGE', k.stream(streams[0]), '-', '+'], allowed: false, what: `read ${streams[0]}` });
      continue;
    }
    // Key names are admin's to list: the registry readers and sentinel go through the indexes.
    out.push({ user: u.name, command: ['SCAN', '0'], allowed: false, what: 'SCAN' });
    // A cluster client's slot map, and nothing else of CLUSTER (rules.ts, CLUSTER_CLIENT).
    out.push({ user: u.name, command: ['CLUSTER', 'SLOTS'], allowed: true, what: 'CLUSTER SLOTS' });
    out.push({ user: u.name, command: ['CLUSTER', 'NODES'], allowed: false, what: 'CLUSTER NODES' });
    const reads = new Set(u.reads);
    const writes = new Set(u.writes);
    for (const s of streams) {
      out.push({ user: u.name, command: ['XADD', k.stream(s), '*', 'type', 'probe'], allowed: writes.has(s), what: `append to ${s}` });
      out.push({ user: u.name, command: ['XREADGROUP', 'GROUP', u.name, 'probe', 'COUNT', '1', 'STREAMS', k.stream(s), '>'], allowed: reads.has(s), what: `consume ${s}` });
      out.push({ user: u.name, command: ['XRANGE', k.stream(s), '-', '+'], allowed: reads.has(s) || u.role?.janitor === true, what: `read ${s} by id` });
      out.push({ user: u.name, command: ['XTRIM', k.stream(s), 'MINID', '=', '0-1'], allowed: u.role?.janitor === true, what: `trim ${s}` });
    }
    out.push({ user: u.name, command: ['SET', k.data(u.name, 'probe'), '1'], allowed: true, what: 'its own state' });
    out.push({ user: u.name, command: ['SET', k.agent(u.name, 'probe'), '{}'], allowed: true, what: 'its registry record' });
  }
  return out;
}

export interface CheckRow {
  user: string;
  status: 'ok' | 'missing' | 'off' | 'password differs' | 'permissions differ' | 'not in topology';
  problems: string[];
}

/** Compare the live Redis's users with the generated ones: existence, password, and every probe. */
export async function checkLive(redis: RedisDriver, users: readonly AclUserSpec[], passwords: ReadonlyMap<string, string>, prefix: string): Promise<CheckRow[]> {
  const live = new Set(((await redis.call(['ACL', 'USERS'])) as string[]).map(String));
  const probes = aclProbes(users, prefix);
  const rows: CheckRow[] = [];
  for (const u of users) {
    if (!live.has(u.name)) {
      rows.push({ user: u.name, status: 'missing', problems: ['no such user: load the ACL file (ACL LOAD, or restart Redis)'] });
      continue;
    }
    const info = pairs((await redis.call(['ACL', 'GETUSER', u.name])) as unknown[]);
    const flags = (info.get('flags') as string[] | undefined)?.map(String) ?? [];
    if (u.kind !== 'default' && !flags.includes('on')) {
      rows.push({ user: u.name, status: 'off', problems: ['the user is off: nobody can log in as it'] });
      continue;
    }
    const pw = passwords.get(u.name);
    const hashes = ((info.get('passwords') as string[] | undefined) ?? []).map(String);
    if (pw !== undefined && !hashes.includes(sha256(pw))) {
      rows.push({ user: u.name, status: 'password differs', problems: [`the live password is not ${passwordVar(u.name)}: regenerate the ACL file and load it`] });
      continue;
    }
    const problems: string[] = [];
    for (const p of probes.filter((x) => x.user === u.name)) {
      const r = await redis.call(['ACL', 'DRYRUN', u.name, ...p.command]).then(
        (v) => String(v),
        (err: unknown) => `error: ${(err as Error).message}`,
      );
      const allowed = r === 'OK';
      if (allowed !== p.allowed) problems.push(`${p.what}: ${p.allowed ? `refused (${r})` : 'allowed, should be refused'}`);
    }
    rows.push({ user: u.name, status: problems.length ? 'permissions differ' : 'ok', problems });
  }
  const known = new Set(users.map((u) => u.name));
  for (const name of [...live].sort()) {
    if (!known.has(name)) rows.push({ user: name, status: 'not in topology', problems: ['a live user that the topology does not generate (a removed agent?)'] });
  }
  return rows;
}

function pairs(reply: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) m.set(String(reply[i]), reply[i + 1]);
  return m;
}

