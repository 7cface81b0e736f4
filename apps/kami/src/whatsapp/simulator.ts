/**
 * The WhatsApp port without WhatsApp: a small HTTP server on the loopback interface that plays
 * both phones. `POST /messages` is someone writing to kami (it goes through exactly the path a
 * real message takes: allow-list, ids, idempotent publish); what kami sends is kept per chat and
 * read back by `GET /chats/:chatId/messages?after=<cursor>&wait=<ms>` (a long poll). `hive say` is
 * its client. No browser, no account; nothing leaves the machine.
 *
 *   POST /messages           {"text": "...", "from"?: number|chatId, "id"?: wa id, "name"?: string,
 *                             "media"?: {"mime", "base64", "kind"?, "filename"?, "seconds"?}}
 *                            → 200 {"outcome": IngressOutcome, "chatId", "cursor"}
 *   POST /messages?wait=MS   the same, answered once kami has sent the chat something after the
 *                            message (or MS have passed, or the message was not published)
 *                            → 200 {"outcome", "chatId", "cursor", "messages": [as GET's]}
 *   GET  /chats/:chat/messages?after=N&wait=MS
 *                            → 200 {"chatId", "messages": [{seq, messageId, chatId, text, replyTo?, media?, at}], "cursor"}
 *   GET  /health             → 200 {"mode": "simulator", "state", "owner"}
 *
 * With a token (KAMI_SIM_TOKEN; required when it listens beyond loopback, e.g. in a container) every
 * request must carry it: `Authorization: Bearer <token>`, `X-Kami-Token: <token>` or `?token=<token>`;
 * without it the answer is 401 and nothing is done.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@hive/agent';
import { InvalidChatIdError, toChatId } from '../domain/chat-id.js';
import { mediaKindOf, type MediaKind } from '../domain/inbound.js';
import { simulatedMessageId } from '../domain/sim-ids.js';
import { Readiness, type IncomingMessage, type MessageListener, type OutgoingText, type PortState, type SentMessage, type WhatsAppPort } from './port.js';

/** Most messages kept per chat; older ones are dropped from the front. */
export const SIM_HISTORY_PER_CHAT = 500;
/** Longest a GET may wait for a new message. */
export const SIM_MAX_WAIT_MS = 30_000;
/**
 * How long an idle connection stays open. Node announces it to the client (`Keep-Alive: timeout=N`,
 * in whole seconds) and node:http's Agent stops reusing a connection a second before that: at the
 * 1 s this once was, no client agent reused one, and every request (a message's POST, each long
 * poll) paid a new TCP connection and its close. stop() closes idle connections at once.
 */
export const SIM_KEEP_ALIVE_MS = 30_000;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One message kami sent, as the simulator shows it. */
export interface SimSentMessage {
  /** Position in the simulator's sequence of sent messages (all chats); `after` takes it. */
  readonly seq: number;
  readonly messageId: string;
  readonly chatId: string;
  readonly text: string;
  readonly replyTo?: string;
  readonly media?: { readonly kind: string; readonly mime: string; readonly filename?: string };
  readonly at: string;
}

export interface SimulatorOptions {
  readonly host: string;
  /** 0 for a free port (tests). */
  readonly port: number;
  /** Required on every request when set; must be set when `host` is not a loopback address. */
  readonly token?: string | undefined;
  /** Who writes when a POST names no sender. */
  readonly defaultFrom: string;
  readonly log: Logger;
  /** @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** Make `send` fail for these chats (tests of retries and dead letters). */
  readonly failSendsTo?: (chatId: string) => Error | undefined;
}

export interface SimulatorPort extends WhatsAppPort {
  readonly kind: 'simulator';
  /** Base URL once started, e.g. http://127.0.0.1:7777. */
  readonly url: string;
  /** What kami has sent to a chat, after a cursor. */
  sent(chatId: string, after?: number): readonly SimSentMessage[];
}

/** Build the simulator port. */
export function createSimulatorPort(options: SimulatorOptions): SimulatorPort {
  return new Simulator(options);
}

/** The simulator would listen beyond loopback with no token: anyone on that network could write as anyone. */
export class SimulatorTokenRequiredError extends Error {
  override readonly name = 'SimulatorTokenRequiredError';
  readonly code = 'SIM_TOKEN_REQUIRED';
  constructor(host: string) {
    super(
      `kami's simulator would listen on ${host}, beyond loopback, without a token: set KAMI_SIM_TOKEN (at least 16 characters, e.g. \`openssl rand -hex 16\`; \`hive say\` sends it from the same variable) or KAMI_SIM_HOST=127.0.0.1`,
    );
  }
}

/** True for an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The token a request carries: Authorization Bearer, X-Kami-Token, or ?token=. */
function tokenOf(req: HttpRequest, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const header = req.headers['x-kami-token'];
  if (typeof header === 'string') return header;
  return url.searchParams.get('token') ?? undefined;
}

/** Compares digests, so neither the length nor a prefix of the token leaks through timing. */
function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

