/**
 * The one place that builds Redis key names. Nothing else in Hive concatenates a key: everything
 * asks a `Keys` for it, so the prefix, the layout and the ACL patterns derived from it stay in step.
 *
 * Every key of one stream carries the stream's name as a hash tag (`{<stream>}`), so on Redis Cluster
 * they all live in one slot and every script (dead-letter-3, publish-once-2, redrive-dead-letter-2)
 * stays in one slot. The kind comes first, so ACL patterns stay simple (ACL globs read `{` `}` literally).
 *
 * Layout, with the default prefix `hive:`:
 *   hive:s:{<stream>}            the stream itself
 *   hive:dlq:{<stream>}:<group>  the dead letters of one group (only that group's agent may append)
 *   hive:dlqg:{<stream>}         the groups of a stream that have dead letters, each with its newest dead-letter id
 *                                (an index: no SCAN to find them; dead-letter ids unique across the groups)
 *   hive:dlq:{<stream>}          dead letters of every group, as Hive wrote them before they were kept
 *                                per group: still listed, retried and dropped, never written
 *   hive:redrive:{<stream>}:<group>  dead letters sent back to one group only
 *   hive:seen:{<stream>}:<group> message ids a group has handled (idempotency)
 *   hive:pubid:{<stream>}:<id>   idempotent-publish marks
 *   hive:reply:{<requester>}:<responder>:<instance>  the replies of one responder agent to one
 *                                requester instance (only that responder may append: the ACL); one slot
 *                                per requester, so an instance reads all its reply streams in one XREAD
 *   hive:agent:<name>:<instance> registry entry (heartbeat)
 *   hive:agents                  the registry's index: sorted set, `<name>:<instance>` → when its record expires (ms);
 *                                readers list agents from it, never by SCAN
 *   hive:streams                 the index of stream names (set), added to by each agent's registration
 *                                (a partitioned stream's shards, not its own name)
 *   hive:data:{<agent>}:<...>    an agent's own state (meals, expenses, reminders' BullMQ queues): one
 *                                slot per agent, so its multi-key scripts and BullMQ work on a cluster
 *
 * Partitioned streams: a stream whose contract declares `shards: N` (N > 1) is N physical streams,
 * `<stream>.0` … `<stream>.<N-1>` (`shardStream`), each a stream in its own right with its own hash
 * tag, so the shards spread over a cluster's masters, and everything above (dead letters, redrive,
 * marks, trims, the stream index, ACL patterns) is per shard: `hive:s:{wa.inbound.2}`,
 * `hive:dlq:{wa.inbound.2}:iris`. A stream with 1 shard (the default) keeps its one name, unchanged.
 * The shard of a message is `shardOf(partitionKey, N)`: FNV-1a of the key's UTF-8 bytes, mod N; one
 * key (a chat id) always lands on one shard, so its order is kept.
 *
 * Before hash tags (the "legacy" layout) the same keys had no braces: `hive migrate` renames them
 * (`legacyKeyTarget`), and a bus that finds a legacy stream of its contracts refuses to start.
 */
import { ConfigError } from './errors.js';

