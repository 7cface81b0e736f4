/**
 * A fake whatsapp-web.js Client for tests: the library's real `Client` class with only the parts
 * that need a browser replaced (initialize, sendMessage, destroy, the page). It emits the library's
 * own events, hands out real `Message` objects built from WhatsApp Web's raw message data (so
 * `Message._patch`, `downloadMedia` and `MessageMedia` run as in production), and records sends.
 */
import { randomBytes } from 'node:crypto';
import wwebjs from 'whatsapp-web.js';
import type { ClientOptions, Message as WMessage, MessageContent, MessageSendOptions } from 'whatsapp-web.js';

const { Client, Events } = wwebjs;
// The typings declare Message as an interface only; the library exports the class at run time.
const Message = (wwebjs as unknown as { Message: new (client: unknown, data: RawMessage) => WMessage }).Message;

/** What a fake does when initialized: restore a saved session, ask for a QR scan, or nothing yet. */
export type Boot = 'restore' | 'qr' | 'silent' | Error;

export interface RecordedSend {
  chatId: string;
  content: MessageContent;
  options: MessageSendOptions | undefined;
}

/** Raw message data as WhatsApp Web's model serializes it (what whatsapp-web.js's Message is built from). */
export interface RawMessage {
  id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  type: string;
  t: number;
  from: string;
  to: string;
  author?: string;
  body?: string;
  caption?: string;
  notifyName?: string;
  directPath?: string;
  mimetype?: string;
  duration?: string;
  quotedMsg?: unknown;
}

interface StoredMedia {
  data: string;
  mimetype: string;
  filename?: string;
  filesize?: number;
}

export const ME = '15550001111@c.us';

export class FakeClient extends Client {
  readonly sent: RecordedSend[] = [];
  initialized = 0;
  destroyed = 0;
  /** Each send throws this while set. */
  failSends: Error | undefined;
  /** Media by message id, served to Message.downloadMedia through the fake page. */
  readonly media = new Map<string, StoredMedia>();
  /** Quoted messages' raw data by the quoting message's id. */
  readonly quoted = new Map<string, RawMessage>();
  /** Phone numbers of "@lid" contacts. */
  readonly lidNumbers = new Map<string, string>();

  constructor(
    readonly clientOptions: ClientOptions,
    private readonly boot: Boot = 'restore',
  ) {
    super(clientOptions);
    // Message.downloadMedia and getQuotedMessage ask the page; answer as WhatsApp Web would.
    (this as unknown as { pupPage: unknown }).pupPage = {
      evaluate: async (fn: (...args: unknown[]) => unknown, msgId: string) => {
        const source = fn.toString();
        if (source.includes('downloadAndMaybeDecrypt')) return this.media.get(msgId) ?? null;
        if (source.includes('WAWebQuotedMsgModelUtils')) return this.quoted.get(msgId) ?? null;
        throw new Error('the fake page cannot evaluate this');
      },
    };
  }

  override async initialize(): Promise<void> {
    this.initialized += 1;
    // The real auth strategy runs: LocalAuth creates its session dir and sets puppeteer's userDataDir.
    const auth = (this as unknown as { authStrategy: { beforeBrowserInitialized(): Promise<void> } }).authStrategy;
    await auth.beforeBrowserInitialized();
    const boot = this.boot;
    if (boot instanceof Error) throw boot;
    setImmediate(() => {
      if (boot === 'restore') {
        this.emit(Events.AUTHENTICATED);
        this.emit(Events.READY);
      } else if (boot === 'qr') {
        this.emit(Events.QR_RECEIVED, `2@${randomBytes(24).toString('base64')},fakeqr`);
      }
    });
  }

  override async sendMessage(chatId: string, content: MessageContent, options?: MessageSendOptions): Promise<WMessage> {
    this.sent.push({ chatId, content, options });
    if (this.failSends) throw this.failSends;
    const id = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    return new Message(this, {
      id: { fromMe: true, remote: chatId, id, _serialized: `true_${chatId}_${id}` },
      type: 'chat',
      t: Math.floor(Date.now() / 1000),
      from: ME,
      to: chatId,
      body: typeof content === 'string' ? content : '',
    });
  }

  override async destroy(): Promise<void> {
    this.destroyed += 1;
  }

  override async getContactById(contactId: string): Promise<never> {
    return { id: { _serialized: contactId }, number: this.lidNumbers.get(contactId) ?? '' } as never;
  }

  /** Deliver a message as WhatsApp Web would: a real Message on the `message` event. */
  receive(raw: RawMessage): WMessage {
    const msg = new Message(this, raw);
    this.emit(Events.MESSAGE_RECEIVED, msg);
    return msg;
  }
}

/** Raw data of a text message from `from` (a chat id) to kami's account. */
export function rawText(from: string, body: string, extra: Partial<RawMessage> = {}): RawMessage {
  const id = extra.id?.id ?? `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
  return {
    id: { fromMe: false, remote: from, id, _serialized: `false_${from}_${id}` },
    type: 'chat',
    t: 1_741_938_312,
    from,
    to: ME,
    body,
    notifyName: 'Ana',
    ...extra,
  };
}

/** Raw data of a voice note ("ptt"); its bytes are served by `client.media`. */
export function rawVoice(from: string, seconds: number): RawMessage {
  return rawText(from, '', { type: 'ptt', directPath: '/v/t62.7117-24/fake.enc', mimetype: 'audio/ogg; codecs=opus', duration: String(seconds), body: 'thumbnail-data-not-text' });
}
