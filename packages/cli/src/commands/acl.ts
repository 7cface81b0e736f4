/**
 * `hive acl`: per-agent Redis ACL users, generated from the topology (who reads and writes what),
 * so that an agent may append only to the streams it publishes and consume only those it reads.
 *
 * Every key pattern comes from the bus's own key layout (`createKeys`), so a change there changes
 * the ACLs with it. Redis 7 selectors carry the precision: a command is allowed when the user's
 * root rules or ONE selector allow the command together with all of its keys, so
 * `(%W~hive:s:{wa.outbound} +xadd)` lets box append to wa.outbound and nothing else there, while
 * `(~hive:s:{intent.classified} +xreadgroup …)` lets it consume intent.classified but not append to it.
 * Commands a Lua script runs are checked the same way, one by one, so the script selector (EVALSHA
 * on the keys the bus's scripts take) grants nothing the other selectors do not.
 *
 * What an agent may do, and why:
 *   root (no keys)    PING, HELLO, CLIENT SETNAME (the clients' handshake), INFO (the bus's version
 *                     detection, ioredis's ready check, BullMQ's version check), TIME (the
 *                     dead-letter script's clock)
 *   streams it reads  consume as its own group: XREADGROUP, XACK, XCLAIM, XAUTOCLAIM, XPENDING,
 *                     XINFO, XLEN, XGROUP CREATE/DELCONSUMER, and XRANGE (read-only: an entry as
 *                     written, replay to a handler); the same on its redrive stream
 *                     (dead letters retried to it), plus XDEL there; XADD (only) to its OWN
 *                     group's dead-letter streams (never another group's), HSET to their index of
 *                     groups, XLEN on every group's (metrics); its handled marks (ZSCORE, ZADD,
 *                     ZREMRANGEBYSCORE, PEXPIRE)
 *   streams it writes XADD (only); the idempotent-publish marks of those streams (GET, SET)
 *   scripts           EVALSHA/EVAL on exactly the keys above (dead-letter, renew-lease, mark-handled,
 *                     publish-once)
 *   registry          its own heartbeat record (SET, DEL)
 *   request/reply     its own reply streams (hive:reply:{<agent>}:*), and XADD (only) to its own reply
 *                     streams to the agents that write the streams it reads (hive:reply:{<writer>}:<agent>:*):
 *                     the only requests it can get. A requester reads only the reply streams of the
 *                     responders it asked, so no agent can answer in another's name.
 *   its own state     hive:data:{<agent>}:* (keys.dataPattern) with the data-structure commands
 *                     (strings, hashes, lists, sets, sorted sets, streams, scripts, transactions),
 *                     nothing dangerous
 * and, for the few agents whose needs the topology cannot express (ROLES below): the registry for
 * atlas and herald, the bus's metadata and the memory of every key for sentinel, and the janitor's
 * trims for sentinel alone (XTRIM on every stream, with the XRANGE and counting script the safe trim
 * plans with): no writer holds XTRIM on anything it writes.
 * Never: FLUSHALL/FLUSHDB, KEYS, CONFIG SET, DEBUG, SHUTDOWN, ACL, MONITOR, SCRIPT/FUNCTION FLUSH,
 * pub/sub channels, or any key outside the above.
 *
 * What ACLs cannot say: a group name. An agent that may consume a stream could XREADGROUP as
 * another agent's group on that same stream; it still cannot read any stream it does not consume.
 *
 * Besides the agents: `admin` (the CLI and operators: every Hive key, no dangerous command except
 * the read-only ones `hive` uses and ACL LOAD/DRYRUN), `backup` (BGREWRITEAOF and INFO, for
 * infra/backup.sh), and `default`, which may only PING (health checks) and nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertName, createKeys, DEFAULT_PREFIX, type RedisDriver } from '@hive/bus';
import { deriveTopology, type Topology, type TopologyAgent } from '@hive/contracts';
import { AgentDiscoveryError, loadDefinitions as loadAgentDefinitions } from '@hive/supervisor';
import { boolFlag, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, OperationError, UsageError } from '../errors.js';
import { table } from '../format.js';

// ---------------------------------------------------------------------------------------- model

/** What an agent needs beyond its streams, which its definition cannot say. */
export interface AgentRole {
  /** Extra key namespaces inside the prefix, besides its own `keys.dataPattern(agent)` (glob patterns). */
  readonly storage?: readonly string[];
  /** Reads the agent registry (SCAN + GET/MGET on `<prefix>agent:*`). */
  readonly registry?: boolean;
  /** Reads the bus's metadata: INFO, CONFIG GET, DBSIZE, SCAN, XINFO/XLEN/XPENDING of every stream and dead-letter stream, dead letters' contents, MEMORY USAGE of every key. */
  readonly observer?: boolean;
  /** Trims every stream to its retention: XTRIM, and XRANGE plus the counting script (EVALSHA) the safe trim plans with. */
  readonly janitor?: boolean;
}

