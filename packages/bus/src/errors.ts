/**
 * Every error the bus raises or records carries a stable `code`, so logs, dead letters and the CLI
 * can tell failures apart without parsing messages. Codes are part of the public contract.
 */

export type HiveErrorCode =
  // An entry that cannot become a message: these are dead-lettered at once, never retried.
  | 'DECODE_MISSING_FIELD'
  | 'DECODE_INVALID_FIELD'
  | 'DECODE_INVALID_JSON'
  | 'DECODE_INVALID_UTF8'
  | 'MESSAGE_TOO_LARGE'
  | 'UNKNOWN_TYPE'
  | 'SCHEMA_INVALID'
  // A handler said: do not retry this.
  | 'UNRECOVERABLE'
  // A handler kept failing until maxDeliveries.
  | 'MAX_DELIVERIES'
  // Everything else.
  | 'CONFIG_INVALID'
  // Neither Redis client library (ioredis, redis) is installed, or not the one asked for.
  | 'DRIVER_MISSING'
  | 'REQUEST_TIMEOUT'
  | 'BUS_CLOSED'
  | 'REDIS_ERROR'
  // Redis at maxmemory with noeviction refused a write: nothing was written, retry once memory is freed.
  | 'REDIS_OOM'
  | 'SCRIPT_ERROR'
  | 'NOT_FOUND'
  // A dead-letter id found in the dead letters of more than one group: name the group.
  | 'DEAD_LETTER_AMBIGUOUS'
  // A reply that did not come from the responder the request named: dropped, never resolves the request.
  | 'REPLY_FORGED'
  // A handler ran past its subscription's handlerTimeoutMs: retried like one that threw.
  | 'HANDLER_TIMEOUT'
  // Redis holds keys in the layout before hash tags: `hive migrate` renames them; the bus will not start beside them.
  | 'KEYS_LEGACY_LAYOUT';

/**
 * Base of all Hive errors: a code, a message that says what and where, optional details and cause.
 * The bus raises its own codes (`HiveErrorCode`); a layer above extends it with codes of its own
 * (`class LlmError extends HiveError<'LLM_FAILED'>`), so the bus never has to know them.
 */
export class HiveError<Code extends string = HiveErrorCode> extends Error {
  readonly code: Code;
  readonly details: Record<string, unknown> | undefined;

  // NoInfer: `new HiveError('TYPO', …)` is checked against the default codes, not inferred as a new one.
  constructor(code: NoInfer<Code>, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** A stream entry that is not a valid Hive envelope; `field` names the culprit. */
export class DecodeError extends HiveError {
  readonly field: string | undefined;
  constructor(code: HiveErrorCode, message: string, field?: string, details?: Record<string, unknown>) {
    super(code, message, { details: { ...details, field } });
    this.field = field;
  }
}

/** A message whose payload fails its contract's schema (on publish or on consume). */
export class ValidationError extends HiveError {
  readonly issues: string;
  constructor(stream: string, type: string, issues: string) {
    super('SCHEMA_INVALID', `payload of "${type}" on stream "${stream}" fails its schema: ${issues}`, {
      details: { stream, type },
    });
    this.issues = issues;
  }
}

/** Thrown by a handler to send the message straight to the dead letters, without retries. */
export class UnrecoverableError extends HiveError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNRECOVERABLE', message, options);
  }
}

/** An option or environment value that is wrong; the message names it and says what is expected. */
export class ConfigError extends HiveError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFIG_INVALID', message, details ? { details } : {});
  }
}

/**
 * The Redis client a driver needs is not installed: `@hive/bus` has ioredis and redis (node-redis) as
 * optional peer dependencies, and its user installs the one they use. The message names the package.
 */
export class DriverMissingError extends HiveError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('DRIVER_MISSING', message, options);
  }
}

/**
 * Redis holds this bus's streams under their names before hash tags (`hive:s:wa.inbound`, not
 * `hive:s:{wa.inbound}`). Starting beside them would create new, empty streams and groups and leave
 * the old entries, pending deliveries and dead letters unread: so the bus refuses, and says to run
 * `hive migrate`. The details list the keys found.
 */
export class LegacyKeysError extends HiveError<'KEYS_LEGACY_LAYOUT'> {
  constructor(keys: readonly string[]) {
    super(
      'KEYS_LEGACY_LAYOUT',
      `Redis holds keys in the layout before hash tags (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''}): stop the agents and run "hive migrate" (see "hive migrate --dry-run" for what it renames), then start them again`,
      { details: { keys } },
    );
  }
}

/** A request that got no reply in time. */
export class TimeoutError extends HiveError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('REQUEST_TIMEOUT', message, details ? { details } : {});
  }
}

/** A handler that ran longer than its subscription's `handlerTimeoutMs`; its signal is aborted with this error. */
export class HandlerTimeoutError extends HiveError {
  constructor(timeoutMs: number, details?: Record<string, unknown>) {
    super('HANDLER_TIMEOUT', `handler did not finish within ${timeoutMs} ms`, { details: { timeoutMs, ...details } });
  }
}

/** The bus or subscription was closed while the call was in progress. */
export class ClosedError extends HiveError {
  constructor(what: string) {
    super('BUS_CLOSED', `${what} is closed`);
  }
}

/**
 * Redis refused a write because it is at `maxmemory` (policy noeviction): nothing was written. Not
 * the message's fault: it can be published again once memory is freed (the janitor's trims, a
 * larger maxmemory), so callers keep it (kami spools it to disk) rather than drop it.
 */
export class RedisOutOfMemoryError extends HiveError<'REDIS_OOM'> {
  constructor(what: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(
      'REDIS_OOM',
      `Redis is out of memory (used_memory over maxmemory, policy noeviction): ${what} was not written; publish it again once memory is freed (see sentinel's redis_memory alert for the largest key families)`,
      options,
    );
  }
}

/** True when `err` is Redis's OOM refusal, as a reply, inside a script error, or already wrapped. */
export function isOutOfMemory(err: unknown): boolean {
  if (err instanceof HiveError) return err.code === 'REDIS_OOM';
  return err instanceof Error && /(^|[\s:-])OOM command not allowed/.test(err.message);
}

/** `err` as a RedisOutOfMemoryError about `what` when it is Redis's OOM refusal; otherwise `err` unchanged. */
export function asOutOfMemory(err: unknown, what: string, details?: Record<string, unknown>): unknown {
  if (!isOutOfMemory(err) || err instanceof RedisOutOfMemoryError) return err;
  return new RedisOutOfMemoryError(what, details ? { cause: err, details } : { cause: err });
}

/** A short message for any thrown value, safe to log or store. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/** True when a Redis error reply starts with the given error prefix (e.g. NOGROUP, BUSYGROUP). */
export function isRedisError(err: unknown, prefix: string): boolean {
  return err instanceof Error && err.message.startsWith(prefix);
}

/**
 * True when the ACL refused a command: NOPERM, or (Redis 7's reply for a command inside a script)
 * "ERR The user executing the script can't run this command …" / "… can't access at least one of the keys …".
 */
export function isAclRefusal(err: unknown): boolean {
  return isRedisError(err, 'NOPERM') || (err instanceof Error && err.message.includes('user executing the script can'));
}
