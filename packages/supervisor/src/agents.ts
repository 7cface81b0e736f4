/**
 * How the supervisor starts the network's processes: one per agent (`agentProcess`), or the
 * one-process host with every agent in it (`hostProcess`). From source each runs through tsx with
 * the "@hive/source" export condition (workspace packages resolve to their TypeScript); compiled,
 * plain `node` on `dist/`. Which agents exist, and where their code is: discovery.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AgentDiscoveryError, REPO_ROOT, RUNNING_FROM, type AgentApp, type CodeFrom } from './discovery.js';
import { modelEnv } from './agent-env.js';
import type { ProcessSpec } from './supervisor.js';

/**
 * V8 flags for every process of the network. `--optimize-for-size` makes V8 keep its heap small
 * (smaller young generation, earlier collections): measured after the 25-message conversation, the
 * 13 agents in one compiled process take 139 → 113 MiB, one process per agent 81 → 73 MiB each
 * (BENCHMARKS.md, "Footprint"). It costs CPU: measured later on the running network in one process
 * (BENCHMARKS.md, issue 18), the agents spent a third more CPU per message with it, and the p99 from
 * a message to its reply at 50 msg/s was twice as long; `HIVE_NODE_FLAGS=""` trades the memory back
 * for that. Measured and not taken: `--lite-mode` (94 and
 * 65 MiB) turns WebAssembly off, and Node's fetch (undici's HTTP parser is WebAssembly) then throws,
 * so the OpenAI path would crash; `--no-opt` (100 and 67 MiB) costs 2-3× the CPU per message under
 * load (bench: publish 42-71 → 124-133 µs, consume 102-160 → 352-391 µs). Not settable through
 * NODE_OPTIONS, hence on the command line (systemd units and the image say it too).
 * HIVE_NODE_FLAGS replaces them (space-separated; empty for none), to measure others.
 */
export const NODE_FLAGS: readonly string[] = process.env.HIVE_NODE_FLAGS !== undefined ? process.env.HIVE_NODE_FLAGS.split(/\s+/).filter(Boolean) : ['--optimize-for-size'];

/** Node's arguments before the entry file: the flags, and the TypeScript loader when running from source. */
export function nodeArgs(from: CodeFrom): string[] {
  return from === 'source' ? [...NODE_FLAGS, '--conditions=@hive/source', '--import', 'tsx'] : [...NODE_FLAGS];
}

/** The process spec that runs one agent, from its app directory. */
export function agentProcess(app: AgentApp, env: Record<string, string | undefined>): ProcessSpec {
  return { name: app.name, command: process.execPath, args: [...nodeArgs(app.from), app.entry], cwd: app.dir, env: modelEnv(env, app.usesModel) };
}

export interface HostProcessOptions {
  /** @defaultValue REPO_ROOT */
  root?: string;
  /** @defaultValue RUNNING_FROM */
  from?: CodeFrom;
  /** Only these agents (HIVE_AGENTS). @defaultValue every agent app */
  agents?: readonly string[];
  /** The name in the supervisor's log prefix. @defaultValue "agents" */
  name?: string;
}

/** The process spec that runs the agents in one process (host-main.ts). */
export function hostProcess(env: Record<string, string | undefined>, opts: HostProcessOptions = {}): ProcessSpec {
  const root = opts.root ?? REPO_ROOT;
  const from = opts.from ?? RUNNING_FROM;
  const entry = join(root, 'packages', 'supervisor', from === 'source' ? 'src/host-main.ts' : 'dist/host-main.js');
  if (!existsSync(entry)) throw new AgentDiscoveryError(`${entry} is missing: run \`npm run build\`, or run from source`);
  return {
    name: opts.name ?? 'agents',
    command: process.execPath,
    args: [...nodeArgs(from), entry],
    cwd: root,
    env: { ...env, ...(opts.agents ? { HIVE_AGENTS: opts.agents.join(',') } : {}) },
  };
}

/**
 * The process spec that runs the web console alone (apps/console's main), for one process per agent;
 * in one-process mode the host serves it (HIVE_CONSOLE=1, host-main.ts) and no spec is needed.
 */
export function consoleProcess(env: Record<string, string | undefined>, opts: { root?: string; from?: CodeFrom } = {}): ProcessSpec {
  const root = opts.root ?? REPO_ROOT;
  const from = opts.from ?? RUNNING_FROM;
  const entry = join(root, 'apps', 'console', from === 'source' ? 'src/main.ts' : 'dist/main.js');
  if (!existsSync(entry)) throw new AgentDiscoveryError(`${entry} is missing: run \`npm run build\`, or run from source`);
  return { name: 'console', command: process.execPath, args: [...nodeArgs(from), entry], cwd: root, env };
}
