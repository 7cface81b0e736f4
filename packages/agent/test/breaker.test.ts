/** The circuit breaker's transitions, on an injected clock; and the process's registry of breakers. */
import { describe, expect, it } from 'vitest';
import type { AgentModelStatus } from '../src/index.js';
import { agentModels, CircuitBreaker, endpointId, forgetModelBreakers, modelBreaker, watchAgentModels } from '../src/index.js';

function clocked(settings = { failureThreshold: 3, openMs: 1_000 }) {
  let t = 10_000;
  const b = new CircuitBreaker('m@http://x/v1', settings, () => t);
  const changes: AgentModelStatus[] = [];
  b.onChange((s) => changes.push(s));
  return { b, changes, advance: (ms: number) => (t += ms), now: () => t };
}

const fail = (b: CircuitBreaker, reason = 'HTTP 500') => b.acquire()!.failed(reason);

describe('circuit breaker', () => {
  it('stays closed through fewer failures in a row than the threshold; an answer resets the count', () => {
    const { b, changes } = clocked();
    fail(b);
    fail(b);
    b.acquire()!.succeeded();
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
    expect(b.status()).toEqual({ endpoint: 'm@http://x/v1', state: 'closed', failures: 2, lastError: 'HTTP 500' });
    expect(changes).toEqual([]);
  });

  it('opens after the threshold and refuses every call until openMs has passed', () => {
    const { b, changes, advance, now } = clocked();
    const opened = now();
    fail(b);
    fail(b);
    fail(b, 'timed out after 5000 ms');
    expect(b.state).toBe('open');
    expect(changes).toEqual([{ endpoint: 'm@http://x/v1', state: 'open', failures: 3, since: opened, unavailableSince: opened, lastError: 'timed out after 5000 ms' }]);
    expect(b.acquire()).toBeUndefined();
    advance(999);
    expect(b.acquire()).toBeUndefined();
  });

  it('lets exactly one probe through once openMs has passed; its answer closes the breaker', () => {
    const { b, changes, advance } = clocked();
    for (let i = 0; i < 3; i++) fail(b);
    advance(1_000);
    const probe = b.acquire()!;
    expect(probe.probe).toBe(true);
    expect(b.state).toBe('half-open');
    // one probe at a time: the others are still answered from the rules
    expect(b.acquire()).toBeUndefined();
    expect(b.acquire()).toBeUndefined();
    probe.succeeded();
    expect(b.state).toBe('closed');
    expect(b.status()).toMatchObject({ state: 'closed', failures: 0 });
    expect(b.status().unavailableSince).toBeUndefined();
    expect(changes.map((c) => c.state)).toEqual(['open', 'half-open', 'closed']);
    expect(b.acquire()!.probe).toBe(false);
  });

  it('a failed probe opens it for another openMs, and the outage keeps its start', () => {
    const { b, changes, advance } = clocked();
    for (let i = 0; i < 3; i++) fail(b);
    const start = b.status().unavailableSince;
    advance(1_000);
    b.acquire()!.failed('HTTP 503');
    expect(b.state).toBe('open');
    expect(b.status()).toMatchObject({ state: 'open', unavailableSince: start, lastError: 'HTTP 503', failures: 4 });
    advance(999);
    expect(b.acquire()).toBeUndefined();
    advance(1);
    expect(b.acquire()!.probe).toBe(true);
    expect(changes.map((c) => c.state)).toEqual(['open', 'half-open', 'open', 'half-open']);
  });

  it('a released probe (no verdict) frees the slot for the next call', () => {
    const { b, advance } = clocked();
    for (let i = 0; i < 3; i++) fail(b);
    advance(1_000);
    b.acquire()!.release();
    expect(b.state).toBe('half-open');
    expect(b.acquire()!.probe).toBe(true);
  });

  it('a late failure of a call let through before it opened does not cut a probe short', () => {
    const { b, advance } = clocked();
    const early = b.acquire()!;
    for (let i = 0; i < 3; i++) fail(b);
    advance(1_000);
    const probe = b.acquire()!;
    early.failed('timed out');
    expect(b.state).toBe('half-open');
    probe.succeeded();
    expect(b.state).toBe('closed');
  });

  it('any answer closes it, also one to a call let through before it opened', () => {
    const { b } = clocked();
    const early = b.acquire()!;
    for (let i = 0; i < 3; i++) fail(b);
    early.succeeded();
    expect(b.state).toBe('closed');
  });

  it('a permit settles once: a second verdict is ignored', () => {
    const { b } = clocked({ failureThreshold: 1, openMs: 1_000 });
    const p = b.acquire()!;
    p.succeeded();
    p.failed('late');
    expect(b.state).toBe('closed');
  });
});

describe('the process registry of breakers', () => {
  it('one breaker per endpoint, shared by every agent that uses it; each agent lists its endpoints and hears of changes', () => {
    forgetModelBreakers();
    const seen: AgentModelStatus[][] = [];
    const unwatch = watchAgentModels('box', (m) => seen.push(m));
    const chat = endpointId('gpt-4o-mini', 'https://user:secret@llm.example.com/v1/?k=1');
    expect(chat).toBe('gpt-4o-mini@https://llm.example.com/v1');
    const a = modelBreaker(chat, { settings: { failureThreshold: 1 }, agent: 'iris' });
    const b = modelBreaker(chat, { settings: { failureThreshold: 9 }, agent: 'box' });
    expect(b).toBe(a);
    expect(b.settings.failureThreshold).toBe(1); // the first settings win
    expect(seen).toEqual([[{ endpoint: chat, state: 'closed', failures: 0 }]]);
    a.acquire()!.failed('HTTP 500');
    expect(seen.at(-1)).toEqual([expect.objectContaining({ endpoint: chat, state: 'open' })]);
    expect(agentModels('iris')).toEqual(agentModels('box'));
    expect(agentModels('scribe')).toEqual([]);
    unwatch();
    modelBreaker(endpointId('whisper-1', undefined), { agent: 'box' });
    expect(seen).toHaveLength(2);
    expect(agentModels('box').map((m) => m.endpoint)).toEqual([chat, 'whisper-1@https://api.openai.com/v1']);
    forgetModelBreakers();
  });
});
