/** A local server speaking just enough of the OpenAI chat-completions API for adopter's drafts. */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAi {
  readonly baseURL: string;
  readonly requests: Array<{ messages?: Array<{ role: string; content: string }>; max_tokens?: number; max_completion_tokens?: number }>;
  /** What to answer: the assistant's text, or an HTTP status to fail with. */
  reply: { text: string } | { status: number };
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Start the fake on a free loopback port. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      if (!req.url?.endsWith('/chat/completions')) return send(res, 404, {});
      requests.push(JSON.parse(raw) as FakeOpenAi['requests'][number]);
      const r = fake.reply;
      if ('status' in r) return send(res, r.status, { error: { message: `scripted ${r.status}`, type: 'server_error' } });
      send(res, 200, {
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: 'fake-model',
        choices: [{ index: 0, message: { role: 'assistant', content: r.text, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fake: FakeOpenAi = {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    reply: { status: 500 },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
