/** The topology derived from the agents' definitions is complete, and topology.json is up to date. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { checkTopology, topologyJson } from '@hive/contracts';
import { agentAppNames, networkTopology, TOPOLOGY_FILE } from '../src/topology.js';

it('every stream is written and read by someone (or declared external)', async () => {
  const topology = await networkTopology();
  expect(topology.agents.map((a) => a.name).sort()).toEqual(agentAppNames());
  expect(checkTopology(topology)).toEqual([]);
});

it('topology.json is generated from the definitions (run `pnpm --filter @hive/e2e topology` when this fails)', async () => {
  const topology = await networkTopology();
  expect(readFileSync(TOPOLOGY_FILE, 'utf8')).toBe(topologyJson(topology));
});
