/**
 * A client for kami's WhatsApp simulator (HTTP): send a message as a user, read what kami sent back.
 * The e2e harness and the footprint benchmark talk to the network only through it, as a user would.
 */
import { Agent, request } from 'node:http';

export interface SentMessage {
  seq: number;
  messageId: string;
  chatId: string;
  text: string;
  replyTo?: string;
  at: string;
}

export interface KamiClient {
  readonly url: string;
  /** True when the simulator answers its health check. */
  healthy(): Promise<boolean>;
  /** Send a simulated WhatsApp message; resolves with the chat id and a cursor for its replies. */
  send(text: string, from?: string): Promise<{ chatId: string; cursor: number; messageId: string; status: string }>;
  /**
   * Send a message and wait, in the same request (`POST /messages?wait=`), up to `waitMs` for what
   * kami sends the chat next: the one request a user's message then takes. `replies` may be empty
   * (nothing within the wait) or hold an earlier message's late answer; `cursor` is where they start.
   */
  ask(text: string, from: string | undefined, waitMs: number): Promise<{ chatId: string; cursor: number; messageId: string; status: string; replies: SentMessage[] }>;
  /** Send a voice note (audio bytes) as `from`. */
  sendVoice(audio: Buffer, from: string, mime?: string): Promise<{ chatId: string; cursor: number; status: string }>;
  /** Wait for kami to have sent `count` messages to the chat after the cursor (long polls). */
  replies(chatId: string, after: number, count: number, timeoutMs: number): Promise<SentMessage[]>;
  /** Everything kami sent to the chat after the cursor, waiting `quietMs` for stragglers. */
  drain(chatId: string, after: number, quietMs: number): Promise<SentMessage[]>;
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

const ok = (a: Answer) => a.status >= 200 && a.status < 300;

/**
 * One HTTP exchange over `agent`'s kept-alive connections (node:http: the network benchmark times
 * messages through this client, and fetch's own cost per request was about half a millisecond of
 * its end-to-end figure). A kept-alive connection the server closed while it sat idle fails at
 * once with ECONNRESET: the request never reached the simulator, so it is sent again, once, on a
 * new connection (the pattern node:http's documentation gives for `reusedSocket`).
 */
function exchange(agent: Agent, url: string, method: 'GET' | 'POST', body?: string, retried = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && err.code === 'ECONNRESET' && !retried) resolve(exchange(agent, url, method, body, true));
      else reject(err);
    });
    req.end(body);
  });
}

/** A client for the simulator at `url` (e.g. http://127.0.0.1:7777). */
export function kamiClient(url: string): KamiClient {
  const agent = new Agent({ keepAlive: true });
  const post = async (path: string, body: unknown) => {
    const res = await exchange(agent, `${url}${path}`, 'POST', JSON.stringify(body));
    if (!ok(res)) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
    return JSON.parse(res.text) as Record<string, unknown>;
  };
  const fetchSent = async (chatId: string, after: number, waitMs: number) => {
    const res = await exchange(agent, `${url}/chats/${encodeURIComponent(chatId)}/messages?after=${after}&wait=${waitMs}`, 'GET');
    if (!ok(res)) throw new Error(`GET messages: ${res.status} ${res.text}`);
    return (JSON.parse(res.text) as { messages: SentMessage[] }).messages;
  };
  /** POST a text message to `path`; what the simulator did with it, and its whole answer. */
  const postText = async (path: string, text: string, from: string | undefined) => {
    const answer = await post(path, from ? { text, from } : { text });
    const outcome = answer.outcome as { status: string; messageId?: string };
    return { sent: { chatId: String(answer.chatId), cursor: Number(answer.cursor), messageId: String(outcome.messageId ?? ''), status: outcome.status }, answer };
  };
  return {
    url,
    healthy: () => exchange(agent, `${url}/health`, 'GET').then(ok, () => false),
    send: async (text, from) => (await postText('/messages', text, from)).sent,
    async ask(text, from, waitMs) {
      const { sent, answer } = await postText(`/messages?wait=${waitMs}`, text, from);
      return { ...sent, replies: (answer.messages ?? []) as SentMessage[] };
    },
    async sendVoice(audio, from, mime = 'audio/ogg; codecs=opus') {
      const r = await post('/messages', { from, text: '', media: { mime, base64: audio.toString('base64'), seconds: 2 } });
      return { chatId: String(r.chatId), cursor: Number(r.cursor), status: (r.outcome as { status: string }).status };
    },
    async replies(chatId, after, count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let got: SentMessage[] = [];
      while (got.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        got = await fetchSent(chatId, after, Math.min(left, 5_000));
      }
      return got;
    },
    async drain(chatId, after, quietMs) {
      let got = await fetchSent(chatId, after, 0);
      for (;;) {
        const more = await fetchSent(chatId, got.at(-1)?.seq ?? after, quietMs);
        if (more.length === 0) return got;
        got = [...got, ...more];
      }
    },
  };
}
