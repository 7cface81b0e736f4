/** The network at a glance: the graph, and what needs attention (agents not up, readers behind, dead letters). */
import { NetworkGraph } from '../components/graph.js';
import { count } from '../format.js';
import type { Snapshot } from '../types.js';

export function NetworkPage({ snapshot }: { snapshot: Snapshot | null }) {
  if (!snapshot) return <p class="muted">Reading the network…</p>;
  const notUp = snapshot.agents.filter((a) => a.health !== 'up');
  const behind = snapshot.streams.flatMap((s) => s.groups.filter((g) => (g.lag ?? 0) > 0 || g.pending > 0).map((g) => ({ stream: s.stream, g })));
  const dead = snapshot.streams.filter((s) => s.deadLetters > 0);
  return (
    <section>
      <h2>
        Network <span class="muted small">{snapshot.agents.length} agents · {snapshot.streams.length} streams</span>
      </h2>
      <div class="graph-wrap">
        <NetworkGraph snapshot={snapshot} />
      </div>
      <div class="legend muted small">
        <span class="key up" /> up <span class="key degraded" /> degraded (late heartbeat, not ready, stopping) <span class="key down" /> down (expected, not registered) · pills are streams:
        writes per second and the largest lag of their readers; a red edge is a reader with lag or pending entries.
      </div>
      <div class="attention">
        <h3>Needs attention</h3>
        {notUp.length + behind.length + dead.length === 0 ? <p class="muted">Nothing: every agent is up, no reader is behind, no dead letters.</p> : null}
        <ul>
          {notUp.map((a) => (
            <li key={`a-${a.name}`}>
              <a href={`#/agents/${a.name}`}>{a.name}</a> is <b class={a.health}>{a.health}</b>: {a.healthReason}
            </li>
          ))}
          {behind.map(({ stream, g }) => (
            <li key={`g-${stream}-${g.name}`}>
              <a href={`#/streams/${stream}`}>{stream}</a>: group {g.name} has lag {count(g.lag)}, {count(g.pending)} pending
            </li>
          ))}
          {dead.map((s) => (
            <li key={`d-${s.stream}`}>
              <a href={`#/dead-letters/${s.stream}`}>{s.stream}</a>: {count(s.deadLetters)} dead letters
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
