/**
 * The network's end-to-end latency: the whole network started by the e2e harness (`startNetwork`,
 * exactly as `npm start` runs it, in one process or one per agent), user messages POSTed to kami's
 * simulator at a paced rate, each in one request that waits for kami's reply (`POST
 * /messages?wait=`), and the time from sending it until the client holds the reply. Each
 * message's hops are read back from the streams afterwards: the wa.inbound, intent.classified and
 * wa.outbound entries it caused (their entry ids are Redis's clock, ms) and the simulator's time of
 * delivery, so the table says where the time went between POST and reply. The same client and
 * pacing then time the baseline, the bare path (bare-path.mjs: the same hops with nothing of Hive),
 * so that each run says what the machine allows beside what Hive takes.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDriver, envelopeFields, type RedisDriver } from '@hive/bus';
import { streamShards, xrange } from '@hive/bus/admin';
import { catalogue } from '@hive/contracts';
import { kamiClient, startNetwork, type KamiClient, type Network, type NetworkMode, type SentMessage } from '@hive/e2e/network';
import { LOCAL_REDIS_APPENDFSYNC, memoryOfAll, NODE_FLAGS } from '@hive/supervisor';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { summarize, type LatencySummary } from './stats.js';

/** Rule-based messages, one reply each, none of which schedules anything: iris's rules, then ledger, box, atlas, scribe. */
export const NETWORK_TEXTS: readonly string[] = ['spent 12.50 on lunch', 'I had 2 eggs and toast', 'help', 'note: call the landlord about the heater'];

/** Send `count` of `texts` in turn, each once the previous one's reply came: the network warmed before a diagnosis. */
export async function sendInTurn(net: Network, texts: readonly string[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await net.send(texts[i % texts.length]!, userNumber(i));
    await net.replies(r.chatId, r.cursor, 1, 5_000);
  }
}

/** Redis's CLIENT LIST as client address (ip:port) → name (hive:<agent>:read, hive:<agent>@<host>), or user when unnamed. */
export function clientNames(clientList: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of clientList.split('\n')) {
    const addr = /addr=(\S+)/.exec(line)?.[1];
    if (addr) names.set(addr, /name=(\S+)/.exec(line)?.[1] || (/user=(\S+)/.exec(line)?.[1] ?? addr));
  }
  return names;
}

export interface NetworkRate {
  readonly rate: number;
  readonly messages: number;
}

export interface NetworkSizes {
  readonly modes: readonly NetworkMode[];
  readonly rates: readonly NetworkRate[];
  /** Sent (and answered) before the measured messages of each mode, not measured. */
  readonly warmup: number;
}

/** The hops of one message, in ms; from the streams' entry ids (ms resolution) and the simulator's delivery time. */
export const HOPS = ['post→wa.inbound', 'wa.inbound→intent.classified', 'intent.classified→wa.outbound', 'wa.outbound→delivered', 'delivered→client'] as const;
export type HopName = (typeof HOPS)[number];

/**
 * What is measured: the network in one of its modes, or `bare`, the baseline (bare-path.mjs: an
 * expense's hops with nothing of Hive, one process, on its own Redis).
 */
export type MeasuredMode = NetworkMode | 'bare';

/** What measureRate needs of what it measures: a simulator's client, its processes, its Redis. */
export interface Measured extends KamiClient {
  readonly mode: MeasuredMode;
  readonly redis: { readonly url: string };
  /** For Redis's CPU (INFO) and, with `keys`, the hops. */
  readonly driver: RedisDriver;
  /** The network's keys: its streams' entries give each message's hops. The bare path has none to read. */
  readonly keys?: Network['keys'];
  pids(): number[];
  stop(): Promise<void>;
}

