/**
 * What the one process does between a message's Redis round trips, from its own sockets: every
 * reply it reads, every write it makes (with how long the write call took) and every GC, for a few
 * messages sent a set time apart (one process, as `npm start` runs it). The host preloads
 * trace-on-signal.mjs; SIGUSR2 turns the trace on and off around the traced messages.
 *
 *   node --conditions=@hive/source --import tsx src/network-trace.ts [gapMs=500] [messages=3] [agents]
 *
 * `agents` (comma-separated, or "all") starts only those (kami,iris,ledger: the expense's path) and sends
 * only the expense. Each message prints from 3 ms before kami's publish (so the simulator's POST,
 * `R http request`, shows at a negative time) to 25 ms after it: ms, R(ead) / W(rite) / GC, the Redis
 * connection's name (or http: for the simulator's), bytes, the write call's µs, and the command or
 * reply's first bytes (a request's method and URL).
 * A span between a read and the next event is the event loop working on what that read brought.
 *
 *   node --conditions=@hive/source --import tsx src/network-trace.ts 500 120 all 3
 *
 * A fourth argument K looks for the tail instead: every message is traced, each gets one line (its
 * latency, the longest span in which the host neither read nor wrote and what came before it, the
 * GC inside), and only the K slowest, and the median one, are printed in full.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startNetwork } from '@hive/e2e/network';
import { askForReply, clientNames, userNumber as from, NETWORK_APPENDFSYNC, NETWORK_TEXTS, sendInTurn, UNTHROTTLED } from './network.js';

type TraceEvent = [at: number, kind: 'R' | 'W' | 'GC', end: string, bytes: number, head: string, callMs?: number];

const PRELOAD = fileURLToPath(new URL('./trace-on-signal.mjs', import.meta.url));
const WINDOW_MS = 25;
/** How long before kami's publish a message's print starts: its POST's arrival in the simulator. */
const LEAD_MS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [gapArg = '500', countArg = '3', agentsArg, slowestArg] = process.argv.slice(2);
  const only = agentsArg === 'all' ? undefined : agentsArg?.split(',').filter(Boolean);
  const slowest = slowestArg === undefined ? undefined : Number(slowestArg);
  if (slowest !== undefined && !(Number.isInteger(slowest) && slowest > 0)) throw new Error(`the fourth argument is how many of the slowest messages to print, not "${slowestArg}"`);
  const texts = only ? ['spent 12.50 on lunch'] : NETWORK_TEXTS;
  const out = join(tmpdir(), `hive-trace-${process.pid}.json`);
  const net = await startNetwork({ mode: 'host', env: { ...UNTHROTTLED, NODE_OPTIONS: `--import=${PRELOAD}`, HIVE_TRACE_OUT: out }, appendfsync: NETWORK_APPENDFSYNC, ...(only ? { only } : {}) });
  const host = net.pids()[0]!;
  const admin = new Redis(net.redis.url);
  try {
    await sendInTurn(net, texts, 40);
    // Each Redis connection by its local port: its client name (hive:<agent>:read, hive:<agent>@<host>).
    const names = new Map([...clientNames(String(await admin.client('LIST')))].map(([addr, name]) => [addr.slice(addr.lastIndexOf(':') + 1), name]));
    const redisPort = new URL(net.redis.url).port;
    const label = (end: string) => {
      if (end === 'request') return 'http request';
      const [local, remote] = end.split('>');
      return remote === redisPort ? (names.get(local!) ?? `redis:${local}`) : `http:${local}>${remote}`;
    };
    process.kill(host, 'SIGUSR2');
    const latencies: number[] = [];
    for (let k = 0; k < Number(countArg); k++) {
      await sleep(Number(gapArg));
      const sent = performance.now();
      await askForReply(net, texts[k % texts.length]!, from(k));
      latencies.push(performance.now() - sent);
    }
    process.kill(host, 'SIGUSR2');
    let events: TraceEvent[] = [];
    for (let i = 0; i < 50 && events.length === 0; i++) {
      await sleep(100);
      events = (() => { try { return JSON.parse(readFileSync(out, 'utf8')) as TraceEvent[]; } catch { return []; } })();
    }
    // A message starts with kami's publish-once script: an EVALSHA on its publish-once key (`pubid:`).
    const starts = events.filter((e) => e[1] === 'W' && e[4].includes('EVALSHA') && e[4].includes(':pubid:')).map((e) => e[0]);
    const print = (t0: number, i: number, windowMs: number) => {
      console.log(`\nmessage ${i + 1}: answered in ${latencies[i]?.toFixed(1) ?? '?'} ms (from the client's POST)`);
      let writeMs = 0;
      let writes = 0;
      for (const [at, kind, end, bytes, head, callMs] of events) {
        if (at < t0 - LEAD_MS || at > t0 + windowMs) continue;
        // The summary counts from the publish, as it did before the lead was printed.
        if (kind === 'W' && at >= t0) {
          writes++;
          writeMs += callMs ?? 0;
        }
        const call = callMs === undefined ? '' : `${(callMs * 1000).toFixed(0)} µs`;
        console.log(`${(at - t0).toFixed(3).padStart(8)}  ${kind.padEnd(2)} ${(kind === 'GC' ? `kind ${end}` : label(end)).padEnd(26)} ${String(bytes).padStart(5)} ${call.padStart(7)}  ${head.slice(0, 64)}`);
      }
      console.log(`  ${writes} writes in ${windowMs} ms, ${writeMs.toFixed(2)} ms inside write calls`);
    };
    if (slowest === undefined) {
      starts.forEach((t0, i) => print(t0, i, WINDOW_MS));
      return;
    }
    // The tail: one line per message, then the slowest in full (their whole answer, not 25 ms), and the median one.
    const windowOf = (i: number) => Math.ceil((latencies[i] ?? WINDOW_MS) + 1);
    console.log('message  answered ms  longest quiet span ms (after what)            GC ms inside');
    starts.forEach((t0, i) => {
      const inside = events.filter((e) => e[0] >= t0 && e[0] <= t0 + windowOf(i));
      let span = 0;
      let after = '';
      for (let k = 1; k < inside.length; k++) {
        const prev = inside[k - 1]!;
        const gap = inside[k]![0] - (prev[0] + (prev[1] === 'R' ? 0 : (prev[5] ?? 0)));
        if (gap > span) [span, after] = [gap, `${prev[1]} ${prev[1] === 'GC' ? `kind ${prev[2]}` : label(prev[2])}`];
      }
      const gc = inside.filter((e) => e[1] === 'GC').reduce((n, e) => n + (e[5] ?? 0), 0);
      console.log(`${String(i + 1).padStart(7)}  ${(latencies[i] ?? NaN).toFixed(1).padStart(11)}  ${span.toFixed(2).padStart(8)} (${after})`.padEnd(68) + gc.toFixed(2).padStart(8));
    });
    // V8's kinds: 1 scavenge, 2 minor mark-compact, 4 mark-compact, 8 incremental marking, 16 weak callbacks.
    const gcs = new Map<string, { n: number; ms: number; longest: number }>();
    for (const e of events) {
      if (e[1] !== 'GC') continue;
      const g = gcs.get(e[2]) ?? { n: 0, ms: 0, longest: 0 };
      gcs.set(e[2], { n: g.n + 1, ms: g.ms + (e[5] ?? 0), longest: Math.max(g.longest, e[5] ?? 0) });
    }
    const tracedS = events.length > 0 ? (events[events.length - 1]![0] - events[0]![0]) / 1000 : 0;
    console.log(`\nGC in the host over the ${tracedS.toFixed(0)} s traced: ${[...gcs].map(([kind, g]) => `kind ${kind}: ${g.n}, ${g.ms.toFixed(1)} ms in all, longest ${g.longest.toFixed(1)}`).join('; ') || 'none'}`);
    const order = latencies.map((ms, i) => [ms, i] as const).sort((a, b) => b[0] - a[0]);
    for (const [, i] of order.slice(0, slowest)) if (starts[i] !== undefined) print(starts[i], i, windowOf(i));
    const median = order[Math.floor(order.length / 2)];
    if (median && starts[median[1]] !== undefined) {
      console.log('\nthe median message, for comparison:');
      print(starts[median[1]]!, median[1], windowOf(median[1]));
    }
  } finally {
    admin.disconnect();
    await net.stop();
    rmSync(out, { force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
