/**
 * askForReply, the network case's one request per message (`POST /messages?wait=`), against a fake
 * simulator on a local port that answers as kami's does: a message's own reply in the POST's answer
 * ends it there; another message's late answer there is passed over, and long polls after it find
 * this message's reply by `replyTo`; nothing at all within the time is no reply.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { kamiClient } from '@hive/e2e/network';
import { askForReply } from '../src/network.js';

const CHAT = '15555550110@c.us';
const sent = (seq: number, replyTo: string, text: string) => ({ seq, messageId: `true_${seq}`, chatId: CHAT, text, replyTo, at: '2026-12-07T10:00:00.000Z' });

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A simulator whose POST answers with `posted` and whose GETs answer from `later` after their cursor; requests are recorded. */
async function fakeSimulator(posted: unknown[], later: ReturnType<typeof sent>[]): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://fake');
    const body =
      req.method === 'POST'
        ? { outcome: { status: 'published', messageId: 'mine' }, chatId: CHAT, cursor: 4, messages: posted }
        : { chatId: CHAT, messages: later.filter((m) => m.seq > Number(url.searchParams.get('after'))), cursor: 0 };
    req.resume();
    req.on('end', () => res.end(JSON.stringify(body)));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests };
}

describe('askForReply', () => {
  it('takes the reply from the POST that waited for it: one request', async () => {
    const fake = await fakeSimulator([sent(5, 'mine', 'logged')], []);
    const r = await askForReply(kamiClient(fake.url), 'spent 12.50 on lunch', '+15555550110', 2_000);
    expect(r).toMatchObject({ messageId: 'mine', chatId: CHAT, reply: { seq: 5, text: 'logged' } });
    expect(fake.requests).toEqual(['POST /messages?wait=2000']);
  });

  it('passes over an earlier message\'s late answer and long-polls after it for its own', async () => {
    const fake = await fakeSimulator([sent(5, 'earlier', 'not mine')], [sent(5, 'earlier', 'not mine'), sent(6, 'mine', 'logged')]);
    const r = await askForReply(kamiClient(fake.url), 'spent 12.50 on lunch', '+15555550110', 2_000);
    expect(r.reply).toMatchObject({ seq: 6, replyTo: 'mine', text: 'logged' });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]).toMatch(/^GET \/chats\/15555550110%40c\.us\/messages\?after=5&wait=\d+$/);
  });

  it('says there is no reply when nothing for it comes', async () => {
    const fake = await fakeSimulator([], []);
    const r = await askForReply(kamiClient(fake.url), 'spent 12.50 on lunch', '+15555550110', 300);
    expect(r).toEqual({ messageId: 'mine', chatId: CHAT, reply: undefined });
  });
});
