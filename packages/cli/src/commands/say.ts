/**
 * `hive say "<text>"`: write to the network as a WhatsApp user would, through kami's local
 * simulator, and print kami's replies to that chat as they arrive. It speaks HTTP to kami (not
 * Redis): POST /messages, then long-polls GET /chats/<chat>/messages after the cursor the POST
 * returned, until the replies go quiet, the timeout passes, or (with --follow) Ctrl-C.
 */
import { boolFlag, durationFlag, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { CliError, EXIT_OK, EXIT_UNREACHABLE, OperationError, UsageError } from '../errors.js';

export const DEFAULT_KAMI_URL = 'http://127.0.0.1:7777';
/** Longest wait for a first reply. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** After a reply, how long without another before `say` is done. */
export const DEFAULT_QUIET_MS = 2_000;
/** Longest single long-poll; kami caps it at 30 s. */
const POLL_MS = 25_000;
/** Connecting to kami on the loopback interface takes milliseconds; waiting longer helps nobody. */
const CONNECT_TIMEOUT_MS = 5_000;

/** kami's simulator is not there (not running, WhatsApp mode, wrong KAMI_URL). */
export class KamiUnreachableError extends CliError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(EXIT_UNREACHABLE, 'KAMI_UNREACHABLE', message, options);
  }
}

interface Outcome {
  status: 'published' | 'duplicate' | 'ignored' | 'failed';
  messageId: string;
  chatId: string;
  reason?: string;
}

interface Reply {
  seq: number;
  messageId: string;
  chatId: string;
  text: string;
  replyTo?: string;
  media?: { kind: string; mime: string; filename?: string };
  at: string;
}

export const command: Command = {
  usesRedis: false,
  async run(ctx) {
    const text = ctx.args.positionals.join(' ').trim();
    if (text === '') throw new UsageError('missing <text>: what to say, e.g. hive say "I had 2 eggs and toast"', ctx.verb);
    const from = stringFlag(ctx.args.values, 'from');
    const follow = boolFlag(ctx.args.values, 'follow');
    const timeoutMs = durationOption(ctx, 'timeout', DEFAULT_TIMEOUT_MS);
    const quietMs = durationOption(ctx, 'quiet', DEFAULT_QUIET_MS);
    const base = kamiUrl(ctx);

    const posted = await call<{ outcome: Outcome; chatId: string; cursor: number }>(ctx, base, '/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(from === undefined ? { text } : { text, from }),
    });
    const { outcome, chatId } = posted;
    if (ctx.json) ctx.printJsonLine({ sent: outcome });
    if (outcome.status === 'ignored') {
      throw new OperationError(
        outcome.reason === 'stranger'
          ? `kami ignored the message: ${chatId} is not on its allow-list (WHATSAPP_ALLOWED); a stranger gets no reply`
          : `kami ignored the message (${outcome.reason ?? 'no reason given'})`,
        'IGNORED',
      );
    }
    if (outcome.status === 'failed') throw new OperationError(`kami could not pass the message on: ${outcome.reason ?? 'unknown error'}`, 'NOT_PUBLISHED');
    if (outcome.status === 'duplicate') ctx.note(`kami already had message ${outcome.messageId}; waiting for replies anyway`);
    ctx.note(`→ ${chatId}: sent; ${follow ? 'replies follow (Ctrl-C to stop)' : 'waiting for replies'}…`);

    let cursor = posted.cursor;
    let replies = 0;
    const started = ctx.now();
    let lastReplyAt: number | undefined;
    for (;;) {
      if (ctx.signal.aborted) break;
      const now = ctx.now();
      // Before the first reply: until the timeout. After one: until a quiet spell, within the timeout's reach of it.
      const remaining = follow ? POLL_MS : lastReplyAt === undefined ? started + timeoutMs - now : lastReplyAt + quietMs - now;
      if (remaining <= 0) break;
      const page = await call<{ messages: Reply[]; cursor: number }>(
        ctx,
        base,
        `/chats/${encodeURIComponent(chatId)}/messages?after=${cursor}&wait=${Math.min(POLL_MS, Math.ceil(remaining))}`,
        { method: 'GET' },
      ).catch((err: unknown) => {
        if (ctx.signal.aborted) return undefined;
        throw err;
      });
      if (!page) break;
      for (const r of page.messages) {
        replies += 1;
        if (ctx.json) ctx.printJsonLine({ reply: r });
        else ctx.print(renderReply(r));
      }
      if (page.messages.length > 0) lastReplyAt = ctx.now();
      cursor = Math.max(cursor, page.cursor);
    }
    if (follow || ctx.signal.aborted) return EXIT_OK;
    if (replies === 0) {
      throw new OperationError(`no reply within ${seconds(timeoutMs)}: is the rest of the network running? (hive agents)`, 'NO_REPLY');
    }
    return EXIT_OK;
  },
};

