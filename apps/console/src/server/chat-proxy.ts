/**
 * The chat page talks to the network as `hive say` does: through kami's WhatsApp simulator
 * (POST /messages, then long polls of GET /chats/:chat/messages after a cursor). The browser talks
 * only to the console, which passes the two calls on; sending is a change, so it is a POST under the
 * CSRF and read-only rules like any other.
 */
import { errorMessage } from '@hive/agent';
import { RequestError, type ConsoleApp, type RouteContext } from './context.js';

/** Longest long poll passed on (kami caps its own at 30 s). */
export const MAX_CHAT_WAIT_MS = 25_000;
const CONNECT_MS = 5_000;
const MAX_TEXT = 4_096;

/** Register the chat routes. */
export function chatRoutes(app: ConsoleApp, ctx: RouteContext): void {
  const kami = async (path: string, init: RequestInit, waitMs = 0): Promise<unknown> => {
    if (!ctx.kamiUrl) throw new RequestError(503, 'the chat is off: this console was started without kami\'s simulator (kamiUrl)');
    let res: Response;
    try {
      const headers = { ...(init.headers as Record<string, string> | undefined), ...(ctx.kamiToken ? { authorization: `Bearer ${ctx.kamiToken}` } : {}) };
      res = await fetch(new URL(path, ctx.kamiUrl), { ...init, headers, signal: AbortSignal.timeout(CONNECT_MS + waitMs) });
    } catch (err) {
      throw new RequestError(502, `cannot reach kami's WhatsApp simulator at ${ctx.kamiUrl} (${errorMessage(err)}): is the network running, with kami in simulator mode?`);
    }
    const body = (await res.json().catch(() => undefined)) as { error?: string } | undefined;
    if (!res.ok || body === undefined) throw new RequestError(res.status === 400 ? 400 : 502, `kami answered ${res.status}: ${body?.error ?? 'not JSON'}`);
    return body;
  };

  app.get('/api/chat', async (c) => c.json(await kami('/health', { method: 'GET' })));

  app.post('/api/chat', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { text?: unknown; from?: unknown } | undefined;
    const text = typeof body?.text === 'string' ? body.text.trim() : '';
    if (text === '' || text.length > MAX_TEXT) throw new RequestError(400, `the body must be {"text": "…"} with 1 to ${MAX_TEXT} characters`);
    const from = typeof body?.from === 'string' && body.from.trim() !== '' ? body.from.trim() : undefined;
    const sent = await kami('/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(from ? { text, from } : { text }) });
    const who = c.get('who');
    ctx.log.info({ action: 'chat.say', by: who, chars: text.length }, `console: ${who.ip} (${who.auth}) said something to the network through kami`);
    return c.json(sent as Record<string, unknown>);
  });

  app.get('/api/chat/:chat/messages', async (c) => {
    const chat = c.req.param('chat');
    const after = Number(c.req.query('after') ?? 0);
    const wait = Math.min(MAX_CHAT_WAIT_MS, Math.max(0, Number(c.req.query('wait') ?? 0)));
    if (!Number.isInteger(after) || after < 0 || !Number.isFinite(wait)) throw new RequestError(400, 'after must be a cursor (a whole number) and wait milliseconds');
    return c.json((await kami(`/chats/${encodeURIComponent(chat)}/messages?after=${after}&wait=${Math.floor(wait)}`, { method: 'GET' }, wait)) as Record<string, unknown>);
  });
}
