/** The topology derived from the agents' definitions is complete, and topology.json is up to date. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { checkTopology, topologyJson } from '@hive/contracts';
import { agentAppNames, networkTopology, TOPOLOGY_FILE } from '../src/topology.js';

// Importing the 13 agents' definitions from source is the slow part (tens of seconds on a loaded machine).
const IMPORT_BUDGET_MS = 120_000;

it('every stream is written and read by someone (or declared external)', async () => {
  const topology = await networkTopology();
  expect(topology.agents.map((a) => a.name).sort()).toEqual(agentAppNames());
  expect(checkTopology(topology)).toEqual([]);
}, IMPORT_BUDGET_MS);

it('topology.json is generated from the definitions (run `pnpm --filter @hive/e2e topology` when this fails)', async () => {
  const topology = await networkTopology();
  expect(readFileSync(TOPOLOGY_FILE, 'utf8')).toBe(topologyJson(topology));
}, IMPORT_BUDGET_MS);
