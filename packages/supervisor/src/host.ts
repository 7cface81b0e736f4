/**
 * Several agents in one Node process: the default way `npm start` runs the network, and one of the
 * two ways to deploy it (the other is one process per agent). Each agent is started with the same
 * `startAgent` a process of its own would use, with its own environment (so its own Redis URL and
 * ACL user, log level and settings), its own bus connections, consumer groups, logger and
 * readiness; the agents share the process's HTTP server and log destination only.
 *
 * Isolation, and what it does not cover:
 * - a handler that throws is the bus's business (retry, dead letter): the agent and its neighbours
 *   go on;
 * - an agent whose start fails is reported (log, /healthz) and started again with backoff, while
 *   the others run; a configuration error is reported once and not retried, since a running
 *   process's environment does not change;
 * - an uncaught exception or unhandled rejection ends the whole process (host-main.ts): its state
 *   is unknown, and restarting it is what the supervisor, systemd or Docker is for. Nothing is lost
 *   by that: what was not acked is still pending, and the restarted agents, with their stable
 *   consumer names, handle it first.
 * Whoever needs an agent's crash to leave the others untouched runs one process per agent.
 */
import { ConfigError, errorMessage } from '@hive/bus';
import { EnvConfigError, startAgent, type AgentHandle, type AnyAgentDefinition, type Env, type ProcessStatus, type SharedServices, type StartAgentOptions } from '@hive/agent';

export interface HostedAgent {
  readonly definition: AnyAgentDefinition;
  /** The agent's whole environment (the host's, plus its own file and Redis URL). */
  readonly env: Env;
}

export interface HostOptions {
  readonly shared: SharedServices;
  /** First delay before starting a failed agent again; doubles per failure. @defaultValue 1000 */
  readonly retryBaseMs?: number;
  /** @defaultValue 30000 */
  readonly retryMaxMs?: number;
  /** Passed to every agent's startAgent (tests use short timings). */
  readonly agentOptions?: Omit<StartAgentOptions, 'env' | 'shared'>;
}

export type HostedAgentPhase = 'starting' | 'running' | 'waiting' | 'failed' | 'stopped';

export interface HostedAgentState {
  readonly name: string;
  readonly phase: HostedAgentPhase;
  /** Start attempts so far. */
  readonly attempts: number;
  /** Why the last start failed. */
  readonly error?: string;
  /** When it is tried again (phase "waiting"). */
  readonly retryAt?: number;
}

export interface Host {
  /** Every agent's state, by name. */
  states(): HostedAgentState[];
  /** The running agent's handle, if it runs. */
  handle(name: string): AgentHandle | undefined;
  /** For the process's /healthz and /readyz: not ok while an agent could not be started. */
  status(): ProcessStatus;
  /** Resolves once every agent has had its first start attempt. */
  readonly settled: Promise<void>;
  /** The longest stop() should take. */
  stopTimeoutMs(): number;
  /** Start one more agent (a new agent app appeared while running); a name already hosted is an error. */
  add(agent: HostedAgent): Promise<void>;
  /** Stop every running agent (in parallel) and every pending retry. */
  stop(): Promise<void>;
}

interface Slot {
  readonly name: string;
  readonly agent: HostedAgent;
  phase: HostedAgentPhase;
  attempts: number;
  error: string | undefined;
  retryAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  handle: AgentHandle | undefined;
  starting: Promise<void> | undefined;
}

/** Start every agent; resolves at once (see `settled` for the first attempts). */
export function startHost(agents: readonly HostedAgent[], opts: HostOptions): Host {
  const log = opts.shared.log;
  const baseMs = opts.retryBaseMs ?? 1_000;
  const maxMs = opts.retryMaxMs ?? 30_000;
  const slots = new Map<string, Slot>();
  const slotFor = (agent: HostedAgent): Slot => {
    const name = agent.definition.name;
    if (slots.has(name)) throw new ConfigError(`two agents named "${name}" in one host`);
    const slot: Slot = { name, agent, phase: 'starting', attempts: 0, error: undefined, retryAt: undefined, timer: undefined, handle: undefined, starting: undefined };
    slots.set(name, slot);
    return slot;
  };
  for (const agent of agents) slotFor(agent);
  let stopping = false;

  const attempt = (slot: Slot): Promise<void> =>
    (slot.starting = (async () => {
      slot.phase = 'starting';
      slot.attempts++;
      slot.retryAt = undefined;
      try {
        const handle = await startAgent(slot.agent.definition, { ...opts.agentOptions, env: slot.agent.env, shared: opts.shared });
        if (stopping) {
          await handle.stop();
          return;
        }
        slot.handle = handle;
        slot.phase = 'running';
        slot.error = undefined;
        if (slot.attempts > 1) log.info({ agent: slot.name, attempts: slot.attempts }, 'agent started after failed attempts');
      } catch (err) {
        slot.error = errorMessage(err);
        if (stopping) return;
        if (err instanceof EnvConfigError) {
          // The environment of a running process does not change: trying again would fail the same way.
          slot.phase = 'failed';
          log.error({ agent: slot.name, err: slot.error }, 'agent cannot start: its configuration is invalid (the other agents go on)');
          return;
        }
        const delay = Math.min(maxMs, baseMs * 2 ** (slot.attempts - 1));
        slot.phase = 'waiting';
        slot.retryAt = Date.now() + delay;
        log.error({ agent: slot.name, err: slot.error, attempt: slot.attempts, retryInMs: delay }, 'agent failed to start; trying again (the other agents go on)');
        slot.timer = setTimeout(() => void attempt(slot), delay);
      } finally {
        slot.starting = undefined;
      }
    })());

  const settled = Promise.all([...slots.values()].map((s) => attempt(s))).then(() => undefined);

  return {
    settled,
    states: () =>
      [...slots.values()].map((s) => ({
        name: s.name,
        phase: s.phase,
        attempts: s.attempts,
        ...(s.error !== undefined && s.phase !== 'running' ? { error: s.error } : {}),
        ...(s.retryAt !== undefined ? { retryAt: s.retryAt } : {}),
      })),
    handle: (name) => slots.get(name)?.handle,
    status() {
      const notRunning = [...slots.values()].filter((s) => s.phase === 'waiting' || s.phase === 'failed');
      return {
        ok: notRunning.length === 0,
        ...(notRunning.length > 0 ? { notStarted: Object.fromEntries(notRunning.map((s) => [s.name, { phase: s.phase, attempts: s.attempts, error: s.error }])) } : {}),
      };
    },
    async add(agent) {
      if (stopping) return;
      await attempt(slotFor(agent));
    },
    stopTimeoutMs: () => Math.max(0, ...[...slots.values()].map((s) => s.handle?.stopTimeoutMs ?? 0)),
    async stop() {
      stopping = true;
      await Promise.all(
        [...slots.values()].map(async (s) => {
          clearTimeout(s.timer);
          await s.starting;
          await s.handle?.stop().catch((err: unknown) => log.error({ agent: s.name, err: errorMessage(err) }, 'agent did not stop cleanly'));
          s.handle = undefined;
          s.phase = 'stopped';
        }),
      );
    },
  };
}