/**
 * The agents whose needs go beyond their streams. Kept here, next to the rules they widen, and
 * kept short: everything else comes from the topology.
 */
export const ROLES: Readonly<Record<string, AgentRole>> = {
  // The help menu lists what the live agents can do: it reads their registry records.
  atlas: { registry: true },
  // The briefing asks only the agents alive in the registry (apps/herald/src/ask-sources.ts).
  herald: { registry: true },
  // Routing follows the intents the running agents declare in their records (apps/iris/src/live-intents.ts).
  iris: { registry: true },
  // The watchdog: heartbeats, lag, pending, dead letters, Redis memory and persistence settings;
  // and the janitor, which trims every stream to its contract's retention.
  sentinel: { registry: true, observer: true, janitor: true },
};

/** Bus key families (keys.ts) and BullMQ's: an agent named like one would own that whole family. */
const RESERVED_NAMES = new Set(['s', 'dlq', 'dlqg', 'redrive', 'seen', 'pubid', 'reply', 'agent', 'data', 'bull', 'admin', 'backup', 'default']);

/** Users that are not agents. */
export const ADMIN_USER = 'admin';
export const BACKUP_USER = 'backup';

/** One selector: key patterns and the commands allowed on them, and why. */
export interface AclSelector {
  readonly why: string;
  readonly rules: readonly string[];
}

/** One ACL user, before its password is known. */
export interface AclUserSpec {
  readonly name: string;
  readonly kind: 'default' | 'admin' | 'backup' | 'agent';
  /** Rules outside any selector: commands that take no key (and admin's key pattern). */
  readonly root: readonly string[];
  readonly selectors: readonly AclSelector[];
  /** For agents: what the rules were derived from. */
  readonly reads?: readonly string[];
  readonly writes?: readonly string[];
  /** Agents whose reply streams it may append to (it answers their requests). */
  readonly answers?: readonly string[];
  readonly role?: AgentRole;
}

const HANDSHAKE = ['+ping', '+hello', '+client|setname', '+info'];
/** Keyless commands the bus's scripts run: TIME (dead-letter-3.lua takes its ids after the clock). */
const SCRIPT_KEYLESS = ['+time'];

/** Commands on an agent's own state: the data structures, scripts and transactions; nothing keyless that matters. */
const DATA_COMMANDS = [
  '+@string', '+@hash', '+@list', '+@set', '+@sortedset', '+@stream', '+@bitmap', '+@hyperloglog', '+@geo', '+@transaction',
  '+del', '+unlink', '+exists', '+type', '+touch', '+expire', '+pexpire', '+expireat', '+pexpireat', '+ttl', '+pttl', '+persist',
  '+rename', '+renamenx', '+evalsha', '+eval', '+evalsha_ro', '+eval_ro',
  // SORT (with BY/GET patterns), PFDEBUG and the like: never.
  '-@dangerous', '-@admin',
];

