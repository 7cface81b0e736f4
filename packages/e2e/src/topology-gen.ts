/** Writes topology.json at the repo root from the agents' definitions: `pnpm --filter @hive/e2e topology`. */
import { writeFileSync } from 'node:fs';
import { assertTopology, topologyJson } from '@hive/contracts';
import { networkTopology, TOPOLOGY_FILE } from './topology.js';

const topology = await networkTopology();
assertTopology(topology);
writeFileSync(TOPOLOGY_FILE, topologyJson(topology));
console.log(`wrote ${TOPOLOGY_FILE}: ${topology.streams.length} streams, ${topology.agents.length} agents`);
