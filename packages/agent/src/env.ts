/**
 * Configuration from the environment, parsed by zod: the variables every agent shares (Redis, HTTP,
 * logging, OpenAI) and the agent's own. Every bad variable is reported at once, by name, with what
 * is wrong and what was given (secrets never echoed). An empty value counts as unset, because
 * compose files and .env templates write `OPENAI_API_KEY=` for "none".
 */
import { DEFAULT_DRIVER } from '@hive/bus';
import { sanitizeText } from './redacting-logger.js';
import { z } from 'zod';
import { isTimeZone } from './calendar.js';
import { EnvConfigError, type EnvProblem } from './errors.js';
import { DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_OPEN_MS } from './llm/breaker.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_GENERATE_DEADLINE_MS } from './llm/call-model.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable holding a whole number from `min` to `max`. */
export function envInt(min: number, max: number) {
  return z.string().transform((s, ctx) => {
    const n = Number(s.trim());
    if (!/^-?\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

/** HIVE_TZ, the owner's time zone (which day "today" is), as every agent that keeps days reads it: an IANA zone, "UTC" when unset. */
export const hiveTimeZone = z.string().refine(isTimeZone, { message: 'must be an IANA time zone, e.g. "Europe/Berlin" or "UTC"' }).default('UTC');

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Log levels pino knows. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The variables every agent reads. */
export const hiveEnvSchema = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?(\+(cluster|sentinel))?:\/\/[^\s]+$/, 'must be a redis://, rediss://, redis+cluster:// or redis+sentinel:// URL')
    .default('redis://127.0.0.1:6379'),
  HIVE_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9][A-Za-z0-9._-]*:)?$/, 'must be letters, digits, ".", "_" or "-" ending with ":" (e.g. "hive:")')
    .default('hive:'),
  HIVE_DRIVER: z.enum(['ioredis', 'node-redis'], { message: 'must be "ioredis" or "node-redis"' }).default(DEFAULT_DRIVER),
  HIVE_INSTANCE: z.string().regex(NAME, 'must be 1-128 letters, digits, ".", "_" or "-"').default('0'),
  HIVE_LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  HIVE_HTTP_PORT: envInt(0, 65_535).default(0),
  HIVE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** The longest one attempt may take; a message's deadline cuts it shorter. */
  OPENAI_TIMEOUT_MS: envInt(1, 600_000).default(20_000),
  /** Retries of a failed attempt, made only while the message's deadline leaves time for them. */
  OPENAI_MAX_RETRIES: envInt(0, 10).default(2),
  /** Model time one message's classify/extract calls may take together; then the rules answer. */
  OPENAI_DEADLINE_MS: envInt(100, 600_000).default(DEFAULT_DEADLINE_MS),
  /** The same for generated text the owner asked for (`complete`: drafts, answers). */
  OPENAI_GENERATE_DEADLINE_MS: envInt(100, 600_000).default(DEFAULT_GENERATE_DEADLINE_MS),
  /** Failed calls in a row after which the model is not asked (the circuit opens). */
  OPENAI_BREAKER_FAILURES: envInt(1, 1_000).default(DEFAULT_BREAKER_FAILURES),
  /** How long an open circuit answers from the rules before one call probes the model again. */
  OPENAI_BREAKER_OPEN_MS: envInt(100, 86_400_000).default(DEFAULT_BREAKER_OPEN_MS),
});

/** The shared configuration, parsed. */
export type HiveEnv = z.output<typeof hiveEnvSchema>;

const SECRET = /KEY|SECRET|TOKEN|PASSWORD|PASS$/i;

function shown(variable: string, value: string): string {
  if (SECRET.test(variable)) return '[redacted]';
  const v = sanitizeText(value);
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
}

function problemsOf(error: z.ZodError, env: Env): EnvProblem[] {
  const out: EnvProblem[] = [];
  for (const issue of error.issues) {
    const variable = String(issue.path[0] ?? '(environment)');
    const value = env[variable];
    // A custom check on an unset variable says why it is needed (e.g. KAMI_SIM_TOKEN beyond loopback).
    const message = value === undefined ? (issue.code === 'custom' ? `is required but not set: ${issue.message}` : 'is required but not set') : `${issue.message} (got ${shown(variable, value)})`;
    if (!out.some((p) => p.variable === variable)) out.push({ variable, message });
  }
  return out;
}

/** The environment without empty values. */
function nonEmpty(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/**
 * Parse the shared variables and the agent's own (`configSchema`, an object schema keyed by
 * variable name); throws an EnvConfigError naming every bad variable.
 */
export function parseEnv<C extends z.ZodType>(agent: string, env: Env, configSchema?: C): { hive: HiveEnv; config: z.output<C> } {
  const clean = nonEmpty(env);
  const hive = hiveEnvSchema.safeParse(clean);
  const own = configSchema ? configSchema.safeParse(clean) : ({ success: true, data: {} } as const);
  const problems = [...(hive.success ? [] : problemsOf(hive.error, clean)), ...(own.success ? [] : problemsOf(own.error, clean))];
  if (problems.length > 0 || !hive.success || !own.success) throw new EnvConfigError(agent, problems);
  return { hive: hive.data, config: own.data as z.output<C> };
}
