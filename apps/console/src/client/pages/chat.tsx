/**
 * Chat: talk to the network as a WhatsApp user, through kami's simulator (as `hive say` does). What
 * you send is posted once; kami's replies to the chat arrive by long polls after the cursor the post
 * returned, for as long as the page is open (reminders come later).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, postJson, query } from '../api.js';
import type { ChatMessage, Session } from '../types.js';

interface Line {
  key: string;
  from: 'me' | 'hive';
  text: string;
  at: string;
  messageId?: string;
  note?: string;
}

const POLL_WAIT_MS = 20_000;

export function ChatPage({ session }: { session: Session | null }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chat = useRef<{ chatId: string; cursor: number } | null>(null);
  const polling = useRef<AbortController | null>(null);

  // One long-poll loop per page visit, following the chat once the first message names it.
  const follow = () => {
    if (polling.current) return;
    const ctl = new AbortController();
    polling.current = ctl;
    void (async () => {
      while (!ctl.signal.aborted && chat.current) {
        try {
          const { chatId, cursor } = chat.current;
          const r = await getJson<{ messages: ChatMessage[]; cursor: number }>(`/api/chat/${encodeURIComponent(chatId)}/messages${query({ after: cursor, wait: POLL_WAIT_MS })}`, ctl.signal);
          if (ctl.signal.aborted) break;
          if (r.messages.length > 0) {
            setLines((l) => [...l, ...r.messages.map((m): Line => ({ key: `k${m.seq}`, from: 'hive', text: m.text, at: m.at, ...(m.media ? { note: `[${m.media.kind}${m.media.filename ? `: ${m.media.filename}` : ''}]` } : {}) }))]);
          }
          chat.current = { chatId, cursor: Math.max(cursor, r.cursor) };
          setError(null);
        } catch (err) {
          if (ctl.signal.aborted) break;
          setError((err as Error).message);
          await new Promise((r) => setTimeout(r, 3_000));
        }
      }
    })();
  };
  useEffect(() => () => polling.current?.abort(), []);

  const send = async (e: Event) => {
    e.preventDefault();
    const t = text.trim();
    if (t === '') return;
    setBusy(true);
    try {
      const r = await postJson<{ chatId: string; cursor: number; outcome: { status: string; messageId: string; reason?: string } }>('/api/chat', { text: t });
      setLines((l) => [...l, { key: `me${r.outcome.messageId}`, from: 'me', text: t, at: new Date().toISOString(), messageId: r.outcome.messageId, ...(r.outcome.status !== 'published' ? { note: `${r.outcome.status}${r.outcome.reason ? `: ${r.outcome.reason}` : ''}` } : {}) }]);
      setText('');
      if (!chat.current) chat.current = { chatId: r.chatId, cursor: r.cursor };
      follow();
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (session && !session.kami) return <p class="muted">The chat is off: this console was started without kami's simulator.</p>;
  return (
    <section class="chat">
      <h2>
        Chat <span class="muted small">as the owner, through kami's WhatsApp simulator{session?.kami ? ` at ${session.kami}` : ''}</span>
      </h2>
      <div class="transcript" data-testid="transcript">
        {lines.length === 0 ? <p class="muted">Say something: “help”, “I had 2 eggs and toast”, “remind me in 2 minutes to stretch”.</p> : null}
        {lines.map((l) => (
          <div key={l.key} class={`bubble ${l.from}`} data-from={l.from}>
            {l.note ? <div class="muted small">{l.note}</div> : null}
            <div class="text">{l.text}</div>
            <div class="meta small muted">
              {new Date(l.at).toLocaleTimeString()}
              {l.messageId ? (
                <>
                  {' · '}
                  <a href={`#/trace/${encodeURIComponent(l.messageId)}`} data-testid="trace-link">
                    trace
                  </a>
                </>
              ) : null}
            </div>
          </div>
        ))}
      </div>
      {error ? <p class="bad-text">{error}</p> : null}
      {session?.readOnly ? (
        <p class="muted">Read-only console: the chat can't send.</p>
      ) : (
        <form class="say" onSubmit={(e) => void send(e)}>
          <input value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} placeholder="Message" data-testid="chat-input" autoFocus />
          <button type="submit" class="primary" disabled={busy} data-testid="chat-send">
            Send
          </button>
        </form>
      )}
    </section>
  );
}
