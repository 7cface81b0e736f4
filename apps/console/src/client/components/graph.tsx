/**
 * The network as a graph: agents as boxes coloured by health, each stream as a small junction node
 * between the agents that write it and those that read it; an edge into a reader carries that
 * group's lag, so a reader falling behind shows on its own edge. Laid out left to right by dagre
 * (only when the shape changes: live numbers do not move anything), drawn as SVG.
 */
import dagre from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import { count, rate } from '../format.js';
import type { AgentView, Snapshot, StreamView } from '../types.js';

const AGENT = { width: 150, height: 46 };
const STREAM = { width: 150, height: 40 };

interface Layout {
  minX: number;
  minY: number;
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number }>;
  edges: { from: string; to: string; stream: string; reader: string | null; points: { x: number; y: number }[] }[];
}

const agentId = (name: string) => `a:${name}`;
const streamId = (name: string) => `s:${name}`;

/** Agents that read every stream there is (archivist): their edges would say nothing and hide the rest. */
export function readersOfEverything(streams: readonly StreamView[]): Set<string> {
  const withReaders = streams.filter((s) => s.writers.length > 0);
  const out = new Set<string>();
  if (withReaders.length < 3) return out;
  for (const r of withReaders[0]!.readers) if (withReaders.every((s) => s.readers.includes(r))) out.add(r);
  return out;
}

function layout(agents: readonly string[], streams: readonly StreamView[]): Layout {
  const everywhere = readersOfEverything(streams);
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const a of agents) g.setNode(agentId(a), { ...AGENT });
  for (const s of streams) {
    if (s.writers.length === 0 && s.readers.length === 0) continue;
    g.setNode(streamId(s.stream), { ...STREAM });
    for (const w of s.writers) if (agents.includes(w)) g.setEdge(agentId(w), streamId(s.stream), { weight: 2 });
    // A reader of every stream (archivist) would tie every column to one node: it is drawn without edges, labelled instead.
    for (const r of s.readers) if (agents.includes(r) && !everywhere.has(r)) g.setEdge(streamId(s.stream), agentId(r), { weight: 1 });
  }
  dagre.layout(g);
  const nodes = new Map<string, { x: number; y: number }>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    nodes.set(id, { x: n.x, y: n.y });
  }
  const edges = g.edges().map((e) => {
    const fromStream = e.v.startsWith('s:');
    return {
      from: e.v,
      to: e.w,
      stream: fromStream ? e.v.slice(2) : e.w.slice(2),
      reader: fromStream ? e.w.slice(2) : null,
      points: (g.edge(e) as { points: { x: number; y: number }[] }).points,
    };
  });
  // Edges routed around a cycle (wa.outbound back to kami) can leave the graph's box: fit the view to everything drawn.
  let minX = 0;
  let minY = 0;
  let maxX = g.graph().width ?? 800;
  let maxY = g.graph().height ?? 400;
  for (const e of edges) for (const p of e.points) [minX, minY, maxX, maxY] = [Math.min(minX, p.x - 10), Math.min(minY, p.y - 10), Math.max(maxX, p.x + 10), Math.max(maxY, p.y + 10)];
  return { minX, minY, width: maxX - minX, height: maxY - minY, nodes, edges };
}

function path(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  return `M${first!.x},${first!.y} ${rest.map((p) => `L${p.x},${p.y}`).join(' ')}`;
}

