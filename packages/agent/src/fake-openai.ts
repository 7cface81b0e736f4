/**
 * A local HTTP server speaking just enough of the OpenAI API for tests: chat completions (answered
 * with whatever `reply` says) and audio transcriptions (multipart uploads, answered by `transcribe`).
 * It records each request, and each call's fate (answered, failed, or left hanging until the client
 * gave up). `outage` overrides both, for a model that stops answering and comes back.
 * Dependency-free (node:http). Import from "@hive/agent/testing".
 *
 *   const fake = await startFakeOpenAi();
 *   fake.reply = { content: { label: 'expense', confidence: 0.9 } };  // JSON-encoded as the content
 *   fake.reply = { text: 'Good morning!' };                           // the content as is
 *   fake.reply = { status: 500 };                                     // fail with an HTTP status
 *   fake.reply = { hang: true };                                      // never answer (until close)
 *   fake.transcribe = { text: 'spent 4.20 on tea' };                  // POST /audio/transcriptions
 *   fake.outage = { hang: true };                                     // every endpoint hangs; undefined: back
 *   const agent = await createTestAgent(def, { env: { OPENAI_BASE_URL: fake.baseURL } });
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat-completions request body as received (the fields tests usually read are typed). */
export type FakeOpenAiRequest = Record<string, unknown> & {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  max_tokens?: number;
  max_completion_tokens?: number;
};

/** A failure to answer with: an HTTP status, or no answer at all until the client gives up or the server closes. */
export type FakeOpenAiFailure = { status: number } | { hang: true };

/** What the fake answers a chat completion with. */
export type FakeOpenAiReply =
  /** 200, with `JSON.stringify(content)` as the assistant's message. */
  | { content: unknown }
  /** 200, with `text` as the assistant's message. */
  | { text: string }
  | FakeOpenAiFailure
  /** Decide per request. */
  | ((request: FakeOpenAiRequest) => Exclude<FakeOpenAiReply, (request: FakeOpenAiRequest) => unknown>);

/** One part of a multipart/form-data body. */
export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/** A transcription upload as received. */
export interface FakeTranscriptionRequest {
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly file: FormPart | undefined;
}

/** What the fake answers a transcription with: `{ text }` (200, `{"text": …}`) or a failure. */
export type FakeTranscriptionReply =
  | { text: string }
  | FakeOpenAiFailure
  | ((request: FakeTranscriptionRequest) => { text: string } | FakeOpenAiFailure);

/** What became of one request. */
export interface FakeOpenAiCall {
  readonly path: 'chat' | 'transcription';
  /** When it arrived (ms). */
  readonly at: number;
  answer: 'ok' | 'status' | 'hang';
  /** For a hanging call: how long until the client closed the connection (undefined while it has not). */
  abandonedAfterMs?: number;
}

export interface FakeOpenAiOptions {
  /** @defaultValue `{ status: 500 }` */
  reply?: FakeOpenAiReply;
  /** @defaultValue `{ text: 'hello' }` */
  transcribe?: FakeTranscriptionReply;
  /** The model named in answers. @defaultValue 'fake-model' */
  model?: string;
  /** Token usage reported in answers. @defaultValue 42 prompt, 7 completion */
  usage?: { promptTokens: number; completionTokens: number };
}

export interface FakeOpenAi {
  /** For OPENAI_BASE_URL (ends in /v1). */
  readonly baseURL: string;
  /** Every chat-completions request body, oldest first (clear with `requests.length = 0`). */
  readonly requests: FakeOpenAiRequest[];
  /** Every transcription upload, oldest first. */
  readonly transcriptions: FakeTranscriptionRequest[];
  /** Every call of either kind and what became of it, oldest first. */
  readonly calls: FakeOpenAiCall[];
  reply: FakeOpenAiReply;
  transcribe: FakeTranscriptionReply;
  /** When set, every request fails this way, whatever `reply` and `transcribe` say. */
  outage: FakeOpenAiFailure | undefined;
  close(): Promise<void>;
}

/** Split a multipart/form-data body into its parts (RFC 7578), enough for the SDK's uploads. */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new Error(`not multipart/form-data: ${contentType}`);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]!.trim()}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const data = part.subarray(split + 4);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim();
    parts.push({ name, data: Buffer.from(data), ...(filename !== undefined ? { filename } : {}), ...(type !== undefined ? { contentType: type } : {}) });
    at = next;
  }
  return parts;
}

/** A chat.completion whose message content is `content`. */
function completion(content: string, model: string, usage: { promptTokens: number; completionTokens: number }) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens },
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Start the fake on a free loopback port. */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const model = options.model ?? 'fake-model';
  const usage = options.usage ?? { promptTokens: 42, completionTokens: 7 };
  const requests: FakeOpenAiRequest[] = [];
  const transcriptions: FakeTranscriptionRequest[] = [];
  const calls: FakeOpenAiCall[] = [];
  const open = new Set<ServerResponse>();

  /** Answer a failure (or leave the call hanging); false when `r` is not one. */
  const fail = (res: ServerResponse, call: FakeOpenAiCall, r: object): r is FakeOpenAiFailure => {
    if ('hang' in r) {
      call.answer = 'hang';
      // Ended by the client (its timeout) or by close(); the time it took is what tests read.
      res.on('close', () => (call.abandonedAfterMs ??= Date.now() - call.at));
      return true;
    }
    if ('status' in r && typeof r.status === 'number') {
      call.answer = 'status';
      send(res, r.status, { error: { message: `scripted ${r.status}`, type: 'server_error' } });
      return true;
    }
    return false;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.method !== 'POST' ? undefined : req.url?.endsWith('/chat/completions') ? 'chat' : req.url?.endsWith('/audio/transcriptions') ? 'transcription' : undefined;
      if (!path) return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      const call: FakeOpenAiCall = { path, at: Date.now(), answer: 'ok' };
      calls.push(call);
      open.add(res);
      res.on('close', () => open.delete(res));
      if (path === 'chat') {
        const request = JSON.parse(body.toString('utf8')) as FakeOpenAiRequest;
        requests.push(request);
        const r = fake.outage ?? (typeof fake.reply === 'function' ? fake.reply(request) : fake.reply);
        if (fail(res, call, r)) return;
        return send(res, 200, completion('text' in r ? r.text : JSON.stringify(r.content), model, usage));
      }
      let parts: FormPart[];
      try {
        parts = parseMultipart(body, req.headers['content-type'] ?? '');
      } catch (err) {
        return send(res, 400, { error: { message: (err as Error).message, type: 'invalid_request_error' } });
      }
      const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
      const request: FakeTranscriptionRequest = { model: field('model'), language: field('language'), file: parts.find((p) => p.name === 'file') };
      transcriptions.push(request);
      const r = fake.outage ?? (typeof fake.transcribe === 'function' ? fake.transcribe(request) : fake.transcribe);
      if (fail(res, call, r)) return;
      if (!request.file || request.file.data.length === 0) return send(res, 400, { error: { message: 'no file', type: 'invalid_request_error' } });
      send(res, 200, { text: r.text });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeOpenAi = {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    transcriptions,
    calls,
    reply: options.reply ?? { status: 500 },
    transcribe: options.transcribe ?? { text: 'hello' },
    outage: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}
