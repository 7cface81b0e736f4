/** Errors the agent runtime raises; each extends the bus's HiveError with a stable code. */
import { ConfigError, HiveError } from '@hive/bus';

/** One environment variable that is missing or malformed. */
export interface EnvProblem {
  readonly variable: string;
  /** What is wrong, e.g. `must be a whole number from 0 to 65535 (got "abc")`. */
  readonly message: string;
}

/**
 * The environment does not configure the agent: lists every bad variable at once, so that one
 * restart fixes them all. Its message is meant to be printed as is (no stack).
 */
export class EnvConfigError extends ConfigError {
  readonly problems: readonly EnvProblem[];
  constructor(agent: string, problems: readonly EnvProblem[]) {
    super(`invalid configuration for agent "${agent}":\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`, {
      agent,
      variables: problems.map((p) => p.variable),
    });
    this.problems = problems;
  }
}

/** The codes of the agent runtime's own errors (beside the bus's, which it raises too). */
export type AgentErrorCode = 'LLM_FAILED' | 'AGENT_NOT_STARTED';

/** An LLM call that failed: transport, timeout, refusal, or output that fails the schema. */
export class LlmError extends HiveError<AgentErrorCode> {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('LLM_FAILED', message, options);
  }
}

/** Why a model call was given up on: refused by the open breaker, out of time, or failed after its retries. */
export type ModelUnavailableReason = 'breaker_open' | 'deadline' | 'failed';

/** The model did not answer in time or at all; the caller answers from its rules. `attempts` is 0 when none was made. */
export class ModelUnavailableError extends LlmError {
  readonly reason: ModelUnavailableReason;
  readonly attempts: number;
  constructor(reason: ModelUnavailableReason, message: string, options: { cause?: unknown; attempts?: number; endpoint?: string } = {}) {
    super(message, { ...(options.cause !== undefined ? { cause: options.cause } : {}), details: { reason, endpoint: options.endpoint, attempts: options.attempts ?? 0 } });
    this.reason = reason;
    this.attempts = options.attempts ?? 0;
  }
}

/** A handler used what the agent's `start` makes before `start` made it or after its cleanup (see setup-value.ts). */
export class AgentNotStartedError extends HiveError<AgentErrorCode> {
  constructor(what: string) {
    super('AGENT_NOT_STARTED', `${what} is not there: used before the agent's start made it, or after its cleanup`, { details: { what } });
  }
}
