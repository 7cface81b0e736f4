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
 * V8 flags for every process of the network: a young generation of up to 4 MiB a half (V8's default
 * is larger on 64-bit, `--optimize-for-size`'s 1 MiB), and an old generation that grows by half
 * its size at each limit instead of V8's faster growth. Measured (BENCHMARKS.md, issue 18, V8's
 * flags) against `--optimize-for-size`, which this replaced: the compiled host 123.0 against 127.9
 * MiB, `npm start` 233-236 against 242 MiB; a quarter less CPU from start through the footprint
 * conversation; on the running network a third less CPU per message at 2 msg/s and a shorter p99
 * (a scavenge every 1 MiB of garbage fell inside nearly every message's path). With no flag at all
 * the host takes 151.1 MiB. Measured and not taken: `--lite-mode` turns WebAssembly off, and Node's
 * fetch (undici's HTTP parser is WebAssembly) then throws, so the OpenAI path would crash; `--no-opt`
 * costs 2-3× the CPU per message under load. `--heap-growing-percent` is not settable through
 * NODE_OPTIONS, hence on the command line (the systemd units and the image's entry point say it too).
 * `--expose-gc` gives the agent runtime V8's `gc`, with which it collects the young generation in
 * the quiet after work rather than inside the next message's path (@hive/agent's idle-scavenge.ts;
 * without the flag that is off). HIVE_NODE_FLAGS replaces them (space-separated; empty for none),
 * to measure others.
 */
export const DEFAULT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=50', '--expose-gc'];

export const NODE_FLAGS: readonly string[] = process.env.HIVE_NODE_FLAGS !== undefined ? process.env.HIVE_NODE_FLAGS.split(/\s+/).filter(Boolean) : DEFAULT_NODE_FLAGS;

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