export interface NetworkResult extends LatencySummary {
  readonly mode: MeasuredMode;
  readonly rate: number;
  readonly sent: number;
  /** Sent and never answered within the wait. */
  readonly unanswered: number;
  readonly mean: number;
  /** Per hop: p50, p99 and mean over the messages whose every hop was found. */
  readonly hops: Record<HopName, { p50: number; p99: number; mean: number }>;
  /** CPU time of the network's processes (redis-server excluded) per message, ms: moves far less with load than latency does. */
  readonly agentsCpuMsPerMsg: number;
  /** redis-server's CPU time per message (INFO cpu), ms. */
  readonly redisCpuMsPerMsg: number;
  /** 1-minute load average when this rate's messages started and ended. */
  readonly load: [number, number];
  /**
   * The machine's floor under a hop: a PING round trip to the network's Redis from the bench, p50 in
   * µs, sent between this rate's messages at their spacing (`spaced`: what each of the round trips
   * on a message's path costs at this rate, an idle VM's CPUs waking included), and back to back
   * after them (`backToBack`: the same with every CPU awake). Absent from results saved before it was measured.
   */
  readonly pingUs?: { readonly spaced: number; readonly backToBack: number };
}

/** The network's Redis fsyncs its AOF as `npm start`'s does (once a second), not as the e2e tests' (every write). */
export const NETWORK_APPENDFSYNC = LOCAL_REDIS_APPENDFSYNC;

/** How long to wait for the last replies after the last message was sent. */
const ANSWER_WAIT_MS = 20_000;
/** Limits of kami's that would otherwise throttle one chat at 50 msg/s (the bench measures the bus, not the rate limits). */
export const UNTHROTTLED = { KAMI_INBOUND_PER_MINUTE: '100000', KAMI_INBOUND_BURST: '100000', KAMI_RATE_PER_MINUTE: '10000', KAMI_RATE_BURST: '1000', HERMES_BRIEFING_AT: '' };

interface Sample {
  waId: string;
  postAt: number;
  repliedAt?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Users the messages come from in turn: one chat's messages are handled in order (per-key order), so
 * a single chat at 50 msg/s would measure one handler's queue, not the network.
 */
export const NETWORK_USERS = 10;
/** The bench's users' numbers: message `i` from user `i % NETWORK_USERS` (the measured runs and the diagnostics alike). */
export const userNumber = (i: number) => `+155555501${String(10 + (i % NETWORK_USERS)).padStart(2, '0')}`;

/** A message sent by `askForReply`, and kami's reply to it once the client held it (undefined if none came in time). */
export interface AskedReply {
  readonly messageId: string;
  readonly chatId: string;
  readonly reply: SentMessage | undefined;
}

/**
 * Send one message as a user's client would: one request that waits for kami's answer (`POST
 * /messages?wait=`), so the client is not woken in the middle of the message's path by an answer
 * to its POST, nor kept polling at rest. When that request comes back with something else (an
 * earlier message's late answer), long polls after it wait on for this message's own reply, told
 * apart by `replyTo`. Nothing is consumed: each message finds its own reply from its own cursor.
 */
export async function askForReply(net: KamiClient, text: string, from: string, timeoutMs = 5_000): Promise<AskedReply> {
  const deadline = Date.now() + timeoutMs;
  const r = await net.ask(text, from, timeoutMs);
  const asked = { messageId: r.messageId, chatId: r.chatId };
  let got: readonly SentMessage[] = r.replies;
  let after = r.cursor;
  for (;;) {
    const reply = got.find((m) => m.replyTo === r.messageId);
    if (reply) return { ...asked, reply };
    after = got.at(-1)?.seq ?? after;
    const left = deadline - Date.now();
    if (left <= 0) return { ...asked, reply: undefined };
    got = await net.replies(r.chatId, after, 1, left);
    if (got.length === 0) return { ...asked, reply: undefined };
  }
}

/**
 * Send `count` messages at `rate` per second, each with `askForReply`; resolve with each one's send
 * time and the time its client held the reply (Date.now(), ms).
 */
async function paced(net: Measured, rate: number, count: number): Promise<{ samples: Sample[]; chatIds: string[] }> {
  // One answered message per user first (what a user's first message sets off is not measured).
  const chatIds = await Promise.all(
    Array.from({ length: NETWORK_USERS }, async (_, u) => {
      const first = await net.send('help', userNumber(u));
      await net.replies(first.chatId, first.cursor, 1, ANSWER_WAIT_MS);
      return first.chatId;
    }),
  );
  const samples: Sample[] = [];
  const one = async (text: string, from: string, postAt: number) => {
    const { messageId, reply } = await askForReply(net, text, from, ANSWER_WAIT_MS);
    samples.push(reply ? { waId: messageId, postAt, repliedAt: Date.now() } : { waId: messageId, postAt });
  };
  const start = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    sends.push(one(NETWORK_TEXTS[i % NETWORK_TEXTS.length]!, userNumber(i), Date.now()));
  }
  await Promise.all(sends);
  return { samples, chatIds };
}

