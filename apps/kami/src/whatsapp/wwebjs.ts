/**
 * The WhatsApp port on whatsapp-web.js: a real account through headless Chromium. The session is
 * kept by LocalAuth in kami's data dir, so a restart does not need a new QR scan. On `disconnected`
 * the client is destroyed and a new one initialized with backoff; sends wait (bounded) for `ready`.
 *
 * Only `Client` is injectable (tests pass a fake that emits the library's own events); everything
 * else, `LocalAuth`, `Message` and `MessageMedia` included, is the library's real code.
 */
import type { EventEmitter } from 'node:events';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import wwebjs from 'whatsapp-web.js';
import type { ClientOptions, Message, MessageSendOptions, MessageContent } from 'whatsapp-web.js';
import { type Logger, withTimeout } from '@hive/agent';
import { DEFAULT_RECONNECT, reconnectDelayMs, type ReconnectPolicy } from '../domain/reconnect.js';
import type { DownloadedMedia } from '../domain/inbound.js';
import { NotReadyError, Readiness, SendTimeoutError, type IncomingMessage, type MessageListener, type OutgoingText, type PortState, type SentMessage, type WhatsAppPort } from './port.js';
import type { QrSink } from './qr.js';

const { Client, LocalAuth, MessageMedia, Events } = wwebjs;

import { chromiumArgs, chromiumEnv, detectSandbox, type SandboxVerdict } from './chromium.js';

/** The part of whatsapp-web.js's Client that kami uses. */
export interface WwebjsClient extends EventEmitter {
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: MessageContent, options?: MessageSendOptions): Promise<{ id: { _serialized: string } }>;
}

export type ClientFactory = (options: ClientOptions) => WwebjsClient;

export interface WwebjsPortOptions {
  /** kami's data dir; the session lives in `<dataDir>/wwebjs`. */
  readonly dataDir: string;
  readonly chromiumPath: string;
  readonly log: Logger;
  readonly qr: QrSink;
  /** @defaultValue a real whatsapp-web.js Client */
  readonly createClient?: ClientFactory;
  /** @defaultValue DEFAULT_RECONNECT */
  readonly reconnect?: ReconnectPolicy;
  /** Longest a send waits for the client to be ready, then for WhatsApp to confirm. @defaultValue 30000 */
  readonly sendTimeoutMs?: number;
  /** For backoff jitter. @defaultValue Math.random */
  readonly random?: () => number;
  /** Whether Chromium gets its sandbox. @defaultValue detectSandbox() */
  readonly sandbox?: SandboxVerdict;
}

/** The options kami creates each Client with: its own minimal environment for Chromium, the sandbox where it works. */
export function clientOptions(dataDir: string, chromiumPath: string, sandbox: SandboxVerdict): ClientOptions {
  return {
    authStrategy: new LocalAuth({ dataPath: join(dataDir, 'wwebjs') }),
    // `env` is puppeteer's launch option: Chromium's whole environment (it would otherwise inherit kami's).
    puppeteer: { headless: true, executablePath: chromiumPath, args: chromiumArgs(sandbox), env: chromiumEnv(dataDir) } as ClientOptions['puppeteer'],
  };
}

/** Build the whatsapp-web.js port. */
export function createWwebjsPort(options: WwebjsPortOptions): WhatsAppPort {
  return new WwebjsPort(options);
}

class WwebjsPort implements WhatsAppPort {
  readonly kind = 'whatsapp' as const;
  private current: PortState = 'stopped';
  private client: WwebjsClient | undefined;
  private listener: MessageListener | undefined;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly readiness = new Readiness();
  private readonly log: Logger;
  private readonly createClient: ClientFactory;
  private readonly sendTimeoutMs: number;
  private readonly sandbox: SandboxVerdict;

  constructor(private readonly options: WwebjsPortOptions) {
    this.log = options.log.child({ port: 'whatsapp-web.js' });
    this.sandbox = options.sandbox ?? detectSandbox();
    this.createClient = options.createClient ?? ((o) => new Client(o) as unknown as WwebjsClient);
    this.sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
  }

  get state(): PortState {
    return this.current;
  }

  onMessage(listener: MessageListener): void {
    this.listener = listener;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.log.info({ chromium: this.options.chromiumPath, session: join(this.options.dataDir, 'wwebjs') }, 'starting WhatsApp Web');
    // The session is a login: readable by kami's user only, whatever the umask (its agent user's state dir is 0700 too).
    const session = join(this.options.dataDir, 'wwebjs');
    await mkdir(session, { recursive: true, mode: 0o700 });
    await chmod(session, 0o700);
    await mkdir(chromiumEnv(this.options.dataDir).HOME!, { recursive: true, mode: 0o700 });
    if (this.sandbox.sandbox) this.log.info({ why: this.sandbox.why }, 'Chromium runs with its sandbox');
    else this.log.warn({ why: this.sandbox.why }, 'Chromium runs without its sandbox (--no-sandbox)');
    await this.connect();
  }

  whenReady(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.readiness.wait(() => this.current === 'ready' && this.client !== undefined, () => this.current, timeoutMs, signal);
  }

