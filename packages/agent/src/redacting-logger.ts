/**
 * The logger agents, the host and the console write through: pino to stderr, with no secret in any
 * line. Three layers, each for what the one before cannot see:
 *
 * - pino's `redact` paths, for fields named like secrets (password, token, apiKey, authorization,
 *   the secret variables) at the top level and one level down: censored; and for fields named like
 *   URLs (url, baseURL, redisUrl, …): sanitized (`sanitizeUrl`), so the host and path stay readable;
 * - a pass over every logged value, any depth, Error messages included: a key named like a secret is
 *   censored, and any URL inside any string is sanitized;
 * - the same URL pass over the message text.
 *
 * A sanitized URL keeps its scheme, host, path and user name; its password, every query value and
 * its fragment become `***`: `redis://kami:***@10.0.0.2:6379`, `https://llm.example/v1?api-key=***`.
 */
import { stderrDestination } from '@hive/bus';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** What a secret is replaced with. */
export const CENSORED = '[redacted]';
const MASK = '***';

/** Keys whose value is a secret whatever it looks like. */
const SECRET_KEY = /pass(word|wd)?$|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key/i;
/** Keys whose value is a URL: kept readable, sanitized. */
const URL_KEY = /(url|uri|endpoint|baseurl|address|dsn)$/i;
/** A URL inside any string: a scheme, "://", then anything up to whitespace or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

const SECRET_FIELDS = ['password', 'pass', 'token', 'apiKey', 'api_key', 'secret', 'authorization', 'cookie', 'OPENAI_API_KEY', 'KAMI_SIM_TOKEN', 'HIVE_CONSOLE_TOKEN'];
const URL_FIELDS = ['url', 'baseURL', 'baseUrl', 'redisUrl', 'httpUrl', 'endpoint', 'REDIS_URL', 'OPENAI_BASE_URL', 'KAMI_URL'];

/** pino redact paths: each secret and URL field at the top level and one level down, and request headers. */
export const REDACT_PATHS: readonly string[] = [
  ...[...SECRET_FIELDS, ...URL_FIELDS].flatMap((f) => [f, `*.${f}`]),
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

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
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k, depth + 1, seen);
  return out;
}

/**
 * A pino logger at `level` with secrets redacted (see above), writing to stderr (`stderrDestination`:
 * its flush at exit cannot hang on a pipe nobody reads), or to `destination` (tests pass a stream).
 */
export function createRedactingLogger(bindings: Record<string, unknown> = {}, level = process.env.HIVE_LOG_LEVEL ?? 'info', destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level,
      base: redactValue(bindings) as Record<string, unknown>,
      redact: {
        paths: [...REDACT_PATHS],
        censor: (value: unknown, path: string[]) => {
          const field = path[path.length - 1] ?? '';
          if (URL_KEY.test(field) && !SECRET_KEY.test(field)) return typeof value === 'string' ? sanitizeUrl(value) : value;
          // Whether a secret is set (a boolean) says nothing about it.
          return value === undefined || typeof value === 'boolean' ? value : CENSORED;
        },
      },
      formatters: { log: (obj) => redactValue(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? sanitizeText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? stderrDestination(),
  );
}
