// The bare path: the baseline of the network case. An expense's hops with nothing of Hive in
// between, in one Node process as the host runs the agents: kami's simulator's HTTP API (POST
// /messages, with ?wait= answered once the reply is there; GET /chats/<chat>/messages?after=&wait=
// long polls), then three stages on Redis Streams, each with its own connections (a blocking reader
// and a command connection, as each agent has):
//
//   POST → XADD wa.inbound → "iris" reads it, XADD intent.classified, XACK
//        → "ledger" reads it, records the expense and reads the chat's total (one script), XADD
//          wa.outbound, XACK → "kami" reads it, answers the chat's long poll, XACK
//
// The same client library as Hive's default driver (node-redis), raw commands, no envelope, no
// contracts, no idempotency, no logs, no agent runtime: what any implementation of these hops on
// Redis Streams costs on this machine at least. Plain JavaScript, run with the host's V8 flags and no
// loader; network.ts starts it on its own Redis and measures it with the same client and pacing.
//
//   node bare-path.mjs <redisUrl> <httpPort>      prints "ready <port>" once it listens
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

const [url, portArg = '0'] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: node bare-path.mjs <redisUrl> [httpPort]\n');
  process.exit(2);
}
const STREAMS = { inbound: 'bare:wa.inbound', intent: 'bare:intent.classified', outbound: 'bare:wa.outbound' };
const GROUP = 'bare';
// Records the expense and answers the chat's total, as ledger's record-and-read does in one round trip.
const RECORD = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) local t = 0 for _, v in ipairs(redis.call('HVALS', KEYS[1])) do t = t + tonumber(v) end return tostring(t)";

const connected = async () => {
  const c = createClient({ url });
  c.on('error', () => undefined);
  await c.connect();
  return c;
};

/** Sent messages per chat, as the simulator keeps them: { seq, messageId, chatId, text, replyTo, at }. */
const chats = new Map();
const waiters = new Set();
let seq = 0;

/** One stage: read its stream as its group on a blocking connection, handle each entry, then ack it. */
async function stage(stream, handle) {
  const reader = await connected();
  const commands = await connected();
  for (;;) {
    const reply = await reader.sendCommand(['XREADGROUP', 'GROUP', GROUP, 'c', 'COUNT', '16', 'BLOCK', '5000', 'STREAMS', stream, '>']);
    if (!reply) continue;
    // RESP2: [[stream, [[id, [field, value, …]], …]]]; RESP3: { stream: [[id, fields], …] }.
    const entries = Array.isArray(reply) ? reply[0][1] : Object.values(reply)[0];
    for (const [id, fields] of entries) {
      void handle(JSON.parse(String(fields[1])), commands).then(() => commands.sendCommand(['XACK', stream, GROUP, id]));
    }
  }
}

async function main() {
  const admin = await connected();
  for (const s of Object.values(STREAMS)) await admin.sendCommand(['XGROUP', 'CREATE', s, GROUP, '$', 'MKSTREAM']).catch(() => undefined);

  void stage(STREAMS.inbound, (m, c) => c.sendCommand(['XADD', STREAMS.intent, '*', 'data', JSON.stringify({ ...m, intent: 'expense' })]));
  void stage(STREAMS.intent, async (m, c) => {
    const total = await c.sendCommand(['EVAL', RECORD, '1', `bare:ledger:${m.chatId}`, m.messageId, '12.5']);
    await c.sendCommand(['XADD', STREAMS.outbound, '*', 'data', JSON.stringify({ chatId: m.chatId, replyTo: m.messageId, text: `recorded; total ${total}` })]);
  });
  void stage(STREAMS.outbound, async (m) => {
    const list = chats.get(m.chatId) ?? [];
    list.push({ seq: ++seq, messageId: `true_${randomBytes(8).toString('hex')}`, chatId: m.chatId, text: m.text, replyTo: m.replyTo, at: new Date().toISOString() });
    chats.set(m.chatId, list);
    for (const w of [...waiters]) w();
  });

  const sent = (chatId, after) => (chats.get(chatId) ?? []).filter((m) => m.seq > after);
  /** Call `answer` with what was sent to the chat after `after`, waiting up to `wait` ms for something (a long poll). */
  const whenSent = (req, chatId, after, wait, answer) => {
    const now = sent(chatId, after);
    if (now.length > 0 || !(wait > 0)) return answer(now);
    const timer = setTimeout(done, wait);
    function done() {
      clearTimeout(timer);
      waiters.delete(check);
      answer(sent(chatId, after));
    }
    function check() {
      if (sent(chatId, after).length > 0) done();
    }
    waiters.add(check);
    req.on('close', () => {
      clearTimeout(timer);
      waiters.delete(check);
    });
  };
  const json = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://bare');
    if (req.method === 'POST' && u.pathname === '/messages') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const { text = '', from = '' } = JSON.parse(body);
        const chatId = `${String(from).replace(/\D/g, '')}@c.us`;
        const messageId = `false_${chatId}_${randomBytes(8).toString('hex')}`;
        const cursor = seq;
        // With ?wait=, answered once something was sent to the chat after the message (as kami's simulator).
        const wait = u.searchParams.get('wait');
        admin.sendCommand(['XADD', STREAMS.inbound, '*', 'data', JSON.stringify({ chatId, messageId, text })]).then(
          () => {
            const outcome = { status: 'published', messageId };
            if (wait === null) return json(res, 200, { outcome, chatId, cursor });
            whenSent(req, chatId, cursor, Number(wait), (messages) => json(res, 200, { outcome, chatId, cursor, messages }));
          },
          (err) => json(res, 500, { error: String(err) }),
        );
      });
      return;
    }
    const chat = /^\/chats\/([^/]+)\/messages$/.exec(u.pathname);
    if (req.method === 'GET' && chat) {
      const chatId = decodeURIComponent(chat[1]);
      const after = Number(u.searchParams.get('after') ?? 0);
      const wait = Number(u.searchParams.get('wait') ?? 0);
      whenSent(req, chatId, after, wait, (messages) => json(res, 200, { chatId, messages, cursor: messages.at(-1)?.seq ?? after }));
      return;
    }
    json(res, 404, { error: `no route ${req.method} ${u.pathname}` });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
