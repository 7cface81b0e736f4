/**
 * The network's topology derived from the agents' own definitions (`apps/<name>/src/agent.ts`),
 * never written by hand. `topology.json` at the repo root is generated from it (for ACLs and the
 * console), and a test fails when that file is stale or a stream is read or written by no one.
 * The definitions come from the supervisor's discovery, the same list `npm start` runs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deriveTopology, type Topology, type TopologyAgent } from '@hive/contracts';
import { loadDefinitions } from '@hive/supervisor';
import { ROOT } from './network.js';

export const TOPOLOGY_FILE = join(ROOT, 'topology.json');

/** Import every agent app's definition. */
export async function loadAgentDefinitions(root = ROOT): Promise<TopologyAgent[]> {
  return (await loadDefinitions(root)) as TopologyAgent[];
}

/** The topology of the agents in this checkout. */
export async function networkTopology(root = ROOT): Promise<Topology> {
  return deriveTopology(await loadAgentDefinitions(root));
}

/** Names of the agent apps with a definition file (the topology test's check on discovery). */
export function agentAppNames(root = ROOT): string[] {
  return readdirSync(join(root, 'apps')).filter((n) => existsSync(join(root, 'apps', n, 'src', 'agent.ts'))).sort();
}
