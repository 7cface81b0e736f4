/**
 * Trace: find a conversation by message id or corr, by words, or by chat; then its timeline, one row
 * per hop (stream, type, who wrote it, how long after the first and after the message it answers,
 * and each reading group's state), from Redis and, for what Redis no longer keeps, the archive.
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, query } from '../api.js';
import { ago, delta, time } from '../format.js';
import { TableHead } from '../components/table-head.js';
import type { Found, TraceHop } from '../types.js';

type Mode = 'id' | 'text' | 'chat';

interface TraceResult {
  query: string;
  from: string;
  streamsScanned: number;
  archive: string;
  hops: TraceHop[];
}

export function TracePage({ query: routeQuery }: { query: string | null }) {
  const [mode, setMode] = useState<Mode>('id');
  const [input, setInput] = useState(routeQuery ?? '');
  const [span, setSpan] = useState('24h');
  const [trace, setTrace] = useState<TraceResult | null>(null);
  const [found, setFound] = useState<Found[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const runTrace = async (q: string) => {
    setBusy(true);
    setFound(null);
    try {
      setTrace(await getJson<TraceResult>(`/api/trace${query({ q, window: span })}`));
      setError(null);
    } catch (err) {
      setTrace(null);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (routeQuery) {
      setInput(routeQuery);
      setMode('id');
      void runTrace(routeQuery);
    }
  }, [routeQuery]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const q = input.trim();
    if (q === '') return;
    if (mode === 'id') {
      if (location.hash === `#/trace/${encodeURIComponent(q)}`) void runTrace(q);
      else location.hash = `#/trace/${encodeURIComponent(q)}`;
      return;
    }
    setBusy(true);
    setTrace(null);
    try {
      const r = await getJson<{ results: Found[]; archive: string | null }>(`/api/search${query(mode === 'text' ? { text: q } : { chat: q })}`);
      setFound(r.results);
      setError(r.archive ? `archive: ${r.archive}` : null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h2>Trace</h2>
      <form class="search" onSubmit={(e) => void submit(e)}>
        <select value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as Mode)} data-testid="trace-mode">
          <option value="id">message id or corr</option>
          <option value="text">words</option>
          <option value="chat">chat</option>
        </select>
        <input
          value={input}
          onInput={(e) => setInput((e.target as HTMLInputElement).value)}
          placeholder={mode === 'id' ? '01HZY3K4M5N6P7Q8R9S0T1V2W3' : mode === 'text' ? 'dentist' : '+491701234567'}
          data-testid="trace-input"
          size={40}
        />
        {mode === 'id' ? (
          <select value={span} onChange={(e) => setSpan((e.target as HTMLSelectElement).value)} title="how far back Redis is scanned (the archive has the rest)">
            <option value="1h">last hour</option>
            <option value="24h">last day</option>
            <option value="7d">last week</option>
          </select>
        ) : null}
        <button type="submit" class="primary" disabled={busy} data-testid="trace-go">
          {mode === 'id' ? 'Trace' : 'Search'}
        </button>
      </form>
      {error ? <p class="bad-text">{error}</p> : null}
      {found ? <FoundList found={found} /> : null}
      {trace ? <Timeline trace={trace} /> : null}
    </section>
  );
}

function FoundList({ found }: { found: Found[] }) {
  if (found.length === 0) return <p class="muted">Nothing found.</p>;
  return (
    <table class="grid small" data-testid="found">
      <TableHead columns={['when', 'stream', 'chat', 'text', 'from']} />
      <tbody>
        {found.map((f) => (
          <tr key={f.corr}>
            <td title={time(f.ts)}>
              <a href={`#/trace/${encodeURIComponent(f.corr)}`}>{ago(f.ts)}</a>
            </td>
            <td>{f.stream}</td>
            <td class="mono">{f.chatId ?? '—'}</td>
            <td class="clip">
              <a href={`#/trace/${encodeURIComponent(f.corr)}`}>{f.text || '—'}</a>
            </td>
            <td>{f.source}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Timeline({ trace }: { trace: TraceResult }) {
  if (trace.hops.length === 0) return <p class="muted" data-testid="trace-empty">No message with id or corr “{trace.query}” in {trace.streamsScanned} streams (scanned from {trace.from}) or the archive ({trace.archive}).</p>;
  const first = trace.hops[0]!;
  const last = trace.hops.at(-1)!;
  const streams = new Set(trace.hops.map((h) => h.stream));
  const agents = new Set(trace.hops.filter((h) => h.kind === 'message').map((h) => h.src));
  return (
    <div>
      <p data-testid="trace-summary">
        {trace.hops.length} hops over {streams.size} streams through {agents.size} agents, {delta(last.ts - first.ts).slice(1)} from first to last (started {time(first.ts)}).{' '}
        <span class="muted small">Archive: {trace.archive}.</span>
      </p>
      <ol class="timeline" data-testid="timeline">
        {trace.hops.map((h) => (
          <li key={`${h.stream}/${h.entryId}/${h.kind}`} class={h.kind} data-hop-stream={h.stream} data-hop-src={h.src}>
            <div class="when">
              <b>{delta(h.deltaMs)}</b>
              {h.sinceCauseMs !== null ? <span class="muted small"> ({delta(h.sinceCauseMs)} after its cause)</span> : null}
            </div>
            <div class="what">
              <span class="tag">{h.stream}</span> <b>{h.type}</b> from <b>{h.src}</b> <span class="mono muted small">{h.id}</span>
              {h.source === 'archive' ? <span class="pill">archive</span> : null}
              {h.deadLetter ? (
                <div class="bad-text small">
                  dead-lettered by {h.deadLetter.group} after {h.deadLetter.deliveries}: {h.deadLetter.reason}: {h.deadLetter.error}
                </div>
              ) : (
                <div class="groups small">
                  {h.groups.map((g) => (
                    <span key={g.group} class={`state ${g.state}`} title={g.consumer ? `${g.consumer}, ${g.deliveries} deliveries` : ''}>
                      {g.group}: {g.state}
                    </span>
                  ))}
                </div>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
