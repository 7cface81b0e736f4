/**
 * The key a command is routed by on Redis Cluster, for node-redis's cluster client (which takes it
 * from its caller; ioredis finds it itself). Covers every command shape: the key after STREAMS
 * (XREAD, XREADGROUP), after numkeys (EVAL, EVALSHA, FCALL), after a subcommand (XINFO, XGROUP,
 * OBJECT, MEMORY); none for server commands (any node answers); else the first argument.
 */
import type { RedisArg } from './driver.js';

const KEYLESS = new Set([
  'PING', 'INFO', 'SCAN', 'CLIENT', 'ACL', 'CONFIG', 'SCRIPT', 'WAIT', 'WAITAOF', 'TIME', 'DBSIZE',
  'CLUSTER', 'COMMAND', 'ROLE', 'HELLO', 'SELECT', 'FLUSHALL', 'FLUSHDB', 'LASTSAVE', 'ECHO', 'FUNCTION',
]);
const AFTER_SUBCOMMAND = new Set(['XINFO', 'XGROUP', 'OBJECT', 'MEMORY']);
const AFTER_NUMKEYS = new Set(['EVAL', 'EVALSHA', 'EVAL_RO', 'EVALSHA_RO', 'FCALL', 'FCALL_RO']);

/** The routing key of a command (see the file comment), or undefined when any node may answer it. */
export function commandKey(args: readonly RedisArg[]): RedisArg | undefined {
  const cmd = String(args[0] ?? '').toUpperCase();
  if (KEYLESS.has(cmd)) return undefined;
  if (cmd === 'XREAD' || cmd === 'XREADGROUP') {
    // XREADGROUP GROUP <group> <consumer> …: a group or consumer may be named "streams".
    const at = args.findIndex((a, i) => i >= (cmd === 'XREADGROUP' ? 4 : 1) && String(a).toUpperCase() === 'STREAMS');
    return at < 0 ? undefined : args[at + 1];
  }
  if (AFTER_NUMKEYS.has(cmd)) return Number(args[2]) > 0 ? args[3] : undefined;
  if (AFTER_SUBCOMMAND.has(cmd)) return args[2];
  return args[1];
}