/** Each message's hop times, from the entries it caused in wa.inbound, intent.classified and wa.outbound, and the simulator's delivery. */
async function hopsOf(net: Measured, keys: Network['keys'], since: number, samples: readonly Sample[], chatIds: readonly string[]): Promise<Map<string, Record<HopName, number>>> {
  type Entry = { ms: number; f: Record<string, string>; data: Record<string, unknown> };
  // A partitioned stream (intent.classified, split by intent) is read shard by shard.
  const read = async (stream: string): Promise<Entry[]> => (await Promise.all(streamShards(catalogue, stream).map(readOne))).flat();
  const readOne = async (stream: string) => {
    const out: Entry[] = [];
    let start = `${since}-0`;
    for (;;) {
      const page = await xrange(net.driver, keys.stream(stream), start, '+', 1_000);
      for (const e of page) {
        const f = envelopeFields(e.fields);
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(f.data ?? '{}') as Record<string, unknown>;
        } catch {
          // A foreign entry: no hop of ours.
        }
        out.push({ ms: Number(e.id.split('-')[0]), f, data });
      }
      if (page.length < 1_000) return out;
      start = `(${page.at(-1)!.id}`;
    }
  };
  const [inbound, classified, outbound] = await Promise.all([read('wa.inbound'), read('intent.classified'), read('wa.outbound')]);
  const inboundByWa = new Map(inbound.map((e) => [String(e.data.messageId), e]));
  const classifiedByCause = new Map(classified.map((e) => [e.f.cause ?? '', e]));
  const outboundByReply = new Map<string, (typeof outbound)[number]>();
  for (const e of outbound) if (typeof e.data.replyTo === 'string' && !outboundByReply.has(e.data.replyTo)) outboundByReply.set(e.data.replyTo, e);
  const delivered = new Map<string, number>();
  for (const chatId of chatIds) for (const m of await net.drain(chatId, 0, 0)) if (m.replyTo && !delivered.has(m.replyTo)) delivered.set(m.replyTo, Date.parse(m.at));
  const out = new Map<string, Record<HopName, number>>();
  for (const s of samples) {
    const inb = inboundByWa.get(s.waId);
    const cls = inb ? classifiedByCause.get(inb.f.id ?? '') : undefined;
    const outb = outboundByReply.get(s.waId);
    const at = delivered.get(s.waId);
    if (!inb || !cls || !outb || at === undefined || s.repliedAt === undefined) continue;
    out.set(s.waId, {
      'post→wa.inbound': inb.ms - s.postAt,
      'wa.inbound→intent.classified': cls.ms - inb.ms,
      'intent.classified→wa.outbound': outb.ms - cls.ms,
      'wa.outbound→delivered': at - outb.ms,
      'delivered→client': s.repliedAt - at,
    });
  }
  return out;
}

/** A raw connection to the network's Redis that times PING round trips (RESP inline, no client library in between). */
export async function pinger(url: string): Promise<{ rtt(): Promise<number>; close(): void }> {
  const u = new URL(url);
  const socket: Socket = connect(Number(u.port || 6379), u.hostname);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return {
    rtt: () =>
      new Promise((resolve) => {
        const t0 = process.hrtime.bigint();
        // "+PONG\r\n" may come in more than one chunk: the round trip ends with its line.
        const onData = (chunk: Buffer) => {
          if (!chunk.includes(0x0a)) return;
          socket.off('data', onData);
          resolve(Number(process.hrtime.bigint() - t0) / 1_000);
        };
        socket.on('data', onData);
        socket.write('PING\r\n');
      }),
    close: () => socket.destroy(),
  };
}