class Simulator implements SimulatorPort {
  readonly kind = 'simulator' as const;
  private current: PortState = 'stopped';
  private server: Server | undefined;
  private listener: MessageListener | undefined;
  private seq = 0;
  private readonly chats = new Map<string, SimSentMessage[]>();
  private readonly readiness = new Readiness();
  private readonly log: Logger;
  private readonly now: () => Date;
  private address = '';

  constructor(private readonly options: SimulatorOptions) {
    this.log = options.log.child({ port: 'simulator' });
    this.now = options.now ?? (() => new Date());
  }

  get state(): PortState {
    return this.current;
  }

  get url(): string {
    return this.address;
  }

  onMessage(listener: MessageListener): void {
    this.listener = listener;
  }

  async start(): Promise<void> {
    if (this.server) return;
    if (!this.options.token && !isLoopbackHost(this.options.host)) throw new SimulatorTokenRequiredError(this.options.host);
    this.setState('starting');
    const server = createServer((req, res) => void this.route(req, res));
    server.keepAliveTimeout = SIM_KEEP_ALIVE_MS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      this.setState('stopped');
      if (err.code === 'EADDRINUSE') {
        throw new Error(`the simulator cannot listen on ${this.options.host}:${this.options.port}: the port is in use (another kami?); set KAMI_SIM_PORT`);
      }
      throw err;
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    this.address = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    this.setState('ready');
    this.log.info({ address: this.address, token: this.options.token !== undefined }, 'WhatsApp simulator listening: try `npx hive say "hello"`');
  }

  whenReady(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.readiness.wait(() => this.current === 'ready', () => this.current, timeoutMs, signal);
  }

  async send(message: OutgoingText): Promise<SentMessage> {
    if (this.current !== 'ready') await this.whenReady(5_000);
    const failure = this.options.failSendsTo?.(message.chatId);
    if (failure) throw failure;
    const messageId = simulatedMessageId(message.chatId, true, randomBytes(8).toString('hex'));
    const entry: SimSentMessage = {
      seq: ++this.seq,
      messageId,
      chatId: message.chatId,
      text: message.text,
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
      ...(message.media ? { media: { kind: message.media.kind, mime: message.media.mime, ...(message.media.filename ? { filename: message.media.filename } : {}) } } : {}),
      at: this.now().toISOString(),
    };
    const list = this.chats.get(message.chatId) ?? [];
    list.push(entry);
    if (list.length > SIM_HISTORY_PER_CHAT) list.splice(0, list.length - SIM_HISTORY_PER_CHAT);
    this.chats.set(message.chatId, list);
    this.readiness.changed();
    return { messageId };
  }

  sent(chatId: string, after = 0): readonly SimSentMessage[] {
    return (this.chats.get(chatId) ?? []).filter((m) => m.seq > after);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.setState('stopped');
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private setState(state: PortState): void {
    this.current = state;
    this.readiness.changed();
  }

  private async route(req: HttpRequest, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://simulator');
      if (this.options.token !== undefined && !sameToken(tokenOf(req, url), this.options.token)) {
        res.setHeader('www-authenticate', 'Bearer realm="kami simulator"');
        throw new HttpError(401, 'this simulator needs its token (KAMI_SIM_TOKEN): send "Authorization: Bearer <token>", "X-Kami-Token: <token>" or ?token=<token>');
      }
      const chat = /^\/chats\/([^/]+)\/messages$/.exec(url.pathname);
      if (url.pathname === '/messages' && req.method === 'POST') return json(res, 200, await this.receive(await readJson(req), url.searchParams, req));
      if (chat && req.method === 'GET') return json(res, 200, await this.history(decodeURIComponent(chat[1]!), url.searchParams, req));
      if (url.pathname === '/health' && req.method === 'GET') return json(res, 200, { mode: 'simulator', state: this.current, owner: this.options.defaultFrom });
      if (url.pathname === '/messages' || chat || url.pathname === '/health') throw new HttpError(405, `method ${req.method} not allowed on ${url.pathname}`);
      throw new HttpError(404, `no route ${req.method} ${url.pathname}; try POST /messages or GET /chats/<chat>/messages`);
    } catch (err) {
      if (err instanceof HttpError) return json(res, err.status, { error: err.message });
      this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'simulator request failed');
      return json(res, 500, { error: 'internal error; see kami\'s log' });
    }
  }

  private async receive(body: unknown, params: URLSearchParams, req: HttpRequest): Promise<unknown> {
    if (!this.listener) throw new HttpError(503, 'kami is not accepting messages yet');
    const waitMs = intParam(params, 'wait', 0, SIM_MAX_WAIT_MS);
    const input = parseInbound(body, this.options.defaultFrom);
    // The cursor is taken before the message is published, so no reply can slip in ahead of it.
    const cursor = this.seq;
    const messageId = input.id ?? simulatedMessageId(input.chatId, false, randomBytes(8).toString('hex'));
    const media = input.media;
    const incoming: IncomingMessage = {
      messageId,
      chatId: input.chatId,
      from: input.chatId,
      fromName: input.name,
      text: input.text,
      type: media ? (media.kind === 'voice' ? 'ptt' : media.kind) : 'chat',
      sentAt: this.now(),
      fromMe: false,
      hasMedia: media !== undefined,
      seconds: media?.seconds,
      quotedMessageId: input.quotedMessageId,
      downloadMedia: async () => (media ? { mime: media.mime, data: media.data, filename: media.filename } : undefined),
    };
    const outcome = await this.listener(incoming);
    if (waitMs === undefined) return { outcome, chatId: input.chatId, cursor };
    // Asked to wait: for kami's answer, the one client request a message then takes. Nothing comes
    // of a message that was not published now, so that is answered at once.
    const messages = await this.sentAfter(input.chatId, cursor, outcome.status === 'published' ? waitMs : 0, req);
    return { outcome, chatId: input.chatId, cursor, messages };
  }

  private async history(chatText: string, params: URLSearchParams, req: HttpRequest): Promise<unknown> {
    const chatId = chatIdOf(chatText);
    const after = intParam(params, 'after', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const waitMs = intParam(params, 'wait', 0, SIM_MAX_WAIT_MS) ?? 0;
    const messages = await this.sentAfter(chatId, after, waitMs, req);
    return { chatId, messages, cursor: messages.at(-1)?.seq ?? Math.max(after, 0) };
  }

  /** What was sent to `chatId` after `after`, waiting up to `waitMs` for something when nothing was (a long poll). */
  private async sentAfter(chatId: string, after: number, waitMs: number, req: HttpRequest): Promise<readonly SimSentMessage[]> {
    const messages = this.sent(chatId, after);
    if (messages.length > 0 || waitMs === 0) return messages;
    const gone = new AbortController();
    const abort = () => gone.abort();
    req.on('close', abort);
    await this.readiness.wait(() => this.sent(chatId, after).length > 0 || this.current === 'stopped', () => this.current, waitMs, gone.signal).catch(() => undefined);
    // Only a wait needs telling that its client left: a poll answered closes without an abort (its DOMException and stack).
    req.off('close', abort);
    return this.sent(chatId, after);
  }
}

