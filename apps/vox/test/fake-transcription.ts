/**
 * A local server speaking just enough of OpenAI's POST /v1/audio/transcriptions for vox: it parses
 * the multipart/form-data body (so a test can check the file that arrived, byte for byte, and the
 * model field) and answers with a scripted transcript or an HTTP error.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart, type FormPart } from '@hive/agent/testing';

export interface TranscriptionRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly contentType: string;
  readonly parts: readonly FormPart[];
  /** A text field's value. */
  field(name: string): string | undefined;
  file(): FormPart | undefined;
}

export type FakeReply = { readonly text: string } | { readonly status: number; readonly message?: string } | { readonly hang: true };

export interface FakeTranscription {
  readonly baseURL: string;
  readonly requests: TranscriptionRequest[];
  /** Answers in order; the last one repeats. */
  replies: FakeReply[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Start the fake on a free loopback port. */
export async function startFakeTranscription(replies: FakeReply[] = [{ text: 'hello' }]): Promise<FakeTranscription> {
  const requests: TranscriptionRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/audio/transcriptions')) return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      const contentType = req.headers['content-type'] ?? '';
      let parts: FormPart[];
      try {
        parts = parseMultipart(Buffer.concat(chunks), contentType);
      } catch (err) {
        return send(res, 400, { error: { message: (err as Error).message, type: 'invalid_request_error' } });
      }
      requests.push({
        path: req.url,
        authorization: req.headers.authorization,
        contentType,
        parts,
        field: (name) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8'),
        file: () => parts.find((p) => p.name === 'file'),
      });
      const reply = fake.replies[Math.min(requests.length - 1, fake.replies.length - 1)]!;
      if ('hang' in reply) return; // until the client gives up or the server closes
      if ('status' in reply) return send(res, reply.status, { error: { message: reply.message ?? `scripted ${reply.status}`, type: 'server_error' } });
      if (!parts.some((p) => p.name === 'file' && p.data.length > 0)) return send(res, 400, { error: { message: 'no file', type: 'invalid_request_error' } });
      send(res, 200, { text: reply.text });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fake: FakeTranscription = {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    replies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
