/**
 * A local HTTP server speaking just enough of the OpenAI chat-completions API for tests: it answers
 * with whatever the current `reply` says and records each request body. Dependency-free (node:http).
 * Import from "@hive/agent/testing".
 *
 *   const fake = await startFakeOpenAi();
 *   fake.reply = { content: { label: 'expense', confidence: 0.9 } };  // JSON-encoded as the content
 *   fake.reply = { text: 'Good morning!' };                           // the content as is
 *   fake.reply = { status: 500 };                                     // fail with an HTTP status
 *   fake.reply = { hang: true };                                      // never answer (until close)
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

/** What the fake answers with. */
export type FakeOpenAiReply =
  /** 200, with `JSON.stringify(content)` as the assistant's message. */
  | { content: unknown }
  /** 200, with `text` as the assistant's message. */
  | { text: string }
  /** This HTTP status, with an OpenAI-shaped error body. */
  | { status: number }
  /** No answer until the server closes (for timeouts). */
  | { hang: true }
  /** Decide per request. */
  | ((request: FakeOpenAiRequest) => Exclude<FakeOpenAiReply, (request: FakeOpenAiRequest) => unknown>);

export interface FakeOpenAiOptions {
  /** @defaultValue `{ status: 500 }` */
  reply?: FakeOpenAiReply;
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
  reply: FakeOpenAiReply;
  close(): Promise<void>;
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
  const open = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return send(res, 404, {});
      const body = JSON.parse(raw) as FakeOpenAiRequest;
      requests.push(body);
      open.add(res);
      res.on('close', () => open.delete(res));
      const r = typeof fake.reply === 'function' ? fake.reply(body) : fake.reply;
      if ('hang' in r) return;
      if ('status' in r) return send(res, r.status, { error: { message: `scripted ${r.status}`, type: 'server_error' } });
      send(res, 200, completion('text' in r ? r.text : JSON.stringify(r.content), model, usage));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeOpenAi = {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    reply: options.reply ?? { status: 500 },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}