interface InboundInput {
  chatId: string;
  text: string;
  id?: string | undefined;
  name?: string | undefined;
  quotedMessageId?: string | undefined;
  media?: { kind: MediaKind; mime: string; data: Buffer; filename?: string | undefined; seconds?: number | undefined } | undefined;
}

function parseInbound(body: unknown, defaultFrom: string): InboundInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object like {"text": "hello"}');
  const b = body as Record<string, unknown>;
  const text = b.text ?? '';
  if (typeof text !== 'string') throw new HttpError(400, '"text" must be a string');
  const from = b.from ?? defaultFrom;
  if (typeof from !== 'string') throw new HttpError(400, '"from" must be a phone number or chat id string');
  const chatId = chatIdOf(from);
  const id = optionalString(b, 'id');
  if (id !== undefined && !/^[^\s]{1,256}$/.test(id)) throw new HttpError(400, '"id" must be 1-256 characters without whitespace');
  const media = b.media === undefined ? undefined : parseMedia(b.media);
  if (text === '' && !media) throw new HttpError(400, '"text" must not be empty (or send "media")');
  return { chatId, text, id, name: optionalString(b, 'name'), quotedMessageId: optionalString(b, 'quotedMessageId'), media };
}

function parseMedia(m: unknown): NonNullable<InboundInput['media']> {
  if (typeof m !== 'object' || m === null) throw new HttpError(400, '"media" must be an object {"mime", "base64", "kind"?}');
  const r = m as Record<string, unknown>;
  if (typeof r.mime !== 'string' || r.mime === '') throw new HttpError(400, '"media.mime" must be a MIME type');
  if (typeof r.base64 !== 'string' || r.base64 === '') throw new HttpError(400, '"media.base64" must be the content, base64-encoded');
  const kind = (r.kind ?? (r.mime.startsWith('audio/') ? 'voice' : undefined)) as string | undefined;
  const known = kind === 'voice' ? 'voice' : kind !== undefined ? mediaKindOf(kind) : undefined;
  if (!known) throw new HttpError(400, '"media.kind" must be voice, audio, image, video, document or sticker');
  const seconds = r.seconds;
  if (seconds !== undefined && (typeof seconds !== 'number' || !(seconds >= 0))) throw new HttpError(400, '"media.seconds" must be a non-negative number');
  return { kind: known, mime: r.mime, data: Buffer.from(r.base64, 'base64'), filename: optionalString(r, 'filename'), seconds: seconds as number | undefined };
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `"${key}" must be a string`);
  return v === '' ? undefined : v;
}

function chatIdOf(text: string): string {
  try {
    return toChatId(text);
  } catch (err) {
    if (err instanceof InvalidChatIdError) throw new HttpError(400, err.message);
    throw err;
  }
}

function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new HttpError(400, `"${name}" must be a whole number >= ${min}`);
  return Math.min(n, max);
}

async function readJson(req: HttpRequest): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
