/**
 * The rules of `hive acl`: per-agent Redis ACL users, derived from the topology (who reads and writes
 * what), so that an agent may append only to the streams it publishes and consume only those it reads.
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
 *                     dead-letter script's clock); and what a cluster client sends (CLUSTER_CLIENT):
 *                     CLUSTER SLOTS (both clients' slot map, at connect and after a MOVED),
 *                     CLUSTER INFO (ioredis's ready check), ASKING (both, on an ASK redirect
 *                     while a slot migrates). Never the rest of CLUSTER (NODES, SETSLOT, RESET…).
 *   streams it reads  consume as its own group: XREADGROUP, XACK, XCLAIM, XAUTOCLAIM, XPENDING,
 *                     XINFO, XLEN, XGROUP CREATE/DELCONSUMER, and XRANGE (read-only: an entry as
 *                     written, replay to a handler); the same on its redrive stream
 *                     (dead letters retried to it), plus XDEL there; XADD (only) to its OWN
 *                     group's dead-letter streams (never another group's), HSET to their index of
 *                     groups, XLEN on every group's (metrics); its handled marks (ZSCORE, ZMSCORE,
 *                     ZADD, ZREMRANGEBYSCORE, PEXPIRE; ZRANGEBYSCORE and EXISTS for their check-from
 *                     boundary)
 *   streams it writes XADD (only); the idempotent-publish marks of those streams (GET, SET)
 *   scripts           EVALSHA/EVAL on exactly the keys above (dead-letter, renew-lease,
 *                     mark-and-ack, publish-once, check-from)
 *   registry          its own heartbeat record (SET, DEL), its entry in the registry's index (ZADD,
 *                     ZREM, ZREMRANGEBYSCORE) and its streams in the index of stream names (SADD)
 *   request/reply     its own reply streams (hive:reply:{<agent>}:*), and XADD (only) to its own reply
 *                     streams to the agents that write the streams it reads (hive:reply:{<writer>}:<agent>:*):
 *                     the only requests it can get. A requester reads only the reply streams of the
 *                     responders it asked, so no agent can answer in another's name.
 *   its own state     hive:data:{<agent>}:* (keys.dataPattern) with the data-structure commands
 *                     (strings, hashes, lists, sets, sorted sets, streams, scripts, transactions),
 *                     nothing dangerous
 * and, for the few agents whose needs the topology cannot express (ROLES below): the registry for
 * atlas, herald and iris (through its index: ZRANGE, then GET of each record), the bus's metadata
 * and the memory of the keys it can name for sentinel, and the janitor's trims for sentinel alone
 * (XTRIM on every stream, with the XRANGE and counting script the safe trim plans with): no writer
 * holds XTRIM on anything it writes.
 * Never: SCAN (no user but admin lists key names), FLUSHALL/FLUSHDB, KEYS, CONFIG SET, DEBUG,
 * SHUTDOWN, ACL, MONITOR, SCRIPT/FUNCTION FLUSH, pub/sub channels, or any key outside the above.
 *
 * What ACLs cannot say: a group name. An agent that may consume a stream could XREADGROUP as
 * another agent's group on that same stream; it still cannot read any stream it does not consume.
 *
 * Besides the agents: `admin` (the CLI and operators: every Hive key, no dangerous command except
 * the read-only ones `hive` uses and ACL LOAD/DRYRUN), `backup` (BGREWRITEAOF and INFO, for
 * infra/backup.sh), and `default`, which may only PING (health checks) and nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { assertName, createKeys, DEFAULT_PREFIX } from '@hive/bus';
import type { Topology } from '@hive/contracts';
import { UsageError } from '../errors.js';

// ---------------------------------------------------------------------------------------- model

/** What an agent needs beyond its streams, which its definition cannot say. */
export interface AgentRole {
  /** Extra key namespaces inside the prefix, besides its own `keys.dataPattern(agent)` (glob patterns). */
  readonly storage?: readonly string[];
  /** Reads the agent registry: ZRANGE of its index, GET (MGET, for earlier versions) of `<prefix>agent:*` (no SCAN). */
  readonly registry?: boolean;
  /** Reads the bus's metadata: INFO, CONFIG GET, DBSIZE, the index of stream names, XINFO GROUPS/CONSUMERS, XLEN, XPENDING of every stream, dead letters' counts, MEMORY USAGE of every key; and checks that acks in a group were the group's (handled marks, dead letters, through its script). */
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
const RESERVED_NAMES = new Set(['s', 'dlq', 'dlqg', 'redrive', 'seen', 'pubid', 'reply', 'agent', 'agents', 'streams', 'data', 'bull', 'admin', 'backup', 'default']);

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
/**
 * What ioredis 6's Cluster and node-redis 6's cluster client send beyond the handshake, read from
 * their sources and seen with MONITOR on a test cluster: CLUSTER SLOTS to learn the slot map (both;
 * at connect and again after a MOVED), CLUSTER INFO (ioredis's ready check: without it, never
 * ready), ASKING before a command sent on an ASK redirect (both; only while a slot migrates).
 * Neither sends CLUSTER SHARDS, COMMAND, or READONLY (no reads from replicas). test/acl-cluster.test.ts
 * shows each is needed. On one Redis they only fail: one file for every topology. Left out: CLIENT
 * SETINFO and node-redis's CLIENT MAINT_NOTIFICATIONS (both clients ignore their failure, and Redis
 * 7.0 refuses a rule naming a subcommand it does not know).
 */
export const CLUSTER_CLIENT = ['+cluster|slots', '+cluster|info', '+asking'];
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
export function aclUsers(
  topology: Pick<Topology, 'agents'> & { readonly streams?: readonly { readonly stream: string; readonly shards?: readonly string[] | undefined }[] },
  prefix: string = DEFAULT_PREFIX,
  roles: Readonly<Record<string, AgentRole>> = ROLES,
): AclUserSpec[] {
  if (prefix !== '' && !prefix.endsWith(':')) throw new UsageError(`prefix "${prefix}" must end with ":"`, 'acl');
  const k = createKeys(globLiteral(prefix));
  const writersOf = new Map<string, Set<string>>();
  for (const a of topology.agents) for (const s of a.writes) (writersOf.get(s) ?? writersOf.set(s, new Set()).get(s)!).add(a.name);
  // A partitioned stream is its shards, each a stream with its own keys: the rules name every shard.
  const shardsOf = new Map((topology.streams ?? []).flatMap((s) => (s.shards ? [[s.stream, s.shards] as const] : [])));
  const physical = (streams: readonly string[]) => sorted(streams.flatMap((s) => shardsOf.get(s) ?? [s]));

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
    // A reader of a split stream also reads its unsplit key: a group that read it before the split
    // drains what it still owes there (@hive/bus partitions.ts). Nothing writes it.
    const reads = sorted([...physical(a.reads), ...a.reads.filter((s) => shardsOf.has(s))]);
    const writes = physical(a.writes);
    // Who can request on a stream is who writes it (a request is a publish with replyTo): from what it
    // reads, never its own writes, since a reply (ctx.reply) is not a write to the request's stream.
    const answers = sorted(a.reads.flatMap((s) => [...(writersOf.get(s) ?? [])]).filter((w) => w !== n));
    const role = roles[n] ?? {};
    const root = [...HANDSHAKE, ...CLUSTER_CLIENT, ...SCRIPT_KEYLESS];
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
    add('its handled marks (idempotent consumption) and their check-from boundary', reads.map((s) => `~${k.seen(s, n)}`), ['+zscore', '+zmscore', '+zadd', '+zremrangebyscore', '+zrangebyscore', '+exists', '+pexpire']);
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
    add('its entry in the registry index (any agent can touch another\'s: it comes back on that agent\'s next beat)', [`~${k.agentIndex()}`], ['+zadd', '+zrem', '+zremrangebyscore']);
    add('the streams it reads and writes, into the index of stream names', [`~${k.streamIndex()}`], ['+sadd']);
    add('its own reply streams (bus.request), one per responder it asks', [`~${k.replies(n, '*', '*')}`], ['+xadd', '+xdel', '+xread', '+pexpire', '+del']);
    add(
      'answer requests: append to its OWN reply streams to the agents whose streams it reads (never another responder\'s)',
      answers.map((w) => `%W~${k.replies(w, n, '*')}`),
      ['+xadd'],
    );
    add('its own state', [`~${k.dataPattern(n)}`, ...(role.storage ?? []).map((p) => `~${k.prefix}${p}`)], DATA_COMMANDS);
    if (role.registry) {
      add('list the agent registry through its index (no SCAN)', [`%R~${k.agentIndex()}`], ['+zrange']);
      add('read the agent registry records', [`%R~${k.agent('*', '*')}`], ['+get', '+mget']);
    }
    if (role.observer) {
      root.push('+config|get', '+dbsize');
      add('the index of stream names (no SCAN)', [`%R~${k.streamIndex()}`], ['+smembers']);
      // XINFO STREAM is the janitor's (below): its reply carries the first and last entries.
      add('bus metadata of every stream', [`%R~${k.streamPattern()}`, `%R~${k.redrive('*', '*')}`], ['+xinfo|groups', '+xinfo|consumers', '+xlen', '+xpending', '+type']);
      add('count every group\'s dead letters (never read them)', [`%R~${k.deadLetters('*', '*')}`, `%R~${k.deadLetterPattern()}`], ['+xlen', '+type']);
      add('the groups with dead letters of every stream', [`%R~${k.deadLetterGroups('*')}`], ['+hkeys', '+hvals']);
      add('the memory of every key it can name (the largest key families, when Redis fills up)', [`%R~${k.prefix}*`], ['+memory|usage']);
      add(
        'check that entries acked in a group were handled or dead-lettered by it: its script, which returns entry ids only',
        // EVAL's keys count as written: the commands inside are checked one by one, and may only read.
        [`~${k.streamPattern()}`, `~${k.seen('*', '*')}`, `~${k.deadLetters('*', '*')}`],
        ['+evalsha', '+eval'],
      );
      add('inside that script: the handled marks, the dead letters\' entry ids', [`%R~${k.seen('*', '*')}`, `%R~${k.deadLetters('*', '*')}`], ['+exists', '+zscore', '+xrevrange']);
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

