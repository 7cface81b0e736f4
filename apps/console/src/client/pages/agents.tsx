/** Every agent: health, instances (heartbeat, version, host, readiness, model), restarts, skills, streams. */
import { ago, time } from '../format.js';
import { TableHead } from '../components/table-head.js';
import type { AgentView, ModelView, Snapshot } from '../types.js';

/** "gpt-4o-mini ok", "gpt-4o-mini down since 2 min ago (HTTP 500)", "gpt-4o-mini probing"; null when the agent uses the rules only. */
function modelText(models: readonly ModelView[], now: number): string | null {
  if (models.length === 0) return null;
  return models
    .map((m) => {
      const name = m.endpoint.split('@')[0] ?? m.endpoint;
      if (m.state === 'closed') return `${name} ok`;
      const down = m.unavailableSince !== undefined ? ` since ${ago(m.unavailableSince, now)}` : '';
      return `${name} ${m.state === 'open' ? 'down' : 'probing'}${down}${m.lastError ? ` (${m.lastError})` : ''}`;
    })
    .join('; ');
}

function AgentCard({ agent, open }: { agent: AgentView; open: boolean }) {
  return (
    <article class={`card agent-card ${agent.health}`} data-agent-card={agent.name} id={`agent-${agent.name}`}>
      <header>
        <h3>
          <span class={`dot ${agent.health}`} /> {agent.name}
        </h3>
        <span class={`pill ${agent.health === 'up' ? 'ok' : agent.health === 'down' ? 'bad' : 'warn'}`}>{agent.health}</span>
        {agent.restarts > 0 ? <span class="pill warn" title="restarts seen since the console started">{agent.restarts} restart{agent.restarts === 1 ? '' : 's'}</span> : null}
      </header>
      {agent.healthReason ? <p class="small bad-text">{agent.healthReason}</p> : null}
      {agent.description ? <p class="small">{agent.description}</p> : null}
      <table class="small">
        <TableHead columns={['instance', 'version', 'host / pid', 'status', 'heartbeat', 'up since', 'ready', 'model']} />
        <tbody>
          {agent.instances.map((i) => (
            <tr key={i.instance}>
              <td>{i.instance}</td>
              <td>{i.version}</td>
              <td>
                {i.host} / {i.pid}
              </td>
              <td>{i.status}</td>
              <td>{ago(i.lastSeen)}</td>
              <td title={time(i.startedAt)}>{ago(i.startedAt)}</td>
              <td title={i.readyDetail ?? ''}>{i.ready === null ? '—' : i.ready ? 'ready' : `not ready${i.readyDetail ? `: ${i.readyDetail}` : ''}`}</td>
              <td>{modelText(i.models, Date.now()) ?? <span class="muted">—</span>}</td>
            </tr>
          ))}
          {agent.instances.length === 0 ? (
            <tr>
              <td colSpan={8} class="muted">
                no instance registered
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <p class="small">
        reads {agent.reads.map((s) => <a key={s} href={`#/streams/${s}`} class="tag">{s}</a>)} · writes{' '}
        {agent.writes.map((s) => <a key={s} href={`#/streams/${s}`} class="tag">{s}</a>)}
      </p>
      {open && agent.skills.length > 0 ? (
        <ul class="small skills">
          {agent.skills.map((s) => (
            <li key={s.name}>
              <b>{s.name}</b>: {s.description}
              {s.examples?.length ? <span class="muted"> — e.g. “{s.examples.slice(0, 2).join('”, “')}”</span> : null}
            </li>
          ))}
        </ul>
      ) : agent.skills.length > 0 ? (
        <p class="small">
          <a href={`#/agents/${agent.name}`}>{agent.skills.length} skills</a>
        </p>
      ) : null}
    </article>
  );
}

export function AgentsPage({ snapshot, selected }: { snapshot: Snapshot | null; selected: string | null }) {
  if (!snapshot) return <p class="muted">Reading the registry…</p>;
  const agents = selected ? snapshot.agents.filter((a) => a.name === selected) : snapshot.agents;
  return (
    <section>
      <h2>
        Agents{' '}
        {selected ? (
          <a class="small" href="#/agents">
            all agents
          </a>
        ) : (
          <span class="muted small">from their heartbeats in the registry; restarts counted since the console started</span>
        )}
      </h2>
      {agents.length === 0 ? <p class="muted">No agent {selected ? `named ${selected}` : 'registered'}.</p> : null}
      <div class="cards">
        {agents.map((a) => (
          <AgentCard key={a.name} agent={a} open={selected !== null} />
        ))}
      </div>
    </section>
  );
}