const CONSUME_COMMANDS = [
  '+xreadgroup', '+xack', '+xclaim', '+xautoclaim', '+xpending', '+xinfo|stream', '+xinfo|groups', '+xinfo|consumers', '+xlen',
  '+xgroup|create', '+xgroup|delconsumer',
];

/** Escape Redis glob metacharacters in a literal part of a pattern. */
export function globLiteral(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** The ACL users for a topology: default, admin, backup, then one per agent, by name. */
export function aclUsers(topology: Pick<Topology, 'agents'>, prefix: string = DEFAULT_PREFIX, roles: Readonly<Record<string, AgentRole>> = ROLES): AclUserSpec[] {
  if (prefix !== '' && !prefix.endsWith(':')) throw new UsageError(`prefix "${prefix}" must end with ":"`, 'acl');
  const k = createKeys(globLiteral(prefix));
  const writersOf = new Map<string, Set<string>>();
  for (const a of topology.agents) for (const s of a.writes) (writersOf.get(s) ?? writersOf.set(s, new Set()).get(s)!).add(a.name);

  const users: AclUserSpec[] = [
    { name: 'default', kind: 'default', root: ['+ping'], selectors: [] },
    {
      name: ADMIN_USER,
      kind: 'admin',
      root: [
        `~${k.prefix}*`,
        '+@all', '-@dangerous', '-script|flush', '-function',
        // The read-only dangerous ones the CLI uses, and what `hive acl --check` and an ACL reload need.
        '+info', '+config|get', '+client|list', '+slowlog|get', '+acl|users', '+acl|getuser', '+acl|dryrun', '+acl|log', '+acl|load', '+acl|whoami',
      ],
      selectors: [],
    },
    { name: BACKUP_USER, kind: 'backup', root: ['+ping', '+info', '+bgrewriteaof', '+lastsave'], selectors: [] },
  ];

  for (const a of [...topology.agents].sort((x, y) => x.name.localeCompare(y.name))) {
    assertName('agent', a.name);
    if (RESERVED_NAMES.has(a.name)) throw new UsageError(`agent "${a.name}" has the name of a Redis key family or a built-in user; rename the agent`, 'acl');
    const n = a.name;
    const reads = sorted(a.reads);
    const writes = sorted(a.writes);
    // Who can request on a stream is who writes it (a request is a publish with replyTo): from what it
    // reads, never its own writes, since a reply (ctx.reply) is not a write to the request's stream.
    const answers = sorted(reads.flatMap((s) => [...(writersOf.get(s) ?? [])]).filter((w) => w !== n));
    const role = roles[n] ?? {};
    const root = [...HANDSHAKE, ...SCRIPT_KEYLESS];
    const selectors: AclSelector[] = [];
    const add = (why: string, keys: string[], commands: string[]) => {
      if (keys.length > 0) selectors.push({ why, rules: [...keys, ...commands] });
    };

    const streamKeys = reads.map((s) => `~${k.stream(s)}`);
    const redriveKeys = reads.map((s) => `~${k.redrive(s, n)}`);
    add('consume the streams it reads, and its redrive streams', [...streamKeys, ...redriveKeys], CONSUME_COMMANDS);
    add('delete what it handled from its redrive streams', redriveKeys, ['+xdel']);
    add('read the streams it consumes by id (replay, the raw entry as written)', reads.map((s) => `%R~${k.stream(s)}`), ['+xrange', '+xrevrange']);
    add('append its own dead letters (its group\'s, never another group\'s)', reads.map((s) => `%W~${k.deadLetters(s, n)}`), ['+xadd']);
    add('its group\'s newest dead-letter id in the index of groups with dead letters (unique ids across groups)', reads.map((s) => `~${k.deadLetterGroups(s)}`), ['+hset', '+hvals', '+hkeys']);
    add(
      'count the dead letters of the streams it reads (metrics)',
      reads.flatMap((s) => [`%R~${k.deadLetters(s, '*')}`, `%R~${k.sharedDeadLetters(s)}`]),
      ['+xlen'],
    );
    add('its handled marks (idempotent consumption)', reads.map((s) => `~${k.seen(s, n)}`), ['+zscore', '+zadd', '+zremrangebyscore', '+pexpire']);
    add('append to the streams it writes', writes.map((s) => `%W~${k.stream(s)}`), ['+xadd']);
    add('idempotent-publish marks of the streams it writes', writes.map((s) => `~${k.publishMark(s, '*')}`), ['+get', '+set']);
    add(
      "the bus's Lua scripts, on exactly those keys",
      [
        ...streamKeys, ...redriveKeys,
        ...reads.map((s) => `~${k.deadLetters(s, n)}`), ...reads.map((s) => `~${k.deadLetterGroups(s)}`), ...reads.map((s) => `~${k.seen(s, n)}`),
        ...writes.map((s) => `~${k.stream(s)}`), ...writes.map((s) => `~${k.publishMark(s, '*')}`),
      ],
      ['+evalsha', '+eval'],
    );
    add('its registry record (heartbeat)', [`~${k.agent(n, '*')}`], ['+set', '+del']);
    add('its own reply streams (bus.request), one per responder it asks', [`~${k.replies(n, '*', '*')}`], ['+xadd', '+xdel', '+xread', '+pexpire', '+del']);
    add(
      'answer requests: append to its OWN reply streams to the agents whose streams it reads (never another responder\'s)',
      answers.map((w) => `%W~${k.replies(w, n, '*')}`),
      ['+xadd'],
    );
    add('its own state', [`~${k.dataPattern(n)}`, ...(role.storage ?? []).map((p) => `~${k.prefix}${p}`)], DATA_COMMANDS);
    if (role.registry || role.observer) root.push('+scan');
    if (role.registry) add('read the agent registry', [`%R~${k.agentPattern()}`], ['+get', '+mget']);
    if (role.observer) {
      root.push('+config|get', '+dbsize');
      add('bus metadata of every stream', [`%R~${k.streamPattern()}`, `%R~${k.redrive('*', '*')}`], ['+xinfo|stream', '+xinfo|groups', '+xinfo|consumers', '+xlen', '+xpending', '+type']);
      add('every dead letter', [`%R~${k.deadLetterPattern()}`], ['+xinfo|stream', '+xlen', '+xrange', '+xrevrange', '+type']);
      add('the groups with dead letters of every stream', [`%R~${k.deadLetterGroups('*')}`], ['+hkeys', '+hvals']);
      add('the memory of every key (the largest key families, when Redis fills up)', [`%R~${k.prefix}*`], ['+memory|usage']);
    }
    if (role.janitor) {
      add('trim every stream to its retention (never past an entry a group has not acked)', [`%W~${k.streamPattern()}`], ['+xtrim']);
      add('find where each group\'s un-acked entries begin, and count entries to trim', [`%R~${k.streamPattern()}`], ['+xrange', '+xinfo|stream', '+xinfo|groups', '+xpending']);
      add('the counting script, on the streams', [`~${k.streamPattern()}`], ['+evalsha', '+eval']);
    }
    users.push({ name: n, kind: 'agent', root, selectors, reads, writes, answers, role });
  }
  return users;
}

/** The ACL-file line of one user; `password` undefined leaves the user off (nobody can log in as it). */
export function aclLine(user: AclUserSpec, password: string | undefined): string {
  const auth = user.kind === 'default' ? ['on', 'nopass'] : password === undefined ? ['off', 'resetpass'] : ['on', `#${sha256(password)}`];
  const selectors = user.selectors.map((s) => `(${s.rules.join(' ')})`);
  return ['user', user.name, ...auth, 'resetkeys', 'resetchannels', '-@all', ...user.root, ...selectors].join(' ');
}

/** The whole ACL file (Redis allows no comments in it: the why is in `hive acl --json` and infra/acl/README.md). */
export function aclFile(users: readonly AclUserSpec[], passwords: ReadonlyMap<string, string>): string {
  return `${users.map((u) => aclLine(u, passwords.get(u.name))).join('\n')}\n`;
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** The environment variable holding a user's password: HIVE_REDIS_PASSWORD_<NAME>. */
export function passwordVar(user: string): string {
  return `HIVE_REDIS_PASSWORD_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** A new password: 32 random bytes as hex, safe inside a URL. */
export function newPassword(): string {
  return randomBytes(32).toString('hex');
}

// ---------------------------------------------------------------------------------------- topology

/** The repository root this CLI belongs to (packages/cli/{src,dist}/commands/ → ../../../..). */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url));
}

/**
 * The agents' definitions, from the supervisor's discovery (the one list `npm start`, the host and
 * the topology use): each app's source when hive runs from source, its dist/ when hive runs
 * compiled (after `npm run build`).
 */
export async function loadDefinitions(root: string = repoRoot()): Promise<TopologyAgent[]> {
  try {
    return (await loadAgentDefinitions(root)) as TopologyAgent[];
  } catch (err) {
    if (err instanceof AgentDiscoveryError) throw new OperationError(`${err.message} (or pass --topology topology.json)`);
    throw err;
  }
}

/** A topology file (topology.json, as `topologyJson` writes it): its agents' reads and writes. */
export function readTopologyFile(file: string): Pick<Topology, 'agents'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--topology ${file}: ${(err as Error).message}`, 'acl');
  }
  const agents = (parsed as { agents?: unknown }).agents;
  const ok =
    Array.isArray(agents) &&
    agents.every((a: { name?: unknown; reads?: unknown; writes?: unknown }) => typeof a?.name === 'string' && Array.isArray(a.reads) && Array.isArray(a.writes));
  if (!ok) throw new UsageError(`--topology ${file}: expected {"agents": [{"name", "reads": [...], "writes": [...]}]}`, 'acl');
  return { agents: agents as Topology['agents'] };
}

