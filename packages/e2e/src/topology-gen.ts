/**
 * Writes topology.json at the repo root from the agents' definitions: `pnpm --filter @hive/e2e topology`
 * (`hive gen` runs it). `--check` writes nothing and exits 1 when the file is stale.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { assertTopology, topologyJson } from '@hive/contracts';
import { networkTopology, TOPOLOGY_FILE } from './topology.js';

const topology = await networkTopology();
assertTopology(topology);
const content = topologyJson(topology);
const current = existsSync(TOPOLOGY_FILE) ? readFileSync(TOPOLOGY_FILE, 'utf8') : undefined;
if (process.argv.includes('--check')) {
  if (current !== content) {
    console.error(`stale: ${TOPOLOGY_FILE}`);
    process.exit(1);
  }
} else if (current === content) {
  console.log(`${TOPOLOGY_FILE} is up to date`);
} else {
  writeFileSync(TOPOLOGY_FILE, content);
  console.log(`wrote ${TOPOLOGY_FILE}: ${topology.streams.length} streams, ${topology.agents.length} agents`);
}