  async send(message: OutgoingText, signal?: AbortSignal): Promise<SentMessage> {
    const started = Date.now();
    await this.whenReady(this.sendTimeoutMs, signal);
    const client = this.client;
    if (!client || this.current !== 'ready') throw new NotReadyError(this.current, Date.now() - started);
    const content = message.media ? await toMessageMedia(message.media) : message.text;
    // sendSeen is off: marking the chat read is a second WhatsApp call that has broken in past
    // releases, and a failure after the text went out would make the bus send it again.
    const sendOptions: MessageSendOptions = { sendSeen: false };
    if (message.replyTo) sendOptions.quotedMessageId = message.replyTo;
    if (message.media) {
      if (message.text) sendOptions.caption = message.text;
      if (message.media.kind === 'voice') sendOptions.sendAudioAsVoice = true;
      if (message.media.kind === 'document') sendOptions.sendMediaAsDocument = true;
    }
    const sent = await withTimeout(client.sendMessage(message.chatId, content, sendOptions), this.sendTimeoutMs, () => new SendTimeoutError(this.sendTimeoutMs));
    return { messageId: sent.id._serialized };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.setState('stopped');
    if (client) await this.dispose(client);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = this.createClient(clientOptions(this.options.dataDir, this.options.chromiumPath, this.sandbox));
    this.client = client;
    this.wire(client);
    this.setState('starting');
    try {
      await client.initialize();
    } catch (err) {
      if (this.client !== client) return;
      this.log.error({ err: errorText(err), attempt: this.attempt + 1 }, 'WhatsApp Web failed to start');
      this.client = undefined;
      await this.dispose(client);
      this.scheduleReconnect();
    }
  }

  private wire(client: WwebjsClient): void {
    const mine = () => this.client === client && !this.stopped;
    client.on(Events.QR_RECEIVED, (qr: string) => {
      if (!mine()) return;
      this.setState('qr');
      this.options.qr.show(qr).then(
        (png) => this.log.info({ png }, 'login QR ready: scan it with WhatsApp (Linked devices)'),
        (err: unknown) => this.log.error({ err: errorText(err) }, 'could not render the login QR'),
      );
    });
    client.on(Events.AUTHENTICATED, () => {
      if (!mine()) return;
      this.setState('authenticated');
      this.options.qr.clear().catch(() => undefined);
    });
    client.on(Events.READY, () => {
      if (!mine()) return;
      this.attempt = 0;
      this.setState('ready');
    });
    client.on(Events.AUTHENTICATION_FAILURE, (message: unknown) => {
      if (!mine()) return;
      this.setState('auth_failure', {
        reason: String(message),
        hint: `the saved session was refused; if this persists, stop kami, delete ${join(this.options.dataDir, 'wwebjs')} and scan a new QR`,
      });
    });
    client.on(Events.DISCONNECTED, (reason: unknown) => {
      if (!mine()) return;
      this.setState('disconnected', { reason: String(reason) });
      this.client = undefined;
      void this.dispose(client).then(() => this.scheduleReconnect());
    });
    client.on(Events.MESSAGE_RECEIVED, (msg: Message) => {
      if (!mine()) return;
      void this.receive(msg);
    });
  }

  private async receive(msg: Message): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    try {
      await listener(await toIncoming(msg));
    } catch (err) {
      // The listener reports its own failures; this only catches a message we could not even read.
      this.log.error({ err: errorText(err), messageId: msg.id?._serialized }, 'could not handle a received message');
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.attempt += 1;
    const delayMs = reconnectDelayMs(this.attempt, this.options.reconnect ?? DEFAULT_RECONNECT, this.options.random);
    this.log.info({ attempt: this.attempt, delayMs }, 'reconnecting to WhatsApp');
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private async dispose(client: WwebjsClient): Promise<void> {
    client.removeAllListeners();
    // whatsapp-web.js destroys the client itself on some disconnects; a second destroy may throw.
    await client.destroy().catch((err: unknown) => this.log.debug({ err: errorText(err) }, 'destroying the old client failed'));
  }

  private setState(state: PortState, fields: Record<string, unknown> = {}): void {
    const from = this.current;
    this.current = state;
    const line = { from, to: state, ...fields };
    if (state === 'auth_failure' || state === 'disconnected') this.log.warn(line, `WhatsApp ${state}`);
    else this.log.info(line, `WhatsApp ${state}`);
    this.readiness.changed();
  }
}

/** A whatsapp-web.js Message as kami's library-neutral IncomingMessage. */
export async function toIncoming(msg: Message): Promise<IncomingMessage> {
  const chatId = msg.fromMe ? msg.to : msg.from;
  const from = msg.author ?? msg.from;
  const raw = (msg.rawData ?? {}) as { notifyName?: unknown };
  let number: string | undefined;
  // "@lid" ids hide the phone number that an allow-list names; the contact still knows it.
  if (from.endsWith('@lid')) number = await msg.getContact().then((c) => c.number || undefined, () => undefined);
  let quotedMessageId: string | undefined;
  if (msg.hasQuotedMsg) quotedMessageId = await msg.getQuotedMessage().then((q) => q?.id?._serialized, () => undefined);
  const seconds = msg.duration !== undefined ? Number(msg.duration) : undefined;
  return {
    messageId: msg.id._serialized,
    chatId,
    from,
    fromName: typeof raw.notifyName === 'string' && raw.notifyName !== '' ? raw.notifyName : undefined,
    number,
    text: msg.body ?? '',
    type: msg.type,
    sentAt: new Date(msg.timestamp * 1000),
    fromMe: msg.fromMe,
    hasMedia: msg.hasMedia,
    seconds: seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined,
    quotedMessageId,
    async downloadMedia(): Promise<DownloadedMedia | undefined> {
      const media = await msg.downloadMedia();
      if (!media) return undefined;
      return { mime: media.mimetype, data: Buffer.from(media.data, 'base64'), filename: media.filename ?? undefined };
    },
  };
}

async function toMessageMedia(media: NonNullable<OutgoingText['media']>): Promise<InstanceType<typeof MessageMedia>> {
  if (media.base64 !== undefined) return new MessageMedia(media.mime, media.base64, media.filename ?? null);
  // Paths are read by the outbound guard (confined to kami's media dirs); the port never opens one.
  throw new Error('media must come as content (base64): kami\'s outbound guard reads paths before the port sees them');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