// ---------------------------------------------------------------------------------------- secrets

/** KEY=value lines (comments and blanks skipped; optional quotes removed). */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out.set(m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return out;
}

interface Passwords {
  readonly byUser: Map<string, string>;
  /** Users without a password: they are written "off". */
  readonly missing: string[];
  /** Users whose password was generated now (and appended to the secrets file). */
  readonly generated: string[];
}

/** Each user's password: the environment first, then the secrets file; missing ones are generated into the file when there is one. */
function resolvePasswords(users: readonly AclUserSpec[], env: CommandContext['env'], secretsFile: string | undefined): Passwords {
  const file = secretsFile && existsSync(secretsFile) ? parseEnvFile(readFileSync(secretsFile, 'utf8')) : new Map<string, string>();
  const byUser = new Map<string, string>();
  const missing: string[] = [];
  const generated: string[] = [];
  const append: string[] = [];
  for (const u of users) {
    if (u.kind === 'default') continue;
    const v = passwordVar(u.name);
    const known = env[v] || file.get(v);
    if (known) {
      byUser.set(u.name, known);
    } else if (secretsFile) {
      const pw = newPassword();
      byUser.set(u.name, pw);
      generated.push(u.name);
      append.push(`${v}=${pw}`);
    } else missing.push(u.name);
  }
  if (secretsFile && append.length > 0) {
    mkdirSync(dirname(resolve(secretsFile)), { recursive: true });
    const before = existsSync(secretsFile) ? readFileSync(secretsFile, 'utf8') : '# Redis ACL passwords, one per user (hive acl). Keep this file secret; it is gitignored.\n';
    writeFileSync(secretsFile, `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${append.join('\n')}\n`, { mode: 0o600 });
    chmodSync(secretsFile, 0o600);
  }
  return { byUser, missing, generated };
}

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

