/**
 * The command-line surface: every verb with its usage, flags and examples. Help is rendered from
 * here, and parsing uses the same flag specs, so the two cannot drift. The verbs' code is loaded
 * only when a verb runs, which keeps `hive --help` and usage errors fast (no Redis client loaded).
 */
import type { OptionSpecs } from './args.js';
import type { Command } from './command.js';

export interface VerbSpec {
  readonly name: string;
  readonly summary: string;
  /** Synopsis lines, without the leading "hive ". */
  readonly usage: readonly string[];
  /** Paragraph lines shown under the synopsis. */
  readonly description?: readonly string[];
  readonly options: OptionSpecs;
  readonly examples: readonly string[];
  /** The verb's implementation, loaded on demand. */
  readonly load: () => Promise<Command>;
}

/** Flags every verb accepts. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  redis: { type: 'string', value: 'URL', description: 'Redis URL, redis:// or rediss:// (TLS); overrides env REDIS_URL. Default: the npm start network\'s Redis when one runs from this checkout, else redis://127.0.0.1:6379' },
  prefix: { type: 'string', value: 'PREFIX', description: 'key prefix, ending in ":"; default env HIVE_PREFIX, else "hive:"' },
  driver: { type: 'string', value: 'NAME', description: 'Redis client: ioredis | node-redis; default env HIVE_DRIVER, else node-redis' },
  json: { type: 'boolean', description: 'print one JSON document (JSON lines for tail --follow); errors go to stderr as JSON' },
  help: { type: 'boolean', short: 'h', description: 'show help for hive or for the verb' },
};

const count = (what: string, dflt: string) => ({ type: 'string', value: 'N', description: `${what} (default ${dflt})` }) as const;

export const VERBS: readonly VerbSpec[] = [
  {
    name: 'streams',
    summary: 'every stream: length, groups, consumers, pending, lag, dead letters',
    usage: ['streams'],
    description: [
      'LAG is the largest number of entries any group has not read yet ("?" when Redis cannot tell, after deletions).',
      'PENDING counts entries delivered but not acked, over all groups. DLQ is the length of the stream\'s dead-letter stream.',
    ],
    options: {},
    examples: ['hive streams', 'hive streams --json | jq \'.[] | select(.deadLetters > 0) | .stream\''],
    load: () => import('./commands/streams.js').then((m) => m.command),
  },
  {
    name: 'groups',
    summary: 'the consumer groups of a stream and their consumers',
    usage: ['groups <stream>'],
    options: {},
    examples: ['hive groups wa.inbound', 'hive groups intent.classified --json'],
    load: () => import('./commands/groups.js').then((m) => m.command),
  },
  {
    name: 'pending',
    summary: 'entries a group has been delivered but not acked',
    usage: ['pending <stream> <group> [--consumer NAME] [--min-idle DURATION] [--count N]'],
    options: {
      consumer: { type: 'string', value: 'NAME', description: 'only entries held by this consumer' },
      'min-idle': { type: 'string', value: 'DURATION', description: 'only entries idle at least this long, e.g. 30s, 5m' },
      count: count('most entries to list', '100'),
    },
    examples: ['hive pending wa.inbound iris', 'hive pending wa.inbound iris --min-idle 5m --json'],
    load: () => import('./commands/pending.js').then((m) => m.command),
  },
  {
    name: 'tail',
    summary: 'print a stream\'s entries; --follow waits for new ones',
    usage: ['tail <stream> [--from POSITION] [--count N] [--follow]'],
    description: [
      'Without --from, prints the last --count entries. With --from, prints the entries from there on (at most --count if given).',
      'POSITION is an entry id (1700000000000-0), a time ago (30s, 10m, 2h, 1d), an ISO date (2025-01-31T08:00:00Z), "start" or "end".',
      'Entries that are not Hive messages are printed with the reason. Stop --follow with Ctrl-C (exit 0).',
    ],
    options: {
      from: { type: 'string', value: 'POSITION', description: 'start at this entry id, time ago or date' },
      count: count('entries to print', '10 without --from, all with it'),
      follow: { type: 'boolean', short: 'f', description: 'keep printing new entries as they arrive (XREAD BLOCK)' },
    },
    examples: ['hive tail wa.inbound', 'hive tail wa.inbound --from 10m', 'hive tail wa.inbound -f --json | jq .data', 'hive tail ops.alert --from 2025-01-31 --count 50'],
    load: () => import('./commands/tail.js').then((m) => m.command),
  },
  {
    name: 'publish',
    summary: 'publish one message, validated against its contract',
    usage: ['publish <stream> <type> <json | -> [--id ID] [--corr ID] [--cause ID] [--src NAME] [--unchecked]'],
    description: [
      'The payload is JSON ("-" reads it from stdin). It is validated against the @hive/contracts catalogue when there is one:',
      'an unknown type or an invalid payload is a usage error (exit 2) that says what is wrong, and nothing is published.',
    ],
    options: {
      id: { type: 'string', value: 'ID', description: 'message id, the idempotency key (default: a new ULID)' },
      corr: { type: 'string', value: 'ID', description: 'correlation id (default: the message id)' },
      cause: { type: 'string', value: 'ID', description: 'id of the message this one answers' },
      src: { type: 'string', value: 'NAME', description: 'producer name written into src (default "cli")' },
      unchecked: { type: 'boolean', description: 'skip contract validation (for testing consumers with foreign types)' },
    },
    examples: [
      'hive publish wa.outbound wa.send \'{"chatId":"491701234567@c.us","text":"hello from the CLI"}\'',
      'hive publish wa.inbound wa.message - --corr 01HZY3K4M5N6P7Q8R9S0T1V2W3 < message.json',
      'hive publish scratch demo.ping \'{"n":1}\' --unchecked --json',
    ],
    load: () => import('./commands/publish.js').then((m) => m.command),
  },
  {
    name: 'dlq',
    summary: 'dead letters: list, show, retry (to the failing group only), drop',
    usage: [
      'dlq list [stream] [--group NAME] [--count N]',
      'dlq show <stream> <dead-letter-id> [--group NAME]',
      'dlq retry <stream> (<dead-letter-id>... | --all) [--group NAME]',
      'dlq drop <stream> (<dead-letter-id>... | --all) [--group NAME]',
    ],
    description: [
      '"list" without a stream counts the dead letters of every stream; with one, lists them, oldest first.',
      '"retry" redelivers each dead letter to the group that failed it, and only to that group; "drop" deletes it.',
      'Ids are dead-letter entry ids as "list" prints them. retry and drop exit 1 if any id was not there (the others',
      'are still done, and --json lists each outcome). Each group has its own dead letters; should two groups hold the',
      'same id, --group names the one meant (without it, such an id is refused, never guessed).',
    ],
    options: {
      count: count('most dead letters to list', '100'),
      group: { type: 'string', value: 'NAME', description: 'only the dead letters of this consumer group' },
      all: { type: 'boolean', description: 'retry or drop every dead letter of the stream' },
    },
    examples: [
      'hive dlq list',
      'hive dlq list wa.inbound',
      'hive dlq show wa.inbound 1700000000000-0',
      'hive dlq retry wa.inbound 1700000000000-0 1700000000001-0',
      'hive dlq drop wa.inbound --all --json',
    ],
    load: () => import('./commands/dlq.js').then((m) => m.command),
  },
  {
    name: 'replay',
    summary: 'replay history into a new or reset group, or to stdout',
    usage: [
      'replay <stream> --group GROUP --from POSITION [--reset] [--force]',
      'replay <stream> --to-stdout [--from POSITION] [--to POSITION] [--count N]',
    ],
    description: [
      'Into a group: creates GROUP starting at POSITION, so its consumers receive the stream from there; with --reset, moves',
      'an existing group back (XGROUP SETID). Other groups are not touched. --to-stdout reads with XRANGE and prints the',
      'entries like tail, touching no group. POSITION as for tail: an entry id, a time ago, an ISO date, "start" or "end".',
    ],
    options: {
      group: { type: 'string', value: 'GROUP', description: 'the group to create or reset' },
      from: { type: 'string', value: 'POSITION', description: 'where to start (required with --group; default start with --to-stdout)' },
      reset: { type: 'boolean', description: 'move an existing group instead of creating a new one' },
      force: { type: 'boolean', description: 'reset even though the group has entries pending' },
      'to-stdout': { type: 'boolean', description: 'print the entries instead of feeding a group' },
      to: { type: 'string', value: 'POSITION', description: 'with --to-stdout: stop after this position (default end)' },
      count: count('with --to-stdout: most entries to print', 'all'),
    },
    examples: [
      'hive replay wa.inbound --group iris-dev --from 1h',
      'hive replay intent.classified --group box --from 2025-01-31T08:00:00Z --reset',
      'hive replay wa.inbound --to-stdout --from 10m --json',
    ],
    load: () => import('./commands/replay.js').then((m) => m.command),
  },
  {
    name: 'migrate',
    summary: 'rename keys written before hash tags to the current layout (groups, pending entries, dead letters kept)',
    usage: ['migrate [--dry-run]'],
    description: [
      'Each stream\'s keys now share a hash tag ({<stream>}) so that Hive runs on Redis Cluster. Stop the agents, run this once',
      'on the one Redis, start them again: RENAMENX keeps a stream\'s consumer groups and pending entries and a mark\'s TTL.',
      'Idempotent. A key whose new name is already taken is left alone and listed (exit 1). An agent refuses to start',
      'beside old keys (KEYS_LEGACY_LAYOUT) until this has run.',
    ],
    options: {
      'dry-run': { type: 'boolean', description: 'list what would be renamed; change nothing' },
    },
    examples: ['hive migrate --dry-run', 'hive migrate --json'],
    load: () => import('./commands/migrate.js').then((m) => m.command),
  },
  {
    name: 'trim',
    summary: 'trim a stream by length or age, never past what a group has not acked',
    usage: ['trim <stream> (--maxlen N | --max-age DURATION) [--dry-run] [--force]'],
    description: [
      'Stops at the oldest entry some group has not acked (pending or not yet read) and says which group held it back.',
      '--force trims anyway and reports what was dropped; --dry-run only reports what would be trimmed.',
      'A trim held back by a group still exits 0 (it trimmed what was safe); --json has heldBackBy and forcedWouldDrop.',
    ],
    options: {
      maxlen: { type: 'string', value: 'N', description: 'keep at most N entries (0 empties the stream)' },
      'max-age': { type: 'string', value: 'DURATION', description: 'drop entries older than this, e.g. 7d, 12h' },
      'dry-run': { type: 'boolean', description: 'report what would be trimmed; change nothing' },
      force: { type: 'boolean', description: 'also trim entries that groups have not acked' },
    },
    examples: ['hive trim wa.inbound --maxlen 10000 --dry-run', 'hive trim wa.inbound --max-age 7d', 'hive trim ops.alert --maxlen 0 --force --json'],
    load: () => import('./commands/trim.js').then((m) => m.command),
  },
  {
    name: 'trace',
    summary: 'every hop of one conversation across streams, with timings',
    usage: ['trace <message-id | corr> [--from POSITION] [--stream NAME]...'],
    description: [
      'Finds the message with that id or correlation id, then every message of its conversation (same corr, or answering',
      'one of them) on every stream and in the dead letters, ordered by time. Each hop shows its delay since the first and',
      'since the message it answers, and which groups have handled it (acked), hold it (pending) or not read it yet.',
      'Streams are scanned from --from (default: 5 minutes before a ULID id\'s time, else the start of each stream).',
    ],
    options: {
      from: { type: 'string', value: 'POSITION', description: 'scan entries from here (an entry id, a time ago, an ISO date)' },
      stream: { type: 'string', multiple: true, value: 'NAME', description: 'only scan this stream' },
    },
    examples: ['hive trace 01HZY3K4M5N6P7Q8R9S0T1V2W3', 'hive trace 01HZY3K4M5N6P7Q8R9S0T1V2W3 --json', 'hive trace wa-3EB0C767 --from 1d'],
    load: () => import('./commands/trace.js').then((m) => m.command),
  },
  {
    name: 'agents',
    summary: 'the live agent registry: name, instance, host, status, last seen, model state, streams',
    usage: ['agents'],
    description: [
      'Agents heartbeat into Redis; a record expires a few seconds after its agent stops beating.',
      'MODEL is each model endpoint the agent calls: "ok", "down <for how long> (<last error>)" while its circuit',
      'breaker is open (the agent answers from its rules), "probing" while one call tests the model again.',
    ],
    options: {},
    examples: ['hive agents', 'hive agents --json | jq \'.[] | select(.status != "running")\''],
    load: () => import('./commands/agents.js').then((m) => m.command),
  },
  {
    name: 'say',
    summary: 'talk to the network as a WhatsApp user (through kami\'s simulator) and print the replies',
    usage: ['say <text> [--from NUMBER] [--timeout DURATION] [--quiet DURATION] [--follow] [--kami URL]'],
    description: [
      'Posts the text to kami\'s local WhatsApp simulator (env KAMI_URL, default http://127.0.0.1:7777) as a message from',
      '--from (default: the owner), then prints kami\'s replies to that chat as they arrive: until --quiet passes without',
      'another reply, or --timeout passes without any (exit 1). --follow keeps printing (reminders, alerts) until Ctrl-C.',
      'Exit 3 when kami\'s simulator cannot be reached (not running, or WHATSAPP_ENABLED=1). Needs no Redis.',
      'A simulator that listens beyond loopback (a container) wants its token: env KAMI_SIM_TOKEN, sent as a Bearer header.',
    ],
    options: {
      from: { type: 'string', value: 'NUMBER', description: 'the sender: a phone number with country code or a chat id (default: the owner)' },
      timeout: { type: 'string', value: 'DURATION', description: 'how long to wait for a first reply (default 10s)' },
      quiet: { type: 'string', value: 'DURATION', description: 'after a reply, stop once none came for this long (default 2s)' },
      follow: { type: 'boolean', short: 'f', description: 'keep printing replies to the chat until Ctrl-C' },
      kami: { type: 'string', value: 'URL', description: 'kami\'s simulator; overrides env KAMI_URL (default http://127.0.0.1:7777)' },
    },
    examples: ['hive say "I had 2 eggs and toast"', 'hive say help', 'hive say "remind me in 2 minutes to stretch" --follow', 'hive say "spent 12 on lunch" --from +447700900123 --json'],
    load: () => import('./commands/say.js').then((m) => m.command),
  },
  {
    name: 'history',
    summary: 'search and export the durable history archivist keeps (SQLite; needs no Redis)',
    usage: [
      'history [<words>] [--text WORDS] [--chat ID] [--type T]... [--stream S]... [--corr ID] [--since T] [--until T] [--limit N] [--db FILE]',
      'history [filters] (--jsonl | --export FILE)',
    ],
    description: [
      'Reads archivist\'s database read-only: --db, else env ARCHIVIST_DB_PATH, else <HIVE_DATA_DIR or .data>/archivist/history.db.',
      'Filters combine with AND. --text (or words as arguments) finds messages with every word, as a prefix ("dent" finds',
      '"dentist"); the table quotes the match in [brackets]. --chat takes a chat id or a phone number with country code.',
      'T is a time ago (30m, 2h, 7d), an ISO date or time, or epoch ms. Lists the latest --limit (default 50), oldest first;',
      '--jsonl prints every match as JSON lines, --export FILE writes them to a file (both unlimited unless --limit).',
    ],
    options: {
      text: { type: 'string', value: 'WORDS', description: 'only messages containing every word (full-text, prefixes match)' },
      chat: { type: 'string', value: 'ID', description: 'only this chat: 491701234567@c.us or +491701234567' },
      type: { type: 'string', multiple: true, value: 'T', description: 'only this message type (repeatable)' },
      stream: { type: 'string', multiple: true, value: 'NAME', description: 'only this stream (repeatable)' },
      corr: { type: 'string', value: 'ID', description: 'only this conversation (correlation id)' },
      since: { type: 'string', value: 'T', description: 'only messages sent at or after T' },
      until: { type: 'string', value: 'T', description: 'only messages sent at or before T' },
      limit: { type: 'string', value: 'N', description: 'most messages: the latest N (default 50; exports: all)' },
      db: { type: 'string', value: 'FILE', description: 'the history database (default: archivist\'s under HIVE_DATA_DIR)' },
      jsonl: { type: 'boolean', description: 'print every match as one JSON object per line' },
      export: { type: 'string', value: 'FILE', description: 'write every match to FILE as JSON lines' },
    },
    examples: [
      'hive history dentist',
      'hive history --chat +491701234567 --since 2d',
      'hive history --type expense.recorded --since 2025-03-01 --json',
      'hive history --stream wa.inbound --jsonl | jq -r .text',
      'hive history --export history.jsonl',
    ],
    load: () => import('./commands/history.js').then((m) => m.command),
  },
  {
    name: 'console',
    summary: 'serve the web console: the network graph, streams, agents, dead letters, trace, chat',
    usage: ['console [--port N] [--host HOST] [--read-only] [--kami URL]'],
    description: [
      'Serves the console on http://127.0.0.1:7780 (--port, --host; env HIVE_CONSOLE_PORT, HIVE_CONSOLE_HOST) until Ctrl-C.',
      'Any bind outside the loopback interface needs a token in env HIVE_CONSOLE_TOKEN (open /?token=… once in the browser).',
      '--read-only refuses every change (retry, drop, chat). Traces also read archivist\'s history (env ARCHIVIST_DB_PATH or HIVE_DATA_DIR).',
    ],
    options: {
      port: { type: 'string', value: 'N', description: 'port to listen on (default 7780; 0 picks a free one)' },
      host: { type: 'string', value: 'HOST', description: 'address to listen on (default 127.0.0.1; others need HIVE_CONSOLE_TOKEN)' },
      'read-only': { type: 'boolean', description: 'show everything, change nothing' },
      kami: { type: 'string', value: 'URL', description: 'kami\'s simulator for the chat; overrides env KAMI_URL (default http://127.0.0.1:7777)' },
    },
    examples: ['hive console', 'hive console --port 8080 --read-only', 'HIVE_CONSOLE_TOKEN=$(openssl rand -hex 24) hive console --host 0.0.0.0'],
    load: () => import('./commands/console.js').then((m) => m.command),
  },
  {
    name: 'acl',
    summary: 'per-agent Redis ACL users from the topology: write users.acl, or --check a live Redis',
    usage: ['acl [--secrets FILE] [--out FILE] [--env-dir DIR] [--redis-host HOST:PORT] [--topology FILE]', 'acl --check [--secrets FILE]'],
    description: [
      'One user per agent, allowed to append only to the streams it writes and to consume only those it reads (plus its',
      'own state, registry record and reply streams), and admin, backup and a default user that may only PING. Reads the',
      'generated manifest topology.json (hive gen), or --topology FILE. Passwords come from env HIVE_REDIS_PASSWORD_<USER>, else',
      'the --secrets file; missing ones are generated into that file (mode 600); a user without a password is written "off".',
      '--check asks the Redis at --redis (as admin) with ACL DRYRUN whether every user exists and may do exactly that; exit 1 if not.',
    ],
    options: {
      secrets: { type: 'string', value: 'FILE', description: 'KEY=value file of passwords; missing ones are generated into it' },
      out: { type: 'string', value: 'FILE', description: 'write the ACL file here (default: print it)' },
      'env-dir': { type: 'string', value: 'DIR', description: 'also write DIR/<user>.env with REDIS_URL for each user (systemd EnvironmentFile)' },
      'redis-host': { type: 'string', value: 'HOST:PORT', description: 'Redis address in the --env-dir URLs (default 127.0.0.1:6379)' },
      topology: { type: 'string', value: 'FILE', description: 'read agents from this topology.json instead of the repository\'s (hive gen writes it)' },
      check: { type: 'boolean', description: 'compare the live Redis ACL with the topology instead of writing' },
    },
    examples: ['hive acl --secrets .env --out infra/acl/users.acl', 'hive acl --json | jq \'.users[] | {name, reads, writes}\'', 'hive acl --check --secrets .env --redis redis://admin:$HIVE_REDIS_PASSWORD_ADMIN@127.0.0.1:6379'],
    load: () => import('./commands/acl.js').then((m) => m.command),
  },
  {
    name: 'gen',
    summary: 'regenerate everything derived: CONTRACTS.md and JSON Schemas, topology.json, docker-compose.yml, the README agent table',
    usage: ['gen [--check]'],
    description: [
      'Runs the repository\'s generators from source: packages/contracts (CONTRACTS.md, schemas/, compat-snapshot.json),',
      'topology.json from every agent\'s definition, docker-compose.yml (infra/gen-compose.ts) and the agent table in README.md,',
      'and checks that the ACL users `hive acl` writes at deploy can be derived. --check writes nothing and exits 1 naming what is stale.',
    ],
    options: {
      check: { type: 'boolean', description: 'write nothing; exit 1 when a generated file is stale' },
    },
    examples: ['hive gen', 'hive gen --check'],
    load: () => import('./commands/gen.js').then((m) => m.command),
  },
  {
    name: 'dev',
    summary: 'run one agent from source against the running network, reloaded on save, in a consumer group of its own',
    usage: ['dev <name> [--replay DURATION]'],
    description: [
      'Runs apps/<name> from source (node --watch: restarted when a file it imported changes) against the Redis hive finds',
      '(--redis, REDIS_URL, the running npm start\'s, 6379) as "<name>-dev": its consumer groups are <name>-dev, so it sees every',
      'message the real agent sees and takes none from it. It publishes nothing: what it would publish is logged. Its files go',
      'to <data dir>/dev. --replay 1h makes its groups afresh an hour back, so it handles the recent traffic first.',
    ],
    options: {
      replay: { type: 'string', value: 'DURATION', description: 'start from this long ago (its dev groups made afresh), e.g. 1h' },
    },
    examples: ['hive dev weather', 'hive dev box --replay 1h'],
    load: () => import('./commands/dev.js').then((m) => m.command),
  },
  {
    name: 'new',
    summary: 'scaffold a new agent in apps/NAME (it starts in a running npm start within seconds)',
    usage: ['new agent NAME [--reads STREAM]... [--writes STREAM]... [--intent NAME --example TEXT... [--offline REGEX]] [--description TEXT] [--yes]'],
    description: [
      'Writes apps/NAME in the shape of the others (src/agent.ts, index.ts, config.ts, handlers/, domain/, a test against a real',
      'Redis, README, package.json), links its workspace dependencies, runs `hive gen`, and prints the next step. Asks for what is',
      'missing when stdin is a terminal; --yes takes the defaults instead (reads intent.classified when it serves an intent, else',
      'wa.inbound). An agent serving --intent declares it: iris routes it by the agent\'s --offline rule (a regular expression on',
      'the lower-cased message) or by the model, with no change to iris or the contracts.',
    ],
    options: {
      reads: { type: 'string', multiple: true, value: 'STREAM', description: 'a stream it consumes (every message type on it); repeat for more' },
      writes: { type: 'string', multiple: true, value: 'STREAM', description: 'a stream it publishes to; repeat for more (default wa.outbound)' },
      intent: { type: 'string', value: 'NAME', description: 'an intent it serves, e.g. weather (then it reads intent.classified)' },
      example: { type: 'string', multiple: true, value: 'TEXT', description: 'a message meaning the intent; repeat for more' },
      offline: { type: 'string', value: 'REGEX', description: 'how iris recognises the intent without a model, e.g. "^weather(?: in (?<place>.+))?$"' },
      description: { type: 'string', value: 'TEXT', description: 'one sentence: what the agent does' },
      yes: { type: 'boolean', short: 'y', description: 'ask nothing: defaults for what is not given' },
      'no-gen': { type: 'boolean', description: 'do not run hive gen afterwards' },
    },
    examples: [
      'hive new agent echo --reads wa.inbound --yes',
      'hive new agent weather --intent weather --example "weather in Berlin" --offline "^weather(?: in (?<place>.+))?$" --yes',
    ],
    load: () => import('./commands/new.js').then((m) => m.command),
  },
];

/** The spec of a verb by name. */
export function findVerb(name: string): VerbSpec | undefined {
  return VERBS.find((v) => v.name === name);
}

/** Every flag of every verb, for locating the verb before it is known. */
export function everyOption(): OptionSpecs {
  const all: Record<string, OptionSpecs[string]> = { ...GLOBAL_OPTIONS, version: { type: 'boolean', description: 'print the version' } };
  for (const v of VERBS) Object.assign(all, v.options);
  return all;
}
