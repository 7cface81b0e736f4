/**
 * Every stream: length, groups, pending, lag, write rate with its sparkline, dead letters, what is
 * kept. One stream: its groups with read rates, then its entries newest first, a page at a time
 * (the server pages with XREVRANGE, so a long stream costs what a short one does).
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, query } from '../api.js';
import { Sparkline } from '../components/sparkline.js';
import { num, TableHead } from '../components/table-head.js';
import { ago, count, pretty, rate, time } from '../format.js';
import type { EntryView, RateSeries, Snapshot, StreamView } from '../types.js';

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
        <TableHead columns={['stream', num('length'), 'writes', num('groups'), num('pending'), num('lag'), num('dead letters'), 'oldest kept', 'retention']} />
        <tbody>
          {snapshot.streams.map((s) => (
            <tr key={s.stream} data-stream-row={s.stream}>
              <td>
                <a href={`#/streams/${s.stream}`}>{s.stream}</a>
              </td>
              <td class="num">{count(s.length)}</td>
              <RateCell of={s.writeRate} />
              <td class="num">{s.groups.length}</td>
              <WarnCount n={s.pending} />
              <WarnCount n={s.lag} />
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

/** A rate and its recent past, as a sparkline. */
function RateCell({ of }: { of: RateSeries }) {
  return (
    <td>
      <div class="rate">
        <Sparkline series={of.series} />
        <span>{rate(of.rate)}</span>
      </div>
    </td>
  );
}

/** A count that is a warning when above zero (null: Redis cannot tell). */
function WarnCount({ n }: { n: number | null }) {
  return <td class={`num ${(n ?? 0) > 0 ? 'warn-text' : ''}`}>{count(n)}</td>;
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
        <TableHead columns={['group', num('consumers'), num('pending'), num('lag'), 'reads', 'last delivered']} />
        <tbody>
          {stream.groups.map((g) => (
            <tr key={g.name}>
              <td>{g.name}</td>
              <td class="num">{g.consumers}</td>
              <WarnCount n={g.pending} />
              <WarnCount n={g.lag} />
              <RateCell of={g.readRate} />
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
        <TableHead columns={['entry', 'time', 'type', 'src', 'message id', 'corr']} />
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
