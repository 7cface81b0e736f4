/**
 * Every stream: length, groups, pending, lag, write rate with its sparkline, dead letters, what is
 * kept. One stream: its groups with read rates, then its entries newest first, a page at a time
 * (the server pages with XREVRANGE, so a long stream costs what a short one does).
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, query } from '../api.js';
import { Sparkline } from '../components/sparkline.js';
import { ago, count, pretty, rate, time } from '../format.js';
import type { EntryView, Snapshot, StreamView } from '../types.js';

export function StreamsPage({ snapshot, selected }: { snapshot: Snapshot | null; selected: string | null }) {
  if (!snapshot) return <p class="muted">Reading the streams…</p>;
  if (selected) {
    const s = snapshot.streams.find((x) => x.stream === selected);
    return s ? <StreamDetail stream={s} /> : <p class="muted">No stream named {selected}.</p>;
  }
  return (
    <section>
      <h2>Streams</h2>
      <table class="grid" data-testid="streams-table">
        <thead>
          <tr>
            <th>stream</th>
            <th class="num">length</th>
            <th>writes</th>
            <th class="num">groups</th>
            <th class="num">pending</th>
            <th class="num">lag</th>
            <th class="num">dead letters</th>
            <th>oldest kept</th>
            <th>retention</th>
          </tr>
        </thead>
        <tbody>
          {snapshot.streams.map((s) => (
            <tr key={s.stream} data-stream-row={s.stream}>
              <td>
                <a href={`#/streams/${s.stream}`}>{s.stream}</a>
              </td>
              <td class="num">{count(s.length)}</td>
              <td>
                <div class="rate">
                  <Sparkline series={s.writeRate.series} />
                  <span>{rate(s.writeRate.rate)}</span>
                </div>
              </td>
              <td class="num">{s.groups.length}</td>
              <td class={`num ${s.pending > 0 ? 'warn-text' : ''}`}>{count(s.pending)}</td>
              <td class={`num ${(s.lag ?? 0) > 0 ? 'warn-text' : ''}`}>{count(s.lag)}</td>
              <td class="num">{s.deadLetters > 0 ? <a href={`#/dead-letters/${s.stream}`} class="bad-text">{count(s.deadLetters)}</a> : '0'}</td>
              <td title={time(s.oldestAt)}>{ago(s.oldestAt)}</td>
              <td>{s.retention ?? <span class="muted" title="no contract in the catalogue names this stream">not declared</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function StreamDetail({ stream }: { stream: StreamView }) {
  return (
    <section>
      <h2>
        <a href="#/streams" class="small">
          Streams
        </a>{' '}
        / {stream.stream}
      </h2>
      {stream.description ? <p>{stream.description}</p> : null}
      <p class="small">
        {count(stream.length)} entries · {rate(stream.writeRate.rate)} · written by {stream.writers.join(', ') || '—'} · read by {stream.readers.join(', ') || '—'} · last entry{' '}
        {ago(stream.lastAt)}
      </p>
      <h3>Groups</h3>
      <table class="grid small">
        <thead>
          <tr>
            <th>group</th>
            <th class="num">consumers</th>
            <th class="num">pending</th>
            <th class="num">lag</th>
            <th>reads</th>
            <th>last delivered</th>
          </tr>
        </thead>
        <tbody>
          {stream.groups.map((g) => (
            <tr key={g.name}>
              <td>{g.name}</td>
              <td class="num">{g.consumers}</td>
              <td class={`num ${g.pending > 0 ? 'warn-text' : ''}`}>{count(g.pending)}</td>
              <td class={`num ${(g.lag ?? 0) > 0 ? 'warn-text' : ''}`}>{count(g.lag)}</td>
              <td>
                <div class="rate">
                  <Sparkline series={g.readRate.series} />
                  <span>{rate(g.readRate.rate)}</span>
                </div>
              </td>
              <td class="mono">{g.lastDeliveredId}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Entries stream={stream.stream} />
    </section>
  );
}

function Entries({ stream }: { stream: string }) {
  const [pages, setPages] = useState<EntryView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (before: string | null) => {
    setLoading(true);
    try {
      const r = await getJson<{ entries: EntryView[]; next: string | null }>(`/api/streams/${encodeURIComponent(stream)}/entries${query({ before, count: 50 })}`);
      setPages((p) => (before ? [...p, ...r.entries] : r.entries));
      setNext(r.next);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    setPages([]);
    void load(null);
  }, [stream]);

  return (
    <div>
      <h3>
        Entries <span class="muted small">newest first</span>{' '}
        <button type="button" class="small" onClick={() => void load(null)}>
          refresh
        </button>
      </h3>
      {error ? <p class="bad-text">{error}</p> : null}
      <table class="grid small" data-testid="entries">
        <thead>
          <tr>
            <th>entry</th>
            <th>time</th>
            <th>type</th>
            <th>src</th>
            <th>message id</th>
            <th>corr</th>
          </tr>
        </thead>
        <tbody>
          {pages.map((e) => [
            <tr key={e.entryId} class="clickable" onClick={() => setOpen(open === e.entryId ? null : e.entryId)}>
              <td class="mono">{e.entryId}</td>
              <td>{time(Number(e.entryId.split('-')[0]))}</td>
              {e.ok ? (
                <>
                  <td>{e.type}</td>
                  <td>{e.src}</td>
                  <td class="mono">{e.id}</td>
                  <td class="mono">
                    <a href={`#/trace/${encodeURIComponent(e.corr)}`} onClick={(ev) => ev.stopPropagation()}>
                      {e.corr}
                    </a>
                  </td>
                </>
              ) : (
                <td colSpan={4} class="bad-text">
                  not a hive message: {e.error.message}
                </td>
              )}
            </tr>,
            open === e.entryId ? (
              <tr key={`${e.entryId}-open`}>
                <td colSpan={6}>
                  <pre>{pretty(e.ok ? e.data : e.fields)}</pre>
                </td>
              </tr>
            ) : null,
          ])}
        </tbody>
      </table>
      {next ? (
        <button type="button" disabled={loading} onClick={() => void load(next)} data-testid="older">
          older entries
        </button>
      ) : pages.length > 0 ? (
        <p class="muted small">That is the oldest entry the stream keeps.</p>
      ) : null}
    </div>
  );
}