/** PING round trips (µs) while the messages go: one halfway between each two messages, until `done()`. */
async function spacedPings(p: Awaited<ReturnType<typeof pinger>>, rate: number, done: () => boolean): Promise<number[]> {
  const out: number[] = [];
  const interval = 1_000 / rate;
  const start = Date.now() + interval / 2;
  for (let i = 0; !done(); i++) {
    const wait = start + i * interval - Date.now();
    if (wait > 0) await sleep(wait);
    if (done()) break;
    out.push(await p.rtt());
  }
  return out;
}

const agentsCpuMs = (net: Measured) => memoryOfAll(net.pids()).reduce((a, p) => a + p.cpuMs, 0);
async function redisCpuMs(net: Measured): Promise<number> {
  const info = String(await net.driver.call(['INFO', 'cpu']));
  return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0)) * 1000;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Send `messages` messages at `rate` per second through a running network; their latency and hops. */
export async function measureRate(net: Measured, rate: number, messages: number): Promise<NetworkResult> {
  const load0 = loadavg()[0]!;
  const since = Date.now() - 1;
  const cpu0 = { agents: agentsCpuMs(net), redis: await redisCpuMs(net) };
  const ping = await pinger(net.redis.url);
  let sending = true;
  const pings = spacedPings(ping, rate, () => !sending);
  const { samples, chatIds } = await paced(net, rate, messages).finally(() => {
    sending = false;
  });
  const cpu = { agents: agentsCpuMs(net) - cpu0.agents, redis: (await redisCpuMs(net)) - cpu0.redis };
  const spaced = await pings;
  const backToBack: number[] = [];
  for (let i = 0; i < 50; i++) backToBack.push(await ping.rtt());
  ping.close();
  const answered = samples.filter((s) => s.repliedAt !== undefined);
  const hops = net.keys ? await hopsOf(net, net.keys, since, answered, chatIds) : new Map<string, Record<HopName, number>>();
  const perHop = {} as NetworkResult['hops'];
  for (const h of HOPS) {
    const xs = [...hops.values()].map((x) => x[h]);
    const sum = summarize(xs);
    perHop[h] = { p50: sum.p50, p99: sum.p99, mean: mean(xs) };
  }
  const e2e = answered.map((s) => s.repliedAt! - s.postAt);
  return { mode: net.mode, rate, sent: samples.length, unanswered: samples.length - answered.length, ...summarize(e2e), mean: mean(e2e), hops: perHop, agentsCpuMsPerMsg: cpu.agents / (messages + NETWORK_USERS), redisCpuMsPerMsg: cpu.redis / (messages + NETWORK_USERS), load: [load0, loadavg()[0]!], pingUs: { spaced: summarize(spaced).p50, backToBack: summarize(backToBack.slice(10)).p50 } };
}

/** Start the network in each mode and measure each rate; the network is stopped after each mode. */
export async function runNetworkBench(sizes: NetworkSizes, log: (line: string) => void = () => undefined): Promise<NetworkResult[]> {
  const results: NetworkResult[] = [];
  for (const mode of sizes.modes) {
    log(`network (${mode}): starting every agent …`);
    results.push(...(await measureRates(await startNetwork({ mode, env: UNTHROTTLED, appendfsync: NETWORK_APPENDFSYNC }), sizes, log)));
  }
  // The baseline, at the same rates: what the machine allows an expense's hops without Hive.
  log('network (bare path, the baseline): starting …');
  results.push(...(await measureRates(await startBarePath(), sizes, log)));
  return results;
}

/** Warm `net` up, measure each rate, and stop it. */
async function measureRates(net: Measured, sizes: NetworkSizes, log: (line: string) => void): Promise<NetworkResult[]> {
  const results: NetworkResult[] = [];
  try {
    if (sizes.warmup > 0) await measureRate(net, 10, sizes.warmup);
    for (const { rate, messages } of sizes.rates) {
      const r = await measureRate(net, rate, messages);
      results.push(r);
      log(`network (${net.mode === 'bare' ? 'bare path' : net.mode}) @${rate}/s: p50 ${r.p50} ms, p99 ${r.p99} ms over ${r.sent - r.unanswered}/${r.sent}`);
    }
  } finally {
    await net.stop();
  }
  return results;
}

// Plain JavaScript beside the sources, which a build does not copy: found from src/ and dist/ alike.
const BARE_PATH = fileURLToPath(new URL('../src/bare-path.mjs', import.meta.url));