/** Default key prefix. */
export const DEFAULT_PREFIX = 'hive:';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws a ConfigError when a stream, group or agent name would make an ambiguous key. */
export function assertName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new ConfigError(
      `${kind} name "${name}" is invalid: use 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      { kind, name },
    );
  }
}

export interface Keys {
  readonly prefix: string;
  stream(stream: string): string;
  /** The dead letters of one group on one stream. */
  deadLetters(stream: string, group: string): string;
  /** The groups of `stream` that have (or had) dead letters: a hash, group → the id of its newest dead letter. */
  deadLetterGroups(stream: string): string;
  /** The shared dead-letter stream of `stream` written by earlier versions (read, retried, dropped; never written). */
  sharedDeadLetters(stream: string): string;
  redrive(stream: string, group: string): string;
  seen(stream: string, group: string): string;
  publishMark(stream: string, messageId: string): string;
  /** The reply stream on which `responder` answers the requests of `requester`'s instance `instance`. */
  replies(requester: string, responder: string, instance: string): string;
  agent(name: string, instance: string): string;
  /** The registry's index: a sorted set of `<name>:<instance>` scored by when the record expires (ms). */
  agentIndex(): string;
  /** The index of stream names (a set): the streams the registered agents read and write. */
  streamIndex(): string;
  /** A key of an agent's own state: `data(agent, 'chat', chatId)` → `hive:data:<agent>:chat:<chatId>`. */
  data(agent: string, ...parts: string[]): string;
  /** SCAN/ACL pattern matching every key of one agent's own state. */
  dataPattern(agent: string): string;
  /** SCAN pattern matching every stream key. */
  streamPattern(): string;
  /** SCAN pattern matching every dead-letter stream key. */
  deadLetterPattern(): string;
  /** SCAN pattern matching every registry entry. */
  agentPattern(): string;
  /** The stream name of a stream key, or undefined if the key is not one of ours. */
  streamName(key: string): string | undefined;
  /** The stream name of a dead-letter key (a group's or the shared one), or undefined if it is not one. */
  deadLetterStreamName(key: string): string | undefined;
  /**
   * The family of a key, as the SCAN pattern (or, for a stream, the key) covering the whole family:
   * `hive:s:{wa.inbound}`, `hive:seen:{intent.classified}:*`, `hive:data:{ledger}:*`; undefined outside the
   * prefix. For memory reports: what an operator can look at with `redis-cli --scan --pattern`.
   */
  family(key: string): string | undefined;
}

/** The family pattern of the part of a key after the prefix (see Keys.family). */
function familyOf(p: string, rest: string): string {
  const parts = rest.split(':');
  const [kind = '', first] = parts;
  switch (kind) {
    case 's':
      return parts.length === 2 ? `${p}${rest}` : `${p}${kind}:*`;
    case 'dlq':
      // A stream's shared dead letters (earlier versions) by its key; a group's, with the stream's other groups'.
      if (parts.length === 2) return `${p}${rest}`;
      return first !== undefined && parts.length > 2 ? `${p}${kind}:${first}:*` : `${p}${kind}:*`;
    case 'seen':
    case 'pubid':
    case 'data':
      return first !== undefined && parts.length > 2 ? `${p}${kind}:${first}:*` : `${p}${kind}:*`;
    default:
      return parts.length > 1 ? `${p}${kind}:*` : `${p}${rest}`;
  }
}

/** `{name}`: the hash tag that keeps every key of one stream (or agent) in one cluster slot. */
const tag = (name: string) => `{${name}}`;

/** The name inside the hash tag that opens `rest` (and, when `whole`, is all of it), else undefined. */
function tagged(rest: string, whole: boolean): string | undefined {
  const m = (whole ? /^\{([^{}:]+)\}$/ : /^\{([^{}:]+)\}(?::|$)/).exec(rest);
  return m?.[1];
}

/** Key kinds whose second part is a stream (or agent) name that the current layout wraps in a hash tag. */
const TAGGED_KINDS = ['s', 'dlq', 'dlqg', 'redrive', 'seen', 'pubid', 'reply', 'data'] as const;

/** SCAN patterns matching the keys of one kind in the legacy layout (no hash tag): `hive:s:[^{]*`. */
export function legacyKeyPatterns(prefix: string = DEFAULT_PREFIX): string[] {
  return TAGGED_KINDS.map((kind) => `${prefix}${kind}:[^{]*`);
}

/**
 * The current name of a key written in the legacy layout (`hive:seen:wa.inbound:vox` →
 * `hive:seen:{wa.inbound}:vox`), or undefined when the key is not a legacy key of ours (already
 * tagged, another kind, another prefix). What `hive migrate` renames, and nothing else.
 */
export function legacyKeyTarget(key: string, prefix: string = DEFAULT_PREFIX): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return undefined;
  const kind = rest.slice(0, colon);
  if (!(TAGGED_KINDS as readonly string[]).includes(kind)) return undefined;
  const after = rest.slice(colon + 1);
  if (after.startsWith('{')) return undefined;
  const end = after.indexOf(':');
  const name = end < 0 ? after : after.slice(0, end);
  if (!NAME.test(name)) return undefined;
  return `${prefix}${kind}:${tag(name)}${end < 0 ? '' : after.slice(end)}`;
}

/** The legacy (untagged) name of a stream's key, to detect data `hive migrate` has not moved yet. */
export function legacyStreamKey(stream: string, prefix: string = DEFAULT_PREFIX): string {
  return `${prefix}s:${stream}`;
}

/**
 * The name of shard `shard` of a stream split into `shards`: the stream itself when it has one
 * shard (no migration for unpartitioned streams), else `<stream>.<shard>`.
 */
export function shardStream(stream: string, shard: number, shards: number): string {
  if (!Number.isSafeInteger(shards) || shards < 1 || !Number.isSafeInteger(shard) || shard < 0 || shard >= shards) {
    throw new ConfigError(`shard ${shard} of ${shards} is out of range`, { stream, shard, shards });
  }
  return shards === 1 ? stream : `${stream}.${shard}`;
}

/** Every physical stream of a stream split into `shards`, shard 0 first. */
export function shardStreams(stream: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, i) => shardStream(stream, i, shards));
}

const utf8 = new TextEncoder();

/**
 * The shard of a partition key: 32-bit FNV-1a of its UTF-8 bytes, mod `shards`. Stable across
 * processes, versions and languages (what a foreign producer must compute to write the same shard).
 */
export function shardOf(partitionKey: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(partitionKey)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** Build the key layout for one prefix. The prefix must end with ":" or be empty. */
export function createKeys(prefix: string = DEFAULT_PREFIX): Keys {
  if (prefix !== '' && !prefix.endsWith(':')) {
    throw new ConfigError(`key prefix "${prefix}" must end with ":"`, { prefix });
  }
  const p = prefix;
  return {
    prefix: p,
    stream: (s) => `${p}s:${tag(s)}`,
    deadLetters: (s, g) => `${p}dlq:${tag(s)}:${g}`,
    deadLetterGroups: (s) => `${p}dlqg:${tag(s)}`,
    sharedDeadLetters: (s) => `${p}dlq:${tag(s)}`,
    redrive: (s, g) => `${p}redrive:${tag(s)}:${g}`,
    seen: (s, g) => `${p}seen:${tag(s)}:${g}`,
    publishMark: (s, id) => `${p}pubid:${tag(s)}:${id}`,
    replies: (requester, responder, instance) => `${p}reply:${tag(requester)}:${responder}:${instance}`,
    agent: (name, instance) => `${p}agent:${name}:${instance}`,
    agentIndex: () => `${p}agents`,
    streamIndex: () => `${p}streams`,
    data: (agent, ...parts) => [`${p}data:${tag(agent)}`, ...parts].join(':'),
    dataPattern: (agent) => `${p}data:${tag(agent)}:*`,
    streamPattern: () => `${p}s:{*}`,
    deadLetterPattern: () => `${p}dlq:{*`,
    agentPattern: () => `${p}agent:*`,
    streamName: (key) => (key.startsWith(`${p}s:`) ? tagged(key.slice(p.length + 2), true) : undefined),
    deadLetterStreamName: (key) => (key.startsWith(`${p}dlq:`) ? tagged(key.slice(p.length + 4), false) : undefined),
    family: (key) => (key.startsWith(p) ? familyOf(p, key.slice(p.length)) : undefined),
  };
}
