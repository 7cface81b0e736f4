/**
 * The logger agents, the host and the console write through: pino to stderr, with no secret in any
 * line. Two passes, each for what the other cannot see:
 *
 * - a pass over every logged value and every child logger's bindings, any depth, Error messages
 *   included: a key named like a secret (password, token, apiKey, authorization, cookie, …) is
 *   censored, and any URL inside any string is sanitized;
 * - the same URL pass over the message text.
 *
 * A sanitized URL keeps its scheme, host, path and user name; its password, every query value and
 * its fragment become `***`: `redis://kami:***@10.0.0.2:6379`, `https://llm.example/v1?api-key=***`.
 *
 * pino's own `redact` paths are not used: the pass above covers every field they named (at any depth,
 * not two levels), and they cost more than anything else per message. pino's redaction clones the
 * object for each of its paths' matches, once per log line and once per child logger (the bus makes
 * one for each delivery that logs), which made it a quarter of the network's allocation per message.
 */
import { stderrDestination } from '@hive/bus';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** What a secret is replaced with. */
export const CENSORED = '[redacted]';
const MASK = '***';

/** Keys whose value is a secret whatever it looks like. */
const SECRET_KEY = /pass(word|wd)?$|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key/i;
/** A URL inside any string: a scheme, "://", then anything up to whitespace or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** The URL without its password, query values or fragment; a string that is no URL comes back as it was. */
export function sanitizeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not parseable: still hide anything between "://user:" and "@".
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*):[^@/\s]*@/i, `$1:${MASK}@`);
  }
  if (!u.password && !u.search && !u.hash) return url;
  if (u.password) u.password = MASK;
  if (u.search) {
    const names = [...new Set([...u.searchParams.keys()])];
    u.search = names.map((n) => `${encodeURIComponent(n)}=${MASK}`).join('&');
  }
  if (u.hash) u.hash = MASK;
  // URL encodes "*" in the password; show it plainly.
  return u.toString().replace(/%2A%2A%2A/g, MASK);
}

/** Every URL inside `text`, sanitized. */
export function sanitizeText(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, (m) => sanitizeUrl(m)) : text;
}

/** A copy of `value` with secret-named keys censored and every URL in every string sanitized, at any depth. */
export function redactValue(value: unknown, key = '', depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null && typeof value !== 'boolean') return CENSORED;
  if (typeof value === 'string') return sanitizeText(value);
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: sanitizeText(value.message), ...(value.stack ? { stack: sanitizeText(value.stack) } : {}) };
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, '', depth + 1, seen));
  if (value instanceof URL) return sanitizeUrl(value.href);
  // A value with its own JSON form (a Date, a Buffer) is written as that; any other object, a class
  // instance too, as JSON.stringify would write it: its own enumerable fields, each passed over.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k, depth + 1, seen);
  return out;
}

/**
 * A pino logger at `level` with secrets redacted (see above), writing to stderr (`stderrDestination`:
 * its flush at exit cannot hang on a pipe nobody reads), or to `destination` (tests pass a stream).
 */
export function createRedactingLogger(bindings: Record<string, unknown> = {}, level = process.env.HIVE_LOG_LEVEL ?? 'info', destination?: DestinationStream): PinoLogger {
  const logger = pino(
    {
      level,
      base: redactValue(bindings) as Record<string, unknown>,
      formatters: { log: (obj) => redactValue(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? sanitizeText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? stderrDestination(),
  );
  // pino passes a child's bindings through no formatter of ours: every child (a child's child too,
  // which inherits this method) hands its bindings to the pass first, then to pino's own child(),
  // called on whichever logger the child is made from.
  type Child = (this: unknown, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => unknown;
  const child = logger.child as unknown as Child;
  const redactedChild: Child = function (this: unknown, childBindings, options) {
    return child.call(this, redactValue(childBindings) as pino.Bindings, options);
  };
  logger.child = redactedChild as unknown as typeof logger.child;
  return logger;
}
