/**
 * Dead letters: the streams that have them; one stream's, filtered by group and reason, a page at
 * a time; one with its error and payload. Retry sends it back to the group that failed it (and only
 * that group); drop deletes it. Both ask first, and the server logs who did it.
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson, query } from '../api.js';
import { Confirm } from '../components/confirm.js';
import { ago, count, pretty, time } from '../format.js';
import type { DeadLetterDetail, DeadLetterSummary, Session, Snapshot } from '../types.js';

interface ListPage {
  total: number;
  items: DeadLetterSummary[];
  next: string | null;
  facets: { groups: Record<string, number>; reasons: Record<string, number>; window: number };
}

type Pending = { action: 'retry' | 'drop'; ids: string[] } | null;

export function DeadLettersPage({ snapshot, session, stream, id }: { snapshot: Snapshot | null; session: Session | null; stream: string | null; id: string | null }) {
  const [streams, setStreams] = useState<{ stream: string; count: number }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const total = snapshot?.totals.deadLetters ?? 0;
  useEffect(() => {
    getJson<{ streams: { stream: string; count: number }[] }>('/api/dead-letters')
      .then((r) => {
        setStreams(r.streams);
        setError(null);
      })
      .catch((err: Error) => setError(err.message));
  }, [total]);

  return (
    <section class="split">
      <aside>
        <h2>Dead letters</h2>
        {error ? <p class="bad-text">{error}</p> : null}
        {streams && streams.length === 0 ? <p class="muted" data-testid="no-dead-letters">No dead letters anywhere.</p> : null}
        <ul class="side-list">
          {streams?.map((s) => (
            <li key={s.stream}>
              <a href={`#/dead-letters/${s.stream}`} class={s.stream === stream ? 'active' : ''} data-dlq-stream={s.stream}>
                {s.stream} <span class="badge bad">{count(s.count)}</span>
              </a>
            </li>
          ))}
        </ul>
      </aside>
      <div class="main-col">
        {stream && id ? <DeadLetterView stream={stream} id={id} readOnly={session?.readOnly ?? true} /> : stream ? <StreamDeadLetters stream={stream} readOnly={session?.readOnly ?? true} changed={total} /> : <p class="muted">Pick a stream.</p>}
      </div>
    </section>
  );
}

function ActionBar({ ids, readOnly, stream, onDone }: { ids: string[]; readOnly: boolean; stream: string; onDone: (message: string) => void }) {
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (readOnly) return <p class="muted small">Read-only console: retry and drop are off.</p>;
  const run = async (p: NonNullable<Pending>) => {
    setBusy(true);
    try {
      const r = await postJson<{ outcomes: { id: string; status: string; group?: string }[] }>(`/api/dead-letters/${encodeURIComponent(stream)}/${p.action}`, { ids: p.ids });
      const done = r.outcomes.filter((o) => o.status !== 'missing');
      const missing = r.outcomes.length - done.length;
      onDone(
        `${p.action === 'retry' ? 'Retried' : 'Dropped'} ${done.length} dead letter${done.length === 1 ? '' : 's'}` +
          (p.action === 'retry' && done.length > 0 ? ` (back to ${[...new Set(done.map((o) => o.group))].join(', ')} only)` : '') +
          (missing > 0 ? `; ${missing} already gone` : ''),
      );
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      setPending(null);
    }
  };
  return (
    <div class="actions">
      <button type="button" class="primary" disabled={ids.length === 0 || busy} onClick={() => setPending({ action: 'retry', ids })} data-testid="retry">
        Retry{ids.length > 1 ? ` ${ids.length}` : ''}
      </button>
      <button type="button" class="danger" disabled={ids.length === 0 || busy} onClick={() => setPending({ action: 'drop', ids })} data-testid="drop">
        Drop{ids.length > 1 ? ` ${ids.length}` : ''}
      </button>
      {error ? <span class="bad-text small">{error}</span> : null}
      {pending ? (
        <Confirm
          title={pending.action === 'retry' ? 'Retry dead letters' : 'Drop dead letters'}
          confirmLabel={pending.action === 'retry' ? 'Retry' : 'Drop for good'}
          danger={pending.action === 'drop'}
          onCancel={() => setPending(null)}
          onConfirm={() => void run(pending)}
        >
          {pending.action === 'retry' ? (
            <p>
              Send {pending.ids.length} dead letter{pending.ids.length === 1 ? '' : 's'} of <b>{stream}</b> back to the group that failed {pending.ids.length === 1 ? 'it' : 'each'}. No other
              group sees {pending.ids.length === 1 ? 'it' : 'them'} again.
            </p>
          ) : (
            <p>
              Delete {pending.ids.length} dead letter{pending.ids.length === 1 ? '' : 's'} of <b>{stream}</b>. This cannot be undone.
            </p>
          )}
        </Confirm>
      ) : null}
    </div>
  );
}

function StreamDeadLetters({ stream, readOnly, changed }: { stream: string; readOnly: boolean; changed: number }) {
  const [group, setGroup] = useState('');
  const [reason, setReason] = useState('');
  const [page, setPage] = useState<ListPage | null>(null);
  const [items, setItems] = useState<DeadLetterSummary[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = async (after: string | null) => {
    try {
      const r = await getJson<ListPage>(`/api/dead-letters/${encodeURIComponent(stream)}${query({ after, group, reason, count: 50 })}`);
      setPage((p) => (after && p ? { ...r, facets: p.facets } : r));
      setItems((cur) => (after ? [...cur, ...r.items] : r.items));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    setSelected(new Set());
    void load(null);
  }, [stream, group, reason, changed]);

  const toggle = (id: string) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    setSelected(s);
  };
  const facet = (label: string, values: Record<string, number> | undefined, value: string, set: (v: string) => void) => (
    <label class="small">
      {label}{' '}
      <select value={value} onChange={(e) => set((e.target as HTMLSelectElement).value)} data-testid={`filter-${label}`}>
        <option value="">all</option>
        {Object.entries(values ?? {}).map(([k, n]) => (
          <option key={k} value={k}>
            {k} ({n})
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div>
      <h3>
        {stream} <span class="muted small">{page ? `${count(page.total)} dead letters, oldest first` : ''}</span>
      </h3>
      <div class="filters">
        {facet('group', page?.facets.groups, group, setGroup)}
        {facet('reason', page?.facets.reasons, reason, setReason)}
        <ActionBar
          ids={[...selected]}
          readOnly={readOnly}
          stream={stream}
          onDone={(m) => {
            setNotice(m);
            setSelected(new Set());
            void load(null);
          }}
        />
      </div>
      {notice ? (
        <p class="notice" data-testid="notice">
          {notice}
        </p>
      ) : null}
      {error ? <p class="bad-text">{error}</p> : null}
      <table class="grid small" data-testid="dead-letters">
        <thead>
          <tr>
            <th />
            <th>id</th>
            <th>when</th>
            <th>group</th>
            <th>reason</th>
            <th>error</th>
            <th>type</th>
            <th class="num">deliveries</th>
            <th class="num">retries</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-dead-letter={d.id}>
              <td>
                <input type="checkbox" checked={selected.has(d.id)} onChange={() => toggle(d.id)} aria-label={`select ${d.id}`} disabled={readOnly} />
              </td>
              <td class="mono">
                <a href={`#/dead-letters/${stream}/${d.id}`}>{d.id}</a>
              </td>
              <td title={time(d.at)}>{ago(d.at)}</td>
              <td>{d.group}</td>
              <td>{d.reason}</td>
              <td class="clip">{d.error}</td>
              <td>{d.type ?? <span class="muted">not a hive message</span>}</td>
              <td class="num">{d.deliveryCount}</td>
              <td class="num">{d.retries}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page?.next ? (
        <button type="button" onClick={() => void load(page.next)}>
          more
        </button>
      ) : null}
      {page && page.facets.window > 0 && page.facets.window < page.total ? <p class="muted small">Group and reason counts are over the newest {count(page.facets.window)}.</p> : null}
    </div>
  );
}

function DeadLetterView({ stream, id, readOnly }: { stream: string; id: string; readOnly: boolean }) {
  const [d, setD] = useState<DeadLetterDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    getJson<DeadLetterDetail>(`/api/dead-letters/${encodeURIComponent(stream)}/${encodeURIComponent(id)}`)
      .then((r) => {
        setD(r);
        setError(null);
      })
      .catch((err: Error) => setError(err.message));
  }, [stream, id]);
  return (
    <div data-testid="dead-letter">
      <h3>
        <a href={`#/dead-letters/${stream}`}>{stream}</a> / {id}
      </h3>
      {notice ? (
        <p class="notice" data-testid="notice">
          {notice} — <a href={`#/dead-letters/${stream}`}>back to the list</a>
        </p>
      ) : null}
      {error ? <p class="bad-text">{error}</p> : null}
      {d && !notice ? (
        <>
          <ActionBar ids={[d.id]} readOnly={readOnly} stream={stream} onDone={setNotice} />
          <dl class="facts">
            <dt>group</dt>
            <dd>
              {d.group} <span class="muted">(consumer {d.consumer})</span>
            </dd>
            <dt>reason</dt>
            <dd>{d.reason}</dd>
            <dt>error</dt>
            <dd class="bad-text">{d.error}</dd>
            {d.field ? (
              <>
                <dt>field</dt>
                <dd>{d.field}</dd>
              </>
            ) : null}
            <dt>dead-lettered</dt>
            <dd>
              {time(d.at)} ({ago(d.at)}) after {d.deliveryCount} deliver{d.deliveryCount === 1 ? 'y' : 'ies'}; retried {d.retries} time{d.retries === 1 ? '' : 's'} before
            </dd>
            <dt>entry</dt>
            <dd class="mono">{d.entryId}</dd>
            {d.message ? (
              <>
                <dt>message</dt>
                <dd>
                  {d.message.type} v{d.message.v} from {d.message.src}, id <span class="mono">{d.message.id}</span>,{' '}
                  <a href={`#/trace/${encodeURIComponent(d.message.corr)}`}>trace its conversation</a>
                </dd>
              </>
            ) : (
              <>
                <dt>not a hive message</dt>
                <dd>{d.decodeError?.message}</dd>
              </>
            )}
          </dl>
          <h4>{d.message ? 'Payload' : 'Original fields'}</h4>
          <pre data-testid="payload">{pretty(d.message ? d.message.data : d.original)}</pre>
          {d.history.length > 0 ? (
            <>
              <h4>Earlier attempts</h4>
              <ol class="small">
                {d.history.map((h, i) => (
                  <li key={i}>
                    {time(h.at)} {h.group} after {h.deliveryCount}: {h.reason}: {h.error}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