/**
 * The baseline: bare-path.mjs (an expense's hops on node-redis and node:http, nothing of Hive) in
 * one process with the host's V8 flags, on a Redis of its own configured as the network's.
 */
export async function startBarePath(): Promise<Measured> {
  const redis: RedisServer = await startRedis({ aof: true, appendfsync: NETWORK_APPENDFSYNC });
  const child = spawn(process.execPath, [...NODE_FLAGS, BARE_PATH, redis.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const driver = createDriver('node-redis', { url: redis.url });
  const stop = async () => {
    child.kill('SIGTERM');
    await driver.close().catch(() => undefined);
    await redis.stop();
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => resolve(Number(/^ready (\d+)$/.exec(line)?.[1] ?? Number.NaN)));
      child.once('exit', (code, signal) => reject(new Error(`bare-path.mjs exited (${signal ?? `code ${code}`}) before it listened`)));
    });
    if (!Number.isInteger(port)) throw new Error('bare-path.mjs did not say which port it listens on');
    await driver.connect();
    const client = kamiClient(`http://127.0.0.1:${port}`);
    return { ...client, mode: 'bare', redis, driver, pids: () => (child.pid === undefined ? [] : [child.pid]), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The network section of the report, as markdown lines. */
export function renderNetwork(rows: readonly NetworkResult[]): string[] {
  if (rows.length === 0) return [];
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '–');
  const lines = [
    '### The network: a message to kami\'s simulator → its reply (ms)',
    '',
    `The whole network (\`startNetwork\` of packages/e2e, as \`npm start\` runs it, from source, its Redis with AOF and \`appendfsync ${NETWORK_APPENDFSYNC}\` as \`npm start\`'s), ${NETWORK_USERS} users' chats in turn, rule-based messages in turn (${NETWORK_TEXTS.map((t) => `"${t}"`).join(', ')}), POSTed at a paced rate, each in one request that waits for kami's reply (\`POST /messages?wait=\`; before 7 December the POST was answered at once and a long poll fetched the reply); end to end is from the POST to the client holding the reply. Hops from the entries each message caused (Redis entry ids, ms resolution) and the simulator's delivery time; each hop as p50 / p99 / mean. CPU per message: of the network's processes (/proc, 10 ms ticks) and of redis-server, over the rate's messages (each user's first message included). PING: a round trip from the bench to the network's Redis (p50, µs), sent halfway between messages at the rate's spacing, then back to back: the floor under each of the round trips on a message's path (about ten: the POST, kami's publish, then per hop the idempotency check and the handler's own, then the answer to the waiting POST), which on a VM whose CPUs sleep between messages costs several times the back-to-back figure. The bare path is the baseline, measured the same way at the same rates: bare-path.mjs, an expense's hops (POST, XADD, a group's read, XADD, a read, a record-and-read script, XADD, a read, the waiting POST's answer, an XACK per entry) on node-redis and node:http in one process with the host's V8 flags, on its own Redis configured as the network's, with nothing of Hive (no envelope, contracts, idempotency, logs, agent runtime or other agents): what this machine allows those hops at least. It has no hops to read back.`,
    '',
    `| mode | rate | p50 | p99 | max | mean | answered | agents' CPU ms/msg | Redis CPU ms/msg | PING µs, spaced / back to back | load 1-min | ${HOPS.join(' | ')} |`,
    `|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|${HOPS.map(() => '--:').join('|')}|`,
  ];
  for (const r of rows) {
    const hops = HOPS.map((h) => `${f(r.hops[h].p50)} / ${f(r.hops[h].p99)} / ${f(r.hops[h].mean)}`);
    lines.push(`| ${r.mode === 'host' ? 'one process' : r.mode === 'bare' ? 'bare path (baseline)' : 'processes'} | ${r.rate}/s | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.mean)} | ${r.sent - r.unanswered}/${r.sent} | ${r.agentsCpuMsPerMsg.toFixed(1)} | ${r.redisCpuMsPerMsg.toFixed(2)} | ${r.pingUs ? `${r.pingUs.spaced.toFixed(0)} / ${r.pingUs.backToBack.toFixed(0)}` : '–'} | ${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)} | ${hops.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}
