/**
 * The expected network, from topology.json (generated from the agents' definitions): which agents
 * exist and who writes and reads each stream. The live registry says who is actually there; the
 * graph draws both, so an agent that should run and does not shows up as down instead of vanishing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@hive/agent';

export interface ExpectedStream {
  stream: string;
  description: string;
  writers: string[];
  readers: string[];
}

export interface ExpectedTopology {
  /** Where it was read from, or null when there was none. */
  file: string | null;
  agents: { name: string; reads: string[]; writes: string[] }[];
  streams: ExpectedStream[];
}

/** The repository's topology.json, next to apps/ (four levels up from this file, in src or dist). */
export const DEFAULT_TOPOLOGY_FILE = fileURLToPath(new URL('../../../../topology.json', import.meta.url));

/** Read the expected topology; an absent or unreadable file is an empty one (with a warning for the latter). */
export function readTopology(file: string, log: Logger): ExpectedTopology {
  if (!existsSync(file)) return { file: null, agents: [], streams: [] };
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      agents?: { name: string; reads?: string[]; writes?: string[] }[];
      streams?: { stream: string; description?: string; writers?: string[]; readers?: string[] }[];
    };
    return {
      file,
      agents: (doc.agents ?? []).map((a) => ({ name: a.name, reads: a.reads ?? [], writes: a.writes ?? [] })),
      streams: (doc.streams ?? []).map((s) => ({ stream: s.stream, description: s.description ?? '', writers: s.writers ?? [], readers: s.readers ?? [] })),
    };
  } catch (err) {
    log.warn({ file, err: (err as Error).message }, 'topology.json unreadable: the graph shows the live registry only');
    return { file: null, agents: [], streams: [] };
  }
}
