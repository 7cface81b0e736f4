/**
 * The topology, derived: who writes and who reads each stream, computed from the agents'
 * definitions (never written down twice). The same data drives the topology check below, Redis ACL
 * generation and the console's graph; `liveTopology` in the bus computes the same shape from the
 * registry of running agents, so the two can be compared.
 */
import type { Catalogue } from './catalogue.js';
import { physicalStreams } from './define.js';
import { TopologyError } from './errors.js';
import { catalogue as hiveCatalogue } from './hive.js';

/** What the topology needs of an agent definition (an `AgentDefinition` from @hive/agent is one). */
export interface TopologyAgent {
  readonly name: string;
  /** Streams it consumes, each with the message types it handles. */
  readonly reads: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  /** Streams it publishes to. */
  readonly writes: readonly string[];
  /** The intents it serves on intent.classified (an agent definition's `intents`). */
  readonly intents?: readonly { readonly name: string }[];
}

/** Who writes and who reads one stream, by agent name (the shape of the bus's `liveTopology` too). */
export interface TopologyEdge {
  stream: string;
  writers: string[];
  readers: string[];
}

export interface StreamTopology extends TopologyEdge {
  /** From the catalogue; undefined when an agent uses a stream the catalogue does not know. */
  readonly description: string | undefined;
  /** Per reading agent, the message types it handles. */
  readonly readerTypes: Record<string, string[]>;
  readonly externalWriters: string[];
  readonly externalReaders: string[];
  /** A partitioned stream's physical streams (`wa.inbound.0` …), which keys, ACLs and trims name; absent when not split. */
  readonly shards?: string[];
}

export interface AgentTopology {
  readonly name: string;
  readonly reads: string[];
  readonly writes: string[];
  /** The intents it declares, sorted. */
  readonly intents: string[];
}

export interface Topology {
  /** Catalogue streams in declaration order, then streams agents use that the catalogue lacks. */
  readonly streams: StreamTopology[];
  readonly agents: AgentTopology[];
}

/** Who writes and reads each stream, from the agents' definitions. */
export function deriveTopology(agents: readonly TopologyAgent[], catalogue: Catalogue = hiveCatalogue): Topology {
  const streams = new Map<string, { writers: Set<string>; readerTypes: Map<string, string[]> }>();
  const at = (s: string) => {
    let e = streams.get(s);
    if (!e) streams.set(s, (e = { writers: new Set(), readerTypes: new Map() }));
    return e;
  };
  for (const s of catalogue.streams) at(s.name);
  const agentRows: AgentTopology[] = [];
  for (const a of agents) {
    const reads = Object.keys(a.reads).filter((s) => a.reads[s] !== undefined);
    for (const s of reads) at(s).readerTypes.set(a.name, Object.keys(a.reads[s]!).sort());
    for (const s of a.writes) at(s).writers.add(a.name);
    agentRows.push({ name: a.name, reads: [...reads].sort(), writes: [...new Set(a.writes)].sort(), intents: (a.intents ?? []).map((i) => i.name).sort() });
  }
  return {
    streams: [...streams].map(([stream, e]) => {
      const def = catalogue.stream(stream);
      const readers = [...e.readerTypes.keys()].sort();
      return {
        stream,
        description: def?.description,
        writers: [...e.writers].sort(),
        readers,
        readerTypes: Object.fromEntries(readers.map((r) => [r, e.readerTypes.get(r)!])),
        externalWriters: [...(def?.external?.writers ?? [])],
        externalReaders: [...(def?.external?.readers ?? [])],
        ...(def && (def.partitions?.shards ?? 1) > 1 ? { shards: physicalStreams(def) } : {}),
      };
    }),
    agents: agentRows.sort((x, y) => x.name.localeCompare(y.name)),
  };
}

/**
 * What is wrong with a topology, one line each (empty when fine): a stream nobody reads or nobody
 * writes (unless declared external), an agent using a stream or type the catalogue lacks, or an
 * intent two agents declare.
 */
export function checkTopology(topology: Topology, catalogue: Catalogue = hiveCatalogue): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const servedBy = new Map<string, string>();
  for (const a of topology.agents) {
    if (seen.has(a.name)) out.push(`agent "${a.name}" is defined twice`);
    seen.add(a.name);
    // Two agents serving one intent would both answer every such message.
    for (const i of a.intents ?? []) {
      const other = servedBy.get(i);
      if (other !== undefined && other !== a.name) out.push(`intent "${i}" is declared by both "${other}" and "${a.name}"`);
      else servedBy.set(i, a.name);
    }
  }
  for (const s of topology.streams) {
    const def = catalogue.stream(s.stream);
    if (!def) {
      for (const w of s.writers) out.push(`agent "${w}" writes stream "${s.stream}", which is not in the catalogue`);
      for (const r of s.readers) out.push(`agent "${r}" reads stream "${s.stream}", which is not in the catalogue`);
      continue;
    }
    for (const [agent, types] of Object.entries(s.readerTypes)) {
      if (types.length === 0) out.push(`agent "${agent}" reads stream "${s.stream}" but handles no message type on it`);
      for (const t of types) if (!def.messages[t]) out.push(`agent "${agent}" handles type "${t}", which stream "${s.stream}" does not carry`);
    }
    if (s.readers.length === 0 && s.externalReaders.length === 0) {
      out.push(`stream "${s.stream}" is read by no one (no agent reads it and it declares no external reader)`);
    }
    if (s.writers.length === 0 && s.externalWriters.length === 0) {
      out.push(`stream "${s.stream}" is written by no one (no agent writes it and it declares no external writer)`);
    }
  }
  return out;
}

/** Throw a TopologyError listing every problem `checkTopology` finds. */
export function assertTopology(topology: Topology, catalogue: Catalogue = hiveCatalogue): void {
  const problems = checkTopology(topology, catalogue);
  if (problems.length > 0) throw new TopologyError(problems);
}

/** The topology as stable, diff-friendly JSON (for the generated topology file). */
export function topologyJson(topology: Topology): string {
  return `${JSON.stringify(topology, null, 2)}\n`;
}
