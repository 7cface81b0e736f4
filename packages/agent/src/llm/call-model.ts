/**
 * One model call within a deadline, through the endpoint's circuit breaker: refused at once when
 * the breaker is open; otherwise attempts, each cut off at the deadline (or its own timeout, if
 * sooner), with retries of transient failures only while there is time left for them. Whatever
 * happens, it is over by the deadline, and the caller answers from its rules.
 */
import { backoffMs } from '@hive/bus';
import { ModelUnavailableError } from '../errors.js';
import type { CircuitBreaker } from './breaker.js';

/** Model time the classify and extract calls of one message may take together. @defaultValue 5000 */
export const DEFAULT_DEADLINE_MS = 5_000;
/** Model time for generated text the owner asked for (drafts, answers: `complete`). @defaultValue 30000 */
export const DEFAULT_GENERATE_DEADLINE_MS = 30_000;
/** Wait before the first retry; doubled for each one after. @defaultValue 250 */
export const RETRY_BASE_MS = 250;
/** A retry is not started with less time than this left before the deadline. @defaultValue 250 */
export const MIN_ATTEMPT_MS = 250;

/** What one failed attempt says about the endpoint. */
export type AttemptVerdict =
  /** The endpoint answered; the request or its output was the problem (HTTP 400, a refusal, bad JSON): no retry, and the breaker counts it as an answer. */
  | { readonly kind: 'answered' }
  /** The endpoint failed. `category` labels the failure metric; `retryAfterMs` is the server's own wait, when it gave one. */
  | { readonly kind: 'failed'; readonly reason: string; readonly category: FailureCategory; readonly retry: boolean; readonly retryAfterMs?: number };

export type FailureCategory = 'timeout' | 'connection' | 'http_5xx' | 'http_429' | 'http_auth' | 'http_other';

/** Where an attempt must stop. */
export interface AttemptLimits {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

export interface ModelCallOptions {
  readonly breaker: CircuitBreaker;
  /** Epoch ms by which the call is over, answered or not. */
  readonly deadlineAt: number;
  /** The longest one attempt may take (the deadline cuts it shorter). */
  readonly attemptTimeoutMs: number;
  /** Retries after the first attempt, deadline permitting. */
  readonly maxRetries: number;
  /** Aborted when the agent stops: the call ends with no verdict on the model. */
  readonly signal?: AbortSignal | undefined;
  /** How to read an attempt's error. */
  readonly judge: (err: unknown) => AttemptVerdict;
  /** Told of every failed attempt (metrics). */
  readonly onFailure?: (category: FailureCategory) => void;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    };
    const abort = () => {
      done();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Run `attempt` under the breaker and the deadline (see the file comment). Rejects with a
 * ModelUnavailableError when the model could not answer, with the attempt's own error when it
 * answered unusably, and with the abort reason when `signal` aborts.
 */
export async function callModel<T>(o: ModelCallOptions, attempt: (limits: AttemptLimits) => Promise<T>): Promise<T> {
  const endpoint = o.breaker.endpoint;
  if (Date.now() >= o.deadlineAt) throw new ModelUnavailableError('deadline', `no time left before the deadline for a call to ${endpoint}`, { endpoint });
  const permit = o.breaker.acquire();
  if (!permit) throw new ModelUnavailableError('breaker_open', `${endpoint} is not answering (circuit open): not asked`, { endpoint });
  for (let attempts = 1; ; attempts++) {
    if (o.signal?.aborted) {
      permit.release();
      throw o.signal.reason;
    }
    const timeoutMs = Math.max(1, Math.min(o.attemptTimeoutMs, o.deadlineAt - Date.now()));
    const timer = new AbortController();
    const cut = setTimeout(() => timer.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const result = await attempt({ signal: o.signal ? AbortSignal.any([o.signal, timer.signal]) : timer.signal, timeoutMs });
      permit.succeeded();
      return result;
    } catch (err) {
      if (o.signal?.aborted) {
        permit.release();
        throw o.signal.reason;
      }
      const verdict: AttemptVerdict = timer.signal.aborted ? { kind: 'failed', reason: `timed out after ${timeoutMs} ms`, category: 'timeout', retry: true } : o.judge(err);
      if (verdict.kind === 'answered') {
        permit.succeeded();
        throw err;
      }
      o.onFailure?.(verdict.category);
      const wait = Math.max(backoffMs(attempts, RETRY_BASE_MS), verdict.retryAfterMs ?? 0);
      const left = o.deadlineAt - Date.now();
      // A probe is one attempt; and once the breaker has opened (other calls failed meanwhile), retrying only delays the rules.
      const retryable = verdict.retry && attempts <= o.maxRetries && !permit.probe && o.breaker.state === 'closed';
      if (!retryable || left - wait < MIN_ATTEMPT_MS) {
        permit.failed(verdict.reason);
        // Out of time: cut off by the deadline (not by the attempt's own timeout), or no time left for a retry.
        const cutByDeadline = timer.signal.aborted && timeoutMs < o.attemptTimeoutMs;
        const reason = cutByDeadline || retryable ? 'deadline' : 'failed';
        throw new ModelUnavailableError(reason, `${endpoint}: ${verdict.reason}${attempts > 1 ? ` (${attempts} attempts)` : ''}`, { cause: err, attempts, endpoint });
      }
      try {
        await sleep(wait, o.signal);
      } catch (abortReason) {
        permit.release();
        throw abortReason;
      }
    } finally {
      clearTimeout(cut);
    }
  }
}