// ---------------------------------------------------------------------------------------- verb

/** Per-agent env files for systemd's EnvironmentFile=: REDIS_URL with the agent's own user. */
function writeEnvDir(dir: string, users: readonly AclUserSpec[], passwords: ReadonlyMap<string, string>, host: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const u of users) {
    const pw = passwords.get(u.name);
    if (u.kind === 'default' || pw === undefined) continue;
    const file = join(dir, `${u.name}.env`);
    writeFileSync(file, `# ${u.name}'s Redis user (hive acl); secret.\nREDIS_URL=redis://${encodeURIComponent(u.name)}:${encodeURIComponent(pw)}@${host}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    written.push(file);
  }
  return written;
}

export const command: Command = {
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, ctx.verb);
    const topologyFile = stringFlag(ctx.args.values, 'topology');
    const secrets = stringFlag(ctx.args.values, 'secrets');
    const out = stringFlag(ctx.args.values, 'out');
    const envDir = stringFlag(ctx.args.values, 'env-dir');
    const host = stringFlag(ctx.args.values, 'redis-host') ?? '127.0.0.1:6379';
    const check = boolFlag(ctx.args.values, 'check');
    if (!/^[A-Za-z0-9.[\]:-]+:\d+$/.test(host)) throw new UsageError(`--redis-host "${host}" must be HOST:PORT`, ctx.verb);

    const topology = topologyFile ? readTopologyFile(topologyFile) : deriveTopology(await loadDefinitions());
    if (topology.agents.length === 0) throw new OperationError(topologyFile ? `${topologyFile} lists no agents` : `no agent definitions found under ${join(repoRoot(), 'apps')}`);
    const prefix = ctx.keys.prefix;
    const users = aclUsers(topology, prefix);
    const pw = resolvePasswords(users, ctx.env, secrets);

    if (check) {
      const rows = await checkLive(await ctx.redis(), users, pw.byUser, prefix);
      const bad = rows.filter((r) => r.status !== 'ok');
      if (ctx.json) ctx.printJson({ ok: bad.length === 0, users: rows });
      else {
        ctx.print(table(['user', 'status', 'problems'], rows.map((r) => [r.user, r.status, r.problems.length ? r.problems.join('; ') : '-'])));
        ctx.note(bad.length === 0 ? `the ACL at ${ctx.url} matches the topology (${users.length} users)` : `${bad.length} of ${rows.length} users differ from the topology`);
      }
      return bad.length === 0 ? EXIT_OK : EXIT_FAILED;
    }

    const text = aclFile(users, pw.byUser);
    if (out) {
      mkdirSync(dirname(resolve(out)), { recursive: true });
      // Hashes only, readable by the redis-server user (in a container: another uid).
      writeFileSync(out, text, { mode: 0o644 });
    }
    const envFiles = envDir ? writeEnvDir(envDir, users, pw.byUser, host) : [];
    if (ctx.json) {
      ctx.printJson({
        prefix,
        file: out ?? null,
        envFiles,
        generatedPasswords: pw.generated,
        usersWithoutPassword: pw.missing,
        users: users.map((u) => ({
          name: u.name,
          kind: u.kind,
          passwordVar: u.kind === 'default' ? null : passwordVar(u.name),
          ...(u.kind === 'agent' ? { reads: u.reads, writes: u.writes, answers: u.answers, role: u.role } : {}),
          root: u.root,
          selectors: u.selectors,
          line: aclLine(u, pw.byUser.get(u.name)),
        })),
      });
    } else if (!out) ctx.print(text.trimEnd());
    if (pw.generated.length > 0) ctx.note(`generated passwords for ${pw.generated.join(', ')} into ${secrets}`);
    if (pw.missing.length > 0) ctx.note(`no password for ${pw.missing.join(', ')} (set ${passwordVar(pw.missing[0]!)}…, or pass --secrets FILE to generate them): written "off"`);
    if (out) ctx.note(`wrote ${out}: ${users.length} users (${users.filter((u) => u.kind === 'agent').length} agents) for prefix "${prefix}"`);
    for (const f of envFiles) ctx.note(`wrote ${f}`);
    return EXIT_OK;
  },
};