/** The graph of `snapshot`; clicking a node opens its agent or stream. */
export function NetworkGraph({ snapshot }: { snapshot: Snapshot }) {
  const agents = snapshot.agents.map((a) => a.name);
  const shapeKey = JSON.stringify([agents, snapshot.streams.map((s) => [s.stream, s.writers, s.readers])]);
  const l = useMemo(() => layout(agents, snapshot.streams), [shapeKey]);
  const byAgent = new Map(snapshot.agents.map((a) => [a.name, a]));
  const byStream = new Map(snapshot.streams.map((s) => [s.stream, s]));
  const everywhere = readersOfEverything(snapshot.streams);

  return (
    <svg class="graph" viewBox={`${l.minX} ${l.minY} ${l.width} ${l.height}`} style={{ maxWidth: `${Math.max(l.width, 600)}px` }} role="img" aria-label="the network: agents and the streams between them">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
        </marker>
      </defs>
      {l.edges.map((e) => {
        const s = byStream.get(e.stream);
        const group = e.reader ? s?.groups.find((g) => g.name === e.reader) : undefined;
        const lag = group?.lag ?? 0;
        const pending = group?.pending ?? 0;
        const cls = ['edge', e.reader === 'archivist' ? 'quiet' : '', lag > 0 || pending > 0 ? 'behind' : ''].join(' ');
        const mid = e.points[Math.floor(e.points.length / 2)];
        return (
          <g key={`${e.from}>${e.to}`} class={cls} data-edge={`${e.from.slice(2)}>${e.to.slice(2)}`}>
            <path d={path(e.points)} marker-end="url(#arrow)" />
            {e.reader && (lag > 0 || pending > 0) && mid ? (
              <text x={mid.x} y={mid.y - 4} class="edge-label">
                {lag > 0 ? `lag ${count(lag)}` : ''}
                {pending > 0 ? ` pending ${count(pending)}` : ''}
              </text>
            ) : null}
          </g>
        );
      })}
      {[...l.nodes].map(([id, p]) => {
        if (id.startsWith('a:')) {
          const a = byAgent.get(id.slice(2));
          return a ? <AgentNode key={id} agent={a} x={p.x} y={p.y} readsAll={everywhere.has(a.name)} /> : null;
        }
        const s = byStream.get(id.slice(2));
        return s ? <StreamNode key={id} stream={s} x={p.x} y={p.y} /> : null;
      })}
    </svg>
  );
}

function AgentNode({ agent, x, y, readsAll }: { agent: AgentView; x: number; y: number; readsAll: boolean }) {
  const up = agent.instances.length;
  return (
    <a href={`#/agents/${encodeURIComponent(agent.name)}`}>
      <g class={`node agent ${agent.health}`} data-agent={agent.name} data-health={agent.health} transform={`translate(${x - AGENT.width / 2},${y - AGENT.height / 2})`}>
        <title>{`${agent.name}: ${agent.health}${agent.healthReason ? ` — ${agent.healthReason}` : ''}`}</title>
        <rect width={AGENT.width} height={AGENT.height} rx="8" />
        <circle cx="14" cy="16" r="5" class="dot" />
        <text x="26" y="20" class="name">
          {agent.name}
        </text>
        <text x="12" y="37" class="sub">
          {agent.health === 'down' ? 'down' : `${up} instance${up === 1 ? '' : 's'}${agent.restarts > 0 ? ` · ${agent.restarts}↻` : ''}`}
          {readsAll ? ' · reads every stream' : ''}
        </text>
      </g>
    </a>
  );
}

function StreamNode({ stream, x, y }: { stream: StreamView; x: number; y: number }) {
  return (
    <a href={`#/streams/${encodeURIComponent(stream.stream)}`}>
      <g class={`node stream${stream.deadLetters > 0 ? ' dlq' : ''}`} data-stream={stream.stream} transform={`translate(${x - STREAM.width / 2},${y - STREAM.height / 2})`}>
        <title>{`${stream.stream}: ${count(stream.length)} entries, ${rate(stream.writeRate.rate)}, lag ${count(stream.lag)}, ${stream.deadLetters} dead letters`}</title>
        <rect width={STREAM.width} height={STREAM.height} rx="20" />
        <text x={STREAM.width / 2} y="17" class="name" text-anchor="middle">
          {stream.stream}
        </text>
        <text x={STREAM.width / 2} y="31" class="sub" text-anchor="middle">
          {rate(stream.writeRate.rate)} · lag {count(stream.lag)}
          {stream.deadLetters > 0 ? ` · ${stream.deadLetters} dl` : ''}
        </text>
      </g>
    </a>
  );
}