/** A reply as a person reads it: its text, with a line naming any attachment. */
export function renderReply(r: Reply): string {
  const media = r.media ? `[${r.media.kind}${r.media.filename ? `: ${r.media.filename}` : ''}]` : undefined;
  return [media, r.text].filter((s) => s !== undefined && s !== '').join('\n');
}

function kamiUrl(ctx: CommandContext): string {
  const raw = stringFlag(ctx.args.values, 'kami') ?? nonEmpty(ctx.env.KAMI_URL) ?? DEFAULT_KAMI_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--kami "${raw}" is not a URL; kami's simulator listens on ${DEFAULT_KAMI_URL} by default`, ctx.verb);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--kami "${raw}" must be an http:// URL`, ctx.verb);
  return url.href.replace(/\/+$/, '');
}

function durationOption(ctx: CommandContext, name: string, fallback: number): number {
  const v = stringFlag(ctx.args.values, name);
  return v === undefined ? fallback : durationFlag(`--${name}`, v, ctx.verb);
}

/** One request to kami; the network failure and kami's own errors become the CLI's exit codes. */
async function call<T>(ctx: CommandContext, base: string, path: string, init: RequestInit): Promise<T> {
  // A long poll is allowed its wait on top of the time to connect.
  const connect = AbortSignal.timeout(CONNECT_TIMEOUT_MS + (path.includes('wait=') ? POLL_MS : 0));
  let res: Response;
  try {
    // A simulator listening beyond loopback (a container) requires its token; the same variable kami reads.
    const token = nonEmpty(ctx.env.KAMI_SIM_TOKEN);
    const headers = { ...(init.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    res = await fetch(`${base}${path}`, { ...init, headers, signal: AbortSignal.any([ctx.signal, connect]) });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new KamiUnreachableError(
      `cannot reach kami's WhatsApp simulator at ${base} (${describeFetchError(err)}): start the network with \`npm start\` ` +
        '(or only kami: `pnpm --filter kami dev`), or point KAMI_URL / --kami at it. With WHATSAPP_ENABLED=1 kami talks to real WhatsApp and has no simulator.',
      { cause: err },
    );
  }
  const body = (await res.json().catch(() => undefined)) as (T & { error?: string }) | undefined;
  if (res.ok && body !== undefined) return body;
  const message = body?.error ?? `HTTP ${res.status}`;
  if (res.status === 400) throw new UsageError(`kami refused the message: ${message}`, ctx.verb);
  if (res.status === 401) throw new OperationError(`kami's simulator at ${base} wants its token: set KAMI_SIM_TOKEN to the value kami runs with (${message})`, 'UNAUTHORIZED');
  if (res.status === 404 || body === undefined) {
    throw new KamiUnreachableError(`${base} answered, but not as kami's simulator (${message}); check KAMI_URL / --kami`);
  }
  throw new OperationError(`kami answered ${res.status}: ${message}`);
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if ((err as Error)?.name === 'TimeoutError') return `no answer within ${seconds(CONNECT_TIMEOUT_MS)}`;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`);
const nonEmpty = (s: string | undefined) => (s === undefined || s === '' ? undefined : s);
