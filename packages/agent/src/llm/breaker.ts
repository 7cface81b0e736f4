/**
 * A circuit breaker for one model endpoint. While the model answers, calls go through (closed).
 * After `failureThreshold` failed calls in a row it opens: calls are refused at once, so agents
 * answer from their rules in milliseconds instead of waiting for a model that is not there. Once
 * `openMs` has passed, the next call is let through as a probe (half-open; one at a time, the rest
 * are still refused); the model answering it closes the breaker, a failure opens it for another
 * `openMs`. Probes are real calls: a quiet network does not spend tokens checking on the model.
 *
 * Pure state, no I/O and no timers: the clock is injected, so every transition is unit-tested.
 */
import type { AgentModelStatus } from './model-status.js';

/** Failed calls in a row that open the breaker. @defaultValue 3 */
export const DEFAULT_BREAKER_FAILURES = 3;
/** How long an open breaker refuses calls before it lets one through as a probe. @defaultValue 30000 */
export const DEFAULT_BREAKER_OPEN_MS = 30_000;

export type BreakerState = AgentModelStatus['state'];

export interface BreakerSettings {
  /** @defaultValue DEFAULT_BREAKER_FAILURES */
  failureThreshold: number;
  /** @defaultValue DEFAULT_BREAKER_OPEN_MS */
  openMs: number;
}

/** The right to make one call; settle it exactly once (later settlements are ignored). */
export interface BreakerPermit {
  /** Whether this call is the half-open probe. */
  readonly probe: boolean;
  /** The model answered (even with something unusable: it is there). */
  succeeded(): void;
  /** The model did not answer properly: timeout, connection error, HTTP 5xx/429/auth. */
  failed(reason: string): void;
  /** No verdict (the caller gave up for its own reasons, e.g. shutdown): frees a probe slot. */
  release(): void;
}

export type BreakerListener = (status: AgentModelStatus) => void;

/** See the file comment. */
export class CircuitBreaker {
  readonly endpoint: string;
  readonly settings: BreakerSettings;
  private readonly now: () => number;
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private changedAt: number | undefined;
  private unavailableSince: number | undefined;
  private lastError: string | undefined;
  private probing = false;
  private readonly listeners = new Set<BreakerListener>();

  constructor(endpoint: string, settings: Partial<BreakerSettings> = {}, now: () => number = Date.now) {
    this.endpoint = endpoint;
    this.settings = { failureThreshold: settings.failureThreshold ?? DEFAULT_BREAKER_FAILURES, openMs: settings.openMs ?? DEFAULT_BREAKER_OPEN_MS };
    this.now = now;
  }

  /** The state now (an open breaker whose wait is over still reads "open" until a probe is let through). */
  get state(): BreakerState {
    return this.current;
  }

  /** What the registry records for this endpoint. */
  status(): AgentModelStatus {
    return {
      endpoint: this.endpoint,
      state: this.current,
      failures: this.failures,
      ...(this.changedAt !== undefined ? { since: this.changedAt } : {}),
      ...(this.unavailableSince !== undefined ? { unavailableSince: this.unavailableSince } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Be told of every state change; returns the unsubscribe. */
  onChange(listener: BreakerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A permit for one call, or undefined when the breaker refuses it (open, or a probe is already out). */
  acquire(): BreakerPermit | undefined {
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.settings.openMs) return undefined;
      this.probing = true;
      this.transition('half-open');
      return this.permit(true);
    }
    if (this.current === 'half-open') {
      if (this.probing) return undefined;
      this.probing = true;
      return this.permit(true);
    }
    return this.permit(false);
  }

  private permit(probe: boolean): BreakerPermit {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      if (probe) this.probing = false;
      f();
    };
    return {
      probe,
      succeeded: () => settle(() => this.onSuccess()),
      failed: (reason) => settle(() => this.onFailure(reason, probe)),
      release: () => settle(() => undefined),
    };
  }

  private onSuccess(): void {
    this.failures = 0;
    // Any answer is evidence the model is back, also one to a call let through before the breaker opened.
    if (this.current !== 'closed') {
      this.unavailableSince = undefined;
      this.transition('closed');
    }
  }

  private onFailure(reason: string, probe: boolean): void {
    this.failures += 1;
    this.lastError = reason;
    // A late failure of a call let through before the breaker opened says nothing new about the probe.
    if ((this.current === 'half-open' && probe) || (this.current === 'closed' && this.failures >= this.settings.failureThreshold)) {
      this.openedAt = this.now();
      this.unavailableSince ??= this.openedAt;
      this.transition('open');
    }
  }

  private transition(to: BreakerState): void {
    this.current = to;
    this.changedAt = this.now();
    const status = this.status();
    for (const l of this.listeners) l(status);
  }
}
