/**
 * The network's topology derived from the agents' own definitions (`apps/<name>/src/agent.ts`),
 * never written by hand. `topology.json` at the repo root is generated from it (for ACLs and the
 * console), and a test fails when that file is stale or a stream is read or written by no one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deriveTopology, type Topology, type TopologyAgent } from '@hive/contracts';
import { discoverAgents } from '@hive/supervisor';
import { ROOT } from './network.js';

export const TOPOLOGY_FILE = join(ROOT, 'topology.json');

function isDefinition(v: unknown): v is TopologyAgent {
  return typeof v === 'object' && v !== null && typeof (v as TopologyAgent).name === 'string' && Array.isArray((v as TopologyAgent).writes) && typeof (v as TopologyAgent).reads === 'object';
}

/** Import every agent app's definition (the export of its src/agent.ts that looks like one). */
export async function loadAgentDefinitions(root = ROOT): Promise<TopologyAgent[]> {
  const out: TopologyAgent[] = [];
  for (const app of discoverAgents(root)) {
    const file = join(app.dir, 'src', 'agent.ts');
    if (!existsSync(file)) throw new Error(`agent app "${app.name}" has no src/agent.ts`);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const defs = Object.values(mod).filter(isDefinition).filter((d) => d.name === app.name);
    if (defs.length !== 1) throw new Error(`apps/${app.name}/src/agent.ts should export exactly one definition named "${app.name}" (found ${defs.length})`);
    out.push(defs[0]!);
  }
  return out;
}

/** The topology of the agents in this checkout. */
export async function networkTopology(root = ROOT): Promise<Topology> {
  return deriveTopology(await loadAgentDefinitions(root));
}

/** Names of the agent apps (for the topology test's sanity check). */
export function agentAppNames(root = ROOT): string[] {
  return readdirSync(join(root, 'apps')).filter((n) => existsSync(join(root, 'apps', n, 'src', 'agent.ts'))).sort();
}
