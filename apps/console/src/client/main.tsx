/** The console's page: a header with the network's totals and a live indicator, and one view per hash route. */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, useCsrf } from './api.js';
import { AgentsPage } from './pages/agents.js';
import { ChatPage } from './pages/chat.js';
import { DeadLettersPage } from './pages/dead-letters.js';
import { NetworkPage } from './pages/network.js';
import { StreamsPage } from './pages/streams.js';
import { TracePage } from './pages/trace.js';
import type { Session, Snapshot } from './types.js';

const PAGES = [
  ['network', 'Network'],
  ['streams', 'Streams'],
  ['agents', 'Agents'],
  ['dead-letters', 'Dead letters'],
  ['trace', 'Trace'],
  ['chat', 'Chat'],
] as const;

/** The route as [page, ...rest] from "#/page/rest…". */
function parseHash(): string[] {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  return parts.length === 0 ? ['network'] : parts;
}

function useRoute(): string[] {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

type Live = { snapshot: Snapshot | null; state: 'connecting' | 'live' | 'failing'; error: string | null };

/** The SSE feed: the latest snapshot, and whether it is live. */
function useLive(): Live {
  const [live, setLive] = useState<Live>({ snapshot: null, state: 'connecting', error: null });
  useEffect(() => {
    const source = new EventSource('/api/events');
    source.addEventListener('snapshot', (e) => setLive({ snapshot: JSON.parse((e as MessageEvent<string>).data) as Snapshot, state: 'live', error: null }));
    source.addEventListener('failure', (e) => {
      const { error } = JSON.parse((e as MessageEvent<string>).data) as { error: string };
      setLive((l) => ({ ...l, state: 'failing', error }));
    });
    // EventSource reconnects by itself; say so meanwhile.
    source.onerror = () => setLive((l) => ({ ...l, state: 'failing', error: l.error ?? 'lost the connection to the console; reconnecting…' }));
    return () => source.close();
  }, []);
  return live;
}

function App() {
  const route = useRoute();
  const live = useLive();
  const [session, setSession] = useState<Session | null>(null);
  const [sessionError, setSessionError] = useState<string | null>(null);
  useEffect(() => {
    getJson<Session>('/api/session')
      .then((s) => {
        useCsrf(s.csrfToken);
        setSession(s);
      })
      .catch((err: Error) => setSessionError(err.message));
  }, []);

  const [page, ...rest] = route;
  const t = live.snapshot?.totals;
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/network">
          Hive console
        </a>
        <nav>
          {PAGES.map(([id, label]) => (
            <a key={id} href={`#/${id}`} class={page === id ? 'active' : ''} data-nav={id}>
              {label}
              {id === 'dead-letters' && t && t.deadLetters > 0 ? <span class="badge bad">{t.deadLetters}</span> : null}
            </a>
          ))}
        </nav>
        <div class="status">
          {session?.readOnly ? <span class="pill warn" data-testid="read-only">read-only</span> : null}
          {t ? (
            <span class="muted">
              {t.up}/{t.agents} agents up · {t.streams} streams · {t.pending} pending
            </span>
          ) : null}
          <span class={`pill ${live.state === 'live' ? 'ok' : live.state === 'failing' ? 'bad' : ''}`} data-testid="live" title={live.error ?? ''}>
            {live.state === 'live' ? 'live' : live.state === 'failing' ? 'offline' : 'connecting'}
          </span>
        </div>
      </header>
      {live.error ? <div class="banner bad">{live.error}</div> : null}
      {sessionError ? <div class="banner bad">{sessionError}</div> : null}
      <main>
        {page === 'network' && <NetworkPage snapshot={live.snapshot} />}
        {page === 'streams' && <StreamsPage snapshot={live.snapshot} selected={rest[0] ?? null} />}
        {page === 'agents' && <AgentsPage snapshot={live.snapshot} selected={rest[0] ?? null} />}
        {page === 'dead-letters' && <DeadLettersPage snapshot={live.snapshot} session={session} stream={rest[0] ?? null} id={rest[1] ?? null} />}
        {page === 'trace' && <TracePage query={rest.join('/') || null} />}
        {page === 'chat' && <ChatPage session={session} />}
      </main>
      <footer class="muted">
        {session ? `${session.redis} · prefix "${session.prefix}"${session.archive ? ` · history ${session.archive}` : ''}` : ''}
      </footer>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
